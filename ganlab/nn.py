"""Dense networks (multi-layer perceptrons) with hand-written forward and backward passes.

A network maps a batch `x` of shape (n, sizes[0]) through hidden layers
    h = act(a @ W + b)
to a linear output layer `a @ W + b` of width sizes[-1]. All weights and biases
live in one flat float64 array `params` (and their gradients in `grad`), with a
per-layer matrix/vector *view* into it, so an optimiser updates the whole network
with a handful of vectorised NumPy calls instead of one per layer.

Speed: in the browser every NumPy call costs several microseconds, so each layer
is one matrix product (the bias rides along as an extra row of W, see `bind`),
written into preallocated buffers, plus its activation.

Contract (as in numpy-ml): `forward` caches what `backward` needs; `backward`
takes dL/d(output), fills `grad` with dL/d(params) and, if asked, returns
dL/d(input). The same forward and backward passes written as the equations
(Z = A @ W + b, dW = A.T @ dZ, ...), without the speed-ups: `textbook.py`.

Initialisation: weights ~ N(0, s^2) with He scaling s = sqrt(2 / fan_in) in front
of ReLU-like activations (they zero half their input, so the variance is doubled
back), Xavier/Glorot scaling s = sqrt(2 / (fan_in + fan_out)) in front of
tanh, sigmoid, linear and for the output layer, unless `out_scale` sets the
output layer's scale (the generator starts as a small cloud, not a spray across
the page). Biases start at 0, except that the caller may set the output bias
(the generator starts at the centre of the square) and the input's `centre`.
"""
from __future__ import annotations

import numpy as np

LEAK = 0.2  # slope of leaky_relu for negative inputs


