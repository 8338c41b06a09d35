"""Dense networks (multi-layer perceptrons) with hand-written forward and backward passes.

A network maps a batch `x` of shape (n, sizes[0]) through hidden layers
    h = act(a @ W + b)
to a linear output layer `a @ W + b` of width sizes[-1]. All weights and biases
live in one flat float64 array `params` (and their gradients in `grad`), with a
per-layer matrix/vector *view* into it, so an optimiser updates the whole network
with a handful of vectorised NumPy calls instead of one per layer.

Speed: in the browser every NumPy call costs several microseconds, so each layer
is one matrix product (the bias rides along as an extra row of W, see `bind`),
written into preallocated buffers (`Batch`), plus its activation. Element-wise
passes run over whole contiguous arrays, never over strided column views: in the
browser a strided pass costs three to four times as much (see `activate_rows`).

Wide layers in the browser: Pyodide's NumPy has no BLAS, and its matmul is then a
plain loop, slower than einsum's sum-of-products kernels for wide layers: from
EINSUM_MIN weights (about 45 units) a layer's passes, and from EINSUM_DW_MIN (about
20 units) its dL/dW = A.T @ dZ, where the loop's transposed reads are slowest (1.3
to 2.5 times faster at 64 units, timed in Pyodide). There, and only there
(`EINSUM`), those products use einsum: the same products, summed in another order, so
the numbers agree with CPython's to about 1e-15, as a BLAS's do. Whether a layer
does is fixed by its shape, never by the number of rows, so a pass in pieces gives
exactly the numbers of the whole pass either way.

Huge networks and batches: `forward_pieces` and `backward_pieces` do the same
passes in bounded pieces (blocks of rows, or of columns for dL/dW), with exactly
the same numbers, so a caller can spread a step over several animation frames.

Contract (as in numpy-ml): `forward` caches what `backward` needs; `backward`
takes dL/d(output), fills `grad` with dL/d(params) and, if asked, returns
dL/d(input). The same forward and backward passes written as the equations
(Z = A @ W + b, dW = A.T @ dZ, ...), without the speed-ups: `textbook.py`.

Initialisation: weights ~ N(0, s^2) with He scaling s = sqrt(2 / fan_in) in front
of ReLU and leaky ReLU (ReLU zeroes half its input, so the variance is doubled
back; leaky ReLU keeps a 0.2 slope there, for which the exact factor would be
2 / (1 + 0.2^2), about 1.92: 2 is close, and one rule keeps it simple),
Xavier/Glorot scaling s = sqrt(2 / (fan_in + fan_out)) in front of tanh,
sigmoid, linear and for the output layer, unless `out_scale` sets the
output layer's scale (the generator starts as a small cloud, not a spray across
the page). Biases start at 0, except that the caller may set the output bias
(the generator starts at the centre of the square) and the input's `centre`.
"""
from __future__ import annotations

import sys
from functools import partial

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
    """dL/dz for h = act(z), from the activation's *output* h and dL/dh (a new array;
    the derivatives themselves: `activation_grad_into`)."""
    return activation_grad_into(name, h, dh.copy(), np.empty_like(h))


