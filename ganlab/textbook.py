"""The GAN of this playground written as the equations: read it top to bottom.

The fast engine (`nn`, `losses`, `optim`, `gan`) computes exactly this, but is
shaped for speed: one flat parameter array per network, reused buffers, real and
fake samples in one batch. Here every line is one equation as a textbook prints
it. Tests check that a step here and a step of the fast engine, from the same
state and on the same samples, give the same parameters (to 1e-12).

Notation. A batch is a matrix with one sample per row. A network is a list of
layers (W, b): layer k computes Z_k = A_k @ W + b from its input A_k (A_0 = X),
and hands on A_{k+1} = f(Z_k), f being the activation; the last layer is linear.
The discriminator D outputs one number per sample, its *logit* l; for the log
losses D(x) = sigmoid(l) is the probability that x is real. Every loss is a mean
over the batch of n samples, so each of its derivatives carries a 1/n.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np


def sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)          # = 1 / (1 + e^-z), never overflows


def softplus(z):
    return np.logaddexp(0.0, z)                  # = log(1 + e^z), never overflows


# ----- activations: name -> (f, f') ---------------------------------------------------
LEAK = 0.2
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, LEAK * z), lambda z: np.where(z > 0, 1.0, LEAK)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}


# ----- a network: forward, then backward by the chain rule ----------------------------
def forward(layers, X, activation):
    """Every layer's input A_k and pre-activation Z_k; the output is A[-1]."""
    f, _ = ACTIVATIONS[activation]
    A, Z = [X], []
    for k, (W, b) in enumerate(layers):
        Z.append(A[k] @ W + b)                                  # Z_k = A_k W + b
        A.append(Z[k] if k == len(layers) - 1 else f(Z[k]))     # A_k+1 = f(Z_k); last: linear
    return A, Z


def backward(layers, A, Z, dOut, activation):
    """From dL/d(output): each layer's (dL/dW, dL/db), and dL/dX. Last layer first."""
    _, df = ACTIVATIONS[activation]
    grads = [None] * len(layers)
    dZ = dOut                                                   # the last layer is linear
    for k in reversed(range(len(layers))):
        W, b = layers[k]
        grads[k] = (A[k].T @ dZ, dZ.sum(axis=0))                # dW = A_k^T dZ, db = sum of dZ rows
        dA = dZ @ W.T                                           # dL/dA_k = dZ W^T
        if k > 0:
            dZ = dA * df(Z[k - 1])                              # dL/dZ_k-1 = dL/dA_k * f'(Z_k-1)
    return grads, dA


# ----- losses: on D's logits r (real samples) and f (fakes) ---------------------------
class Loss(NamedTuple):
    d: Callable          # L_D(r, f)
    d_grad: Callable     # (dL_D/dr, dL_D/df)
    g: Callable          # L_G(f)
    g_grad: Callable     # dL_G/df


LOSSES = {
    # -log D(x) = softplus(-l) and -log(1 - D(x)) = softplus(l); d softplus(l)/dl = sigmoid(l)
    "log": Loss(d=lambda r, f: softplus(-r).mean() + softplus(f).mean(),
                d_grad=lambda r, f: (-sigmoid(-r) / len(r), sigmoid(f) / len(f)),
                g=lambda f: softplus(-f).mean(),                  # -log D(G(z)): non-saturating
                g_grad=lambda f: -sigmoid(-f) / len(f)),
    "minimax": Loss(d=lambda r, f: softplus(-r).mean() + softplus(f).mean(),
                    d_grad=lambda r, f: (-sigmoid(-r) / len(r), sigmoid(f) / len(f)),
                    g=lambda f: -softplus(f).mean(),              # log(1 - D(G(z))): saturates
                    g_grad=lambda f: -sigmoid(f) / len(f)),
    "least_squares": Loss(d=lambda r, f: (((r - 1) ** 2).mean() + (f ** 2).mean()) / 2,
                          d_grad=lambda r, f: ((r - 1) / len(r), f / len(f)),
                          g=lambda f: ((f - 1) ** 2).mean() / 2,
                          g_grad=lambda f: (f - 1) / len(f)),
    "hinge": Loss(d=lambda r, f: np.maximum(1 - r, 0).mean() + np.maximum(1 + f, 0).mean(),
                  d_grad=lambda r, f: (-1.0 * (r < 1) / len(r), 1.0 * (f > -1) / len(f)),
                  g=lambda f: -f.mean(),
                  g_grad=lambda f: -np.ones_like(f) / len(f)),
    "wasserstein": Loss(d=lambda r, f: -r.mean() + f.mean(),     # the critic's weights are
                        d_grad=lambda r, f: (-np.ones_like(r) / len(r), np.ones_like(f) / len(f)),
                        g=lambda f: -f.mean(),                   # clipped after each step
                        g_grad=lambda f: -np.ones_like(f) / len(f)),
}