def activate(name: str, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Apply activation `name` to `z`, writing into `out` (default: z itself); return it."""
    if out is None:
        out = z
    if name == "relu":
        return np.maximum(z, 0.0, out=out)
    if name == "leaky_relu":
        return np.maximum(z, LEAK * z, out=out)
    if name == "tanh":
        return np.tanh(z, out=out)
    if name == "sigmoid":
        # 1/(1+e^-z) written with tanh so it never overflows.
        np.tanh(0.5 * z, out=out)
        out *= 0.5
        out += 0.5
        return out
    if name == "linear":
        if out is not z:
            out[...] = z
        return out
    raise ValueError(f"unknown activation {name!r}")


def activation_grad(name: str, h: np.ndarray, dh: np.ndarray) -> np.ndarray:
    """dL/dz for h = act(z), from the activation's *output* h and dL/dh (new array)."""
    if name == "relu":
        return dh * (h > 0)
    if name == "leaky_relu":
        return dh * np.where(h > 0, 1.0, LEAK)
    if name == "tanh":
        return dh * (1.0 - h * h)
    if name == "sigmoid":
        return dh * (h * (1.0 - h))
    if name == "linear":
        return dh.copy()
    raise ValueError(f"unknown activation {name!r}")


class MLP:
    """A dense network whose parameters are one flat array with per-layer views."""

    def __init__(self, sizes: list[int], activation: str, rng: np.random.Generator,
                 out_bias: float = 0.0, out_scale: float | None = None,
                 centre: float = 0.0, dtype=np.float64):
        self.sizes = list(sizes)
        self.activation = activation
        shapes = list(zip(self.sizes[:-1], self.sizes[1:]))
        total = sum((i + 1) * o for i, o in shapes)
        self.bind(np.zeros(total, dtype=dtype), np.zeros(total, dtype=dtype))
        relu_like = activation in ("relu", "leaky_relu")
        for layer, (i, o) in enumerate(shapes):
            last = layer == len(shapes) - 1
            scale = np.sqrt(2.0 / i) if relu_like and not last else np.sqrt(2.0 / (i + o))
            if last and out_scale is not None:
                scale = out_scale / np.sqrt(i)
            # Weights are drawn layer by layer in a fixed order: same seed, same net.
            self.W[layer][...] = rng.standard_normal((i, o)) * scale
        # Each first-layer unit's boundary (where its input sum is 0) goes through
        # `centre`: for inputs in the unit square, centre 0.5 keeps every ReLU alive on
        # part of the square instead of leaving some dead from the start.
        self.b[0][...] -= centre * self.W[0].sum(axis=0)
        self.b[-1][...] += out_bias

    def bind(self, params: np.ndarray, grad: np.ndarray) -> None:
        """Use `params` and `grad` (flat arrays) as storage; all per-layer arrays become views.

        Layer k's block is a matrix Wb[k] of shape (in + 1, out): the weights W[k]
        in its first `in` rows and the bias b[k] in its last row. Feeding the layer
        its input with a column of ones appended, a_aug = [a, 1], gives
        a_aug @ Wb = a @ W + b in one matrix product, and the gradient
        a_aug.T @ dL/dz holds dL/dW and dL/db at once.
        """
        self.params, self.grad = params, grad
        self.Wb, self.dWb, self.W, self.b, self.dW, self.db = [], [], [], [], [], []
        pos = 0
        for i, o in zip(self.sizes[:-1], self.sizes[1:]):
            for arr, blocks, mats, vecs in ((params, self.Wb, self.W, self.b),
                                            (grad, self.dWb, self.dW, self.db)):
                block = arr[pos:pos + (i + 1) * o].reshape(i + 1, o)
                blocks.append(block)
                mats.append(block[:i])
                vecs.append(block[i])
            pos += (i + 1) * o
        self._bufs: dict[int, list[np.ndarray]] = {}
        self._aug: list[np.ndarray] = []
        self._h: list[np.ndarray] = []

    @property
    def n_layers(self) -> int:
        return len(self.W)

    def input_buffer(self, n: int) -> np.ndarray:
        """The (n, in + 1) array the next forward of n rows reads, ones in its last column.

        A caller may write its input straight into [:, :-1] and call
        forward(buffer, augmented=True), saving a copy.
        """
        return self._buffers(n)[0]

    def _buffers(self, n: int) -> list[np.ndarray]:
        bufs = self._bufs.get(n)
        if bufs is None:
            if len(self._bufs) >= 8:     # batch sizes come and go: keep memory bounded
                self._bufs.clear()
            # ones_like keeps the parameters' array type (the benchmark counts calls on it).
            bufs = self._bufs[n] = [np.ones_like(self.params, shape=(n, w + 1), order="C")
                                    for w in self.sizes[:-1]]
        return bufs

    def forward(self, x: np.ndarray, out: np.ndarray | None = None,
                augmented: bool = False) -> np.ndarray:
        """Return the output for batch `x` (n, in); remember activations for backward.

        `augmented`: x already has a column of ones appended (n, in + 1).
        `out`: write the output there (any (n, out)-shaped view) instead of a new array.
        """
        bufs = self._buffers(len(x))
        if augmented:
            a = x
        else:
            a = bufs[0]
            a[:, :-1] = x
        aug, hs = [a], [None]
        last = self.n_layers - 1
        for k in range(last):
            nxt = bufs[k + 1]
            # The product goes to a fresh contiguous array (BLAS needs one); the
            # activation writes its result next to the buffer's column of ones.
            h = activate(self.activation, a @ self.Wb[k], out=nxt[:, :-1])
            aug.append(nxt)
            hs.append(h)
            a = nxt
        self._aug, self._h = aug, hs
        return np.matmul(a, self.Wb[last], out=out)

    def backward(self, d_out: np.ndarray, input_grad: bool = False):
        """Fill `grad` with dL/d(params) given dL/d(output) for the last forward batch.

        Returns dL/d(input) if `input_grad`, else None. `d_out` is not modified.
        """
        dz = d_out
        for k in range(self.n_layers - 1, -1, -1):
            np.matmul(self._aug[k].T, dz, out=self.dWb[k])
            if k == 0 and not input_grad:
                return None
            da = dz @ self.W[k].T
            if k == 0:
                return da
            dz = activation_grad(self.activation, self._h[k], da)
        return None

    def input_grad(self, d_out: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
        """dL/d(input) for `rows` of the last forward batch, without touching `grad`.

        Used for the generator's step (the loss's pull on G's output, through D)
        and by the views (the pull on each displayed fake point).
        """
        dz = d_out
        for k in range(self.n_layers - 1, 0, -1):
            dz = activation_grad(self.activation, self._h[k][rows], dz @ self.W[k].T)
        return dz @ self.W[0].T

    def set_params(self, values) -> None:
        """Copy `values` into the flat parameter array (views stay valid)."""
        values = np.asarray(values, dtype=self.params.dtype)
        if values.shape != self.params.shape:
            raise ValueError(f"expected {self.params.size} parameters, got {values.size}")
        self.params[...] = values