def activation_grad_into(name: str, h: np.ndarray, dh: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """dL/dz for h = act(z), from the activation's *output* h and dL/dh, written into
    dh (returned); `scratch`, an array shaped like h, is worked in:

        relu: dh * (h > 0)    leaky_relu: dh * (1 if h > 0 else LEAK)
        tanh: dh * (1 - h^2)  sigmoid: dh * h (1 - h)    linear: dh

    The calls themselves: `activation_grad_calls`."""
    for call in activation_grad_calls(name, h, dh, scratch):
        call()
    return dh


def activation_grad_calls(name: str, h: np.ndarray, dh: np.ndarray, scratch: np.ndarray) -> list:
    """activation_grad_into(name, h, dh, scratch) as NumPy calls with their arguments
    bound, to run in order (steps.py binds them once per model; `out` is passed as a
    ufunc's third argument, which a partial calls without copying keywords).

    ReLU's mask is sign(h): h = max(z, 0) is 0 or positive, so its sign is exactly 0
    or 1, in one contiguous pass, where h > 0 costs two in the browser (a bool array,
    then its conversion inside the product)."""
    if name == "relu":
        mask = [partial(np.sign, h, scratch)]
    elif name == "leaky_relu":
        mask = [lambda: np.copyto(scratch, np.where(h > 0, 1.0, LEAK))]
    elif name == "tanh":
        mask = [partial(np.multiply, h, h, scratch), partial(np.subtract, 1.0, scratch, scratch)]
    elif name == "sigmoid":
        mask = [partial(np.subtract, 1.0, h, scratch), partial(np.multiply, h, scratch, scratch)]
    elif name == "linear":
        return []
    else:
        raise ValueError(f"unknown activation {name!r}")
    return mask + [partial(np.multiply, dh, scratch, dh)]


def activate_rows(name: str, a: np.ndarray) -> None:
    """Apply activation `name` in place to a layer's output with its column of ones,
    keeping the ones (the calls themselves: `activate_rows_calls`)."""
    for call in activate_rows_calls(name, a):
        call()


def activate_rows_calls(name: str, a: np.ndarray) -> list:
    """activate_rows(name, a) as NumPy calls with their arguments bound, to run in
    order. ReLU, leaky ReLU and linear leave the ones as they are (one contiguous pass
    over the whole array is several times faster in the browser than the same work on
    the strided view without the ones); tanh and sigmoid change them, so they are
    written back."""
    if name == "relu":
        return [partial(np.maximum, a, 0.0, a)]
    if name == "linear":
        return []
    calls = [partial(activate, name, a)]
    if name == "tanh" or name == "sigmoid":
        calls.append(partial(a.__setitem__, (slice(None), -1), 1.0))
    return calls


# einsum for wide layers where NumPy has no BLAS (see the module's docstring). Read
# when a network's storage is bound (MLP.bind): tests switch it on under CPython.
EINSUM = sys.platform == "emscripten"
EINSUM_MIN = 2000       # weights (bias row included) from which a layer's passes use einsum
EINSUM_DW_MIN = 400     # ... from which its dL/dW does


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None,
            fast: bool = False) -> np.ndarray:
    """a @ b (into `out`); `fast`: with einsum (MLP.fast, MLP.fast_dw)."""
    if fast:
        return np.einsum("ij,jk->ik", a, b, out=out)
    return np.matmul(a, b, out=out)


MIN_ROWS = 2   # smallest block of rows in a piece (see `blocks`)
MIN_COLS = 3   # smallest block of columns