# ----- optimisers: one step for one parameter array p with gradient g ------------------
# `mem` is that array's memory between steps; `h` the hyperparameters (lr, momentum, ...).
EPS = 1e-8


def sgd(p, g, mem, h):
    return p - h["lr"] * g                                     # p <- p - lr g


def momentum(p, g, mem, h):
    mem["v"] = h["momentum"] * mem.get("v", 0.0) + g           # v <- mu v + g
    return p - h["lr"] * mem["v"]                              # p <- p - lr v


def adam(p, g, mem, h):
    b1, b2 = h["beta1"], h["beta2"]
    t = mem["t"] = mem.get("t", 0) + 1
    mem["m"] = b1 * mem.get("m", 0.0) + (1 - b1) * g            # mean of g
    mem["v"] = b2 * mem.get("v", 0.0) + (1 - b2) * g ** 2       # mean of g^2
    # Both means start at 0: bias-correct them, in Kingma & Ba's efficient form (sec. 2).
    lr_t = h["lr"] * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return p - lr_t * mem["m"] / (np.sqrt(mem["v"]) + EPS)


OPTIMIZERS = {"sgd": sgd, "momentum": momentum, "adam": adam}


@dataclass
class Net:
    """A network, how it learns, and its optimiser's memory (one dict per W and b)."""
    layers: list                  # [(W, b), ...]
    activation: str               # f of the hidden layers
    optimizer: str                # "sgd", "momentum" or "adam"
    hyper: dict                   # lr, and momentum or beta1 and beta2
    memory: list = field(default_factory=list)

    def __call__(self, X):
        return forward(self.layers, X, self.activation)[0][-1]

    def learn(self, grads) -> None:
        """One optimiser step: every W and b moves against its gradient."""
        update = OPTIMIZERS[self.optimizer]
        params = [p for layer in self.layers for p in layer]
        grads = [g for layer in grads for g in layer]
        self.memory = self.memory or [{} for _ in params]
        new = [update(p, g, mem, self.hyper) for p, g, mem in zip(params, grads, self.memory)]
        self.layers = list(zip(new[0::2], new[1::2]))


# ----- the two steps of Goodfellow et al. (2014), Algorithm 1 --------------------------
def d_step(G: Net, D: Net, x, z, loss: str, clip: float | None = None) -> float:
    """Update D with n real samples x and n noise vectors z; G is unchanged.

    L_D is a sum of a term over the reals and one over the fakes, so its gradient is
    the gradient through D on the reals plus the one on the fakes. `clip` (WGAN):
    afterwards every weight of the critic is clipped into [-clip, clip].
    """
    A_r, Z_r = forward(D.layers, x, D.activation)
    A_f, Z_f = forward(D.layers, G(z), D.activation)
    r, f = A_r[-1], A_f[-1]                                    # D's logits
    dr, df = LOSSES[loss].d_grad(r, f)
    grads_r, _ = backward(D.layers, A_r, Z_r, dr, D.activation)
    grads_f, _ = backward(D.layers, A_f, Z_f, df, D.activation)
    D.learn([(dWr + dWf, dbr + dbf) for (dWr, dbr), (dWf, dbf) in zip(grads_r, grads_f)])
    if clip is not None:
        D.layers = [(np.clip(W, -clip, clip), np.clip(b, -clip, clip)) for W, b in D.layers]
    return float(LOSSES[loss].d(r, f))


def g_step(G: Net, D: Net, z, loss: str) -> float:
    """Update G with n noise vectors z, through D; D is unchanged.

    L_G depends on G's weights only through the fakes G(z), so the chain rule runs
    back through D to the fakes (dL_G/dG(z)), then on through G to its weights.
    """
    A_g, Z_g = forward(G.layers, z, G.activation)
    A_d, Z_d = forward(D.layers, A_g[-1], D.activation)
    f = A_d[-1]
    _, d_fakes = backward(D.layers, A_d, Z_d, LOSSES[loss].g_grad(f), D.activation)
    grads, _ = backward(G.layers, A_g, Z_g, d_fakes, G.activation)
    G.learn(grads)
    return float(LOSSES[loss].g(f))