def blocks(total: int, unit_work: int, work: int, least: int) -> list[tuple[int, int]]:
    """Split range(total) into consecutive (start, stop) blocks of near-equal size, each
    costing at most `work` when one unit costs `unit_work`, and none smaller than
    `least` units (unless total itself is smaller).

    Why a least size: with BLAS (CPython), a product on a block of one row or one
    column goes to a different routine (a matrix-vector product) whose rounding can
    differ in the last bit; blocks of a few rows or columns give exactly the numbers
    of the whole product. (The browser's NumPy has no BLAS: every entry of a product
    is the same plain sum, whatever the blocks.)
    """
    size = max(least, work // max(unit_work, 1))
    count = min(-(-total // size), max(1, total // least))
    return [(total * i // count, total * (i + 1) // count) for i in range(count)]


class Batch:
    """The arrays one network reuses for batches of n rows.

    aug[k]: layer k's input with a column of ones, (n, width_k + 1) (aug[0] is the
    input buffer; forward's input may also be the caller's own array); inner[k]:
    aug[k] without its ones; augT[k]: aug[k].T. grad(k): a spare (n, width_k + 1)
    array and its first width_k columns, for dL/dh (made when first needed).
    """

    def __init__(self, net: MLP, n: int):
        # Arrays of the parameters' own type: the benchmark counts NumPy calls on it.
        kind = type(net.params)
        self.aug = [np.ones((n, w + 1)).view(kind) for w in net.sizes[:-1]]
        self.inner = [a[:, :-1] for a in self.aug]
        self.augT = [a.T for a in self.aug]
        self.input: np.ndarray | None = None
        self._kind = kind
        self.grads: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def rows_from(self, net: MLP, start: int) -> Batch:
        """Rows `start`.. of this batch as a batch of their own, after forward_pieces:
        their activations (views, not copies) and dL/dh space of their own, so that
        backward_pieces can go back from those rows alone."""
        part = Batch(net, len(self.aug[0]) - start)
        part.aug = [a[start:] for a in self.aug]
        part.inner = [a[:, :-1] for a in part.aug]
        part.augT = [a.T for a in part.aug]
        part.input = self.input[start:]
        return part

    def grad(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dL/dh with a spare column, its first columns, a scratch array of the same
        shape for the activation's derivative) for layer k's output."""
        triple = self.grads.get(k)
        if triple is None:
            da = np.zeros(self.aug[k].shape).view(self._kind)
            triple = self.grads[k] = (da, da[:, :-1], np.zeros(da.shape).view(self._kind))
        return triple


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
        self.WT = [w.T for w in self.W]      # transposed views, made once
        # Which layers multiply with einsum (the module's docstring): by shape alone.
        self.fast = [EINSUM and blk.size >= EINSUM_MIN for blk in self.Wb]
        self.fast_dw = [EINSUM and blk.size >= EINSUM_DW_MIN for blk in self.Wb]
        self._batches: dict[int, Batch] = {}
        self._last: Batch | None = None       # the buffers of the last forward
        self._input: np.ndarray | None = None  # and its input, ones appended

    @property
    def n_layers(self) -> int:
        return len(self.W)

    def batch(self, n: int) -> Batch:
        """The reused buffers for batches of n rows (made on first use; at most 8 sizes
        are kept, as batch sizes come and go)."""
        b = self._batches.get(n)
        if b is None:
            if len(self._batches) >= 8:
                self._batches.clear()
            b = self._batches[n] = Batch(self, n)
        return b

    def input_buffer(self, n: int) -> np.ndarray:
        """The (n, in + 1) array the next forward of n rows reads, ones in its last column.

        A caller may write its input straight into [:, :-1] and call
        forward(buffer, augmented=True), saving a copy.
        """
        return self.batch(n).aug[0]

    def hidden_forward(self, k: int, a: np.ndarray, nxt: np.ndarray, inner: np.ndarray) -> None:
        """Hidden layer k on the rows a (with their column of ones): nxt = [act(a @ Wb[k]), 1].

        `inner` is nxt[:, :-1]. The product is written there and the activation then
        runs over all of nxt, ones included (see activate_rows): in the browser a
        strided pass over `inner` alone costs about as much as the matrix product.
        """
        product(a, self.Wb[k], inner, self.fast[k])
        activate_rows(self.activation, nxt)

    def forward(self, x: np.ndarray, out: np.ndarray | None = None,
                augmented: bool = False) -> np.ndarray:
        """Return the output for batch `x` (n, in); remember activations for backward.

        `augmented`: x already has a column of ones appended (n, in + 1).
        `out`: write the output there (any (n, out)-shaped view) instead of a new array.
        """
        b = self._batches.get(len(x)) or self.batch(len(x))
        if augmented:
            a = x
        else:
            a = b.aug[0]
            b.inner[0][...] = x
        self._last, self._input = b, a
        Wb, fast = self.Wb, self.fast
        last = len(Wb) - 1
        if last:                # hidden_forward, written out: calls cost time in the browser
            aug, inner, name = b.aug, b.inner, self.activation
            for k in range(last):
                if fast[k]:
                    np.einsum("ij,jk->ik", a, Wb[k], out=inner[k + 1])
                else:
                    np.matmul(a, Wb[k], out=inner[k + 1])
                a = aug[k + 1]
                activate_rows(name, a)
        if fast[last]:
            return np.einsum("ij,jk->ik", a, Wb[last], out=out)
        return np.matmul(a, Wb[last], out=out)

    def backward(self, d_out: np.ndarray, input_grad: bool = False):
        """Fill `grad` with dL/d(params) given dL/d(output) for the last forward batch.

        Returns dL/d(input) if `input_grad`, else None. `d_out` is not modified.
        """
        b, dWb, fast, fast_dw = self._last, self.dWb, self.fast, self.fast_dw
        dz = d_out
        for k in range(len(dWb) - 1, 0, -1):
            # dL/dWb = [a, 1].T @ dz, then hidden_grad, written out (as in forward)
            if fast_dw[k]:
                np.einsum("ij,jk->ik", b.augT[k], dz, out=dWb[k])
            else:
                np.matmul(b.augT[k], dz, out=dWb[k])
            da, da_inner, scratch = b.grads.get(k) or b.grad(k)
            if fast[k]:
                np.einsum("ij,jk->ik", dz, self.WT[k], out=da_inner)
            else:
                np.matmul(dz, self.WT[k], out=da_inner)
            name = self.activation
            if name != "linear":
                activation_grad_into(name, b.aug[k], da, scratch)
            dz = da_inner
        if fast_dw[0]:
            np.einsum("ij,jk->ik", self._input.T, dz, out=dWb[0])
        else:
            np.matmul(self._input.T, dz, out=dWb[0])
        if not input_grad:
            return None
        return np.einsum("ij,jk->ik", dz, self.WT[0]) if fast[0] else dz @ self.WT[0]

    def hidden_grad(self, k: int, h_aug: np.ndarray, dz: np.ndarray, da: np.ndarray,
                    da_inner: np.ndarray, scratch: np.ndarray) -> np.ndarray:
        """dL/dz of hidden layer k-1 (a strided (n, width) view: `da_inner`) from dL/dz
        of layer k.

        dL/dh = dz @ W[k].T is written into `da_inner`, the first columns of `da`, an
        array shaped like h_aug (with a spare column where h_aug has its ones), so that
        the activation's derivative runs over whole contiguous arrays (see
        hidden_forward), in place, with `scratch` (shaped like da) to work in.
        """
        if self.fast[k]:
            np.einsum("ij,jk->ik", dz, self.WT[k], out=da_inner)
        else:
            np.matmul(dz, self.WT[k], out=da_inner)
        if self.activation != "linear":
            activation_grad_into(self.activation, h_aug, da, scratch)
        return da_inner

    def input_grad(self, d_out: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
        """dL/d(input) for `rows` of the last forward batch, without touching `grad`.

        Used for the generator's step (the loss's pull on G's output, through D)
        and by the views (the pull on each displayed fake point).
        """
        b = self._last
        dz = d_out
        for k in range(len(self.Wb) - 1, 0, -1):
            da, da_inner, scratch = b.grad(k)
            dz = self.hidden_grad(k, b.aug[k][rows], dz, da[rows], da_inner[rows], scratch[rows])
        return np.einsum("ij,jk->ik", dz, self.WT[0]) if self.fast[0] else dz @ self.WT[0]

    # ----- the same passes in bounded pieces (huge networks and batches) ----------------
    def forward_pieces(self, b: Batch, x_aug: np.ndarray, out: np.ndarray, work: int):
        """forward(x_aug, out, augmented=True) in pieces, into the caller's buffers `b`
        (not the ones forward() shares with the views, which may run between pieces).

        A generator: each layer runs on blocks of rows (see `blocks`), and after each
        block it yields the multiply-adds that block took (at most `work`, whatever the
        size of the network). Rows are independent, so the numbers are exactly those
        of forward(). Remembers x_aug for backward_pieces.
        """
        b.input = a = x_aug
        last = len(self.Wb) - 1
        for k in range(last + 1):
            per_row = self.Wb[k].size
            for r0, r1 in blocks(len(a), per_row, work, MIN_ROWS):
                if k < last:
                    self.hidden_forward(k, a[r0:r1], b.aug[k + 1][r0:r1],
                                        b.inner[k + 1][r0:r1])
                else:
                    product(a[r0:r1], self.Wb[k], out[r0:r1], self.fast[k])
                yield (r1 - r0) * per_row
            if k < last:
                a = b.aug[k + 1]

    def backward_pieces(self, b: Batch, d_out: np.ndarray, work: int, params: bool = True,
                        input_grad: np.ndarray | None = None):
        """backward (params=True) or input_grad (params=False) in pieces, after
        forward_pieces on `b`. A generator yielding each piece's multiply-adds.

        dL/dWb = [a, 1].T @ dz sums over all rows, so it is split by columns of dz
        instead (each column of dL/dWb is its own sum, done whole); dL/dh splits by
        rows. Either way every number is computed exactly as backward() computes it.
        `input_grad`: an (n, in) array to fill with dL/d(input).
        """
        n = len(d_out)
        dz = d_out
        for k in range(len(self.Wb) - 1, -1, -1):
            a = b.aug[k] if k else b.input
            if params:
                per_col = n * a.shape[1]
                for c0, c1 in blocks(self.Wb[k].shape[1], per_col, work, MIN_COLS):
                    product(a.T, dz[:, c0:c1], self.dWb[k][:, c0:c1], self.fast_dw[k])
                    yield (c1 - c0) * per_col
            if k == 0:
                if input_grad is not None:
                    for r0, r1 in blocks(n, self.W[0].size, work, MIN_ROWS):
                        product(dz[r0:r1], self.WT[0], input_grad[r0:r1], self.fast[0])
                        yield (r1 - r0) * self.W[0].size
                return
            da, da_inner, scratch = b.grad(k)
            for r0, r1 in blocks(n, self.W[k].size, work, MIN_ROWS):
                rows = slice(r0, r1)
                self.hidden_grad(k, a[rows], dz[rows], da[rows], da_inner[rows], scratch[rows])
                yield (r1 - r0) * self.W[k].size
            dz = da_inner

    def set_params(self, values) -> None:
        """Copy `values` into the flat parameter array (views stay valid)."""
        values = np.asarray(values, dtype=self.params.dtype)
        if values.shape != self.params.shape:
            raise ValueError(f"expected {self.params.size} parameters, got {values.size}")
        self.params[...] = values
