"""GAN objectives, computed from the discriminator's raw output (its *logit* l).

For the log losses D(x) = sigmoid(l) is the probability that x is real. Written
with softplus(t) = log(1 + e^t), which `np.logaddexp(0, t)` evaluates without
overflow, and with sigmoid(l) = 0.5 + 0.5 tanh(l/2), which never overflows:

| loss          | discriminator minimises (mean over real r, fake f)  | generator minimises        |
|---------------|------------------------------------------------------|----------------------------|
| log           | softplus(-l_r) + softplus(l_f)                       | softplus(-l_f)  (non-saturating: -log D(G(z))) |
| minimax       | same                                                 | -softplus(l_f)  (log(1 - D(G(z))), saturates) |
| least_squares | ((l_r - 1)^2 + l_f^2) / 2                            | (l_f - 1)^2 / 2            |
| hinge         | relu(1 - l_r) + relu(1 + l_f)                        | -l_f                       |
| wasserstein   | -l_r + l_f   (critic; weights clipped elsewhere)     | -l_f                       |

The discriminator sees real and fake samples in *one* batch of 2n rows (real
first). With s = +1 for a real row and -1 for a fake row, every D loss above is a
function of s*l, so one vectorised expression serves the whole batch.

Each function returns (loss or None, dL/dl). The loss value costs extra NumPy
calls, so it is only computed when `want_loss` is true. Returned gradients may be
shared constants: callers must not modify them in place.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .state import LOSSES


class Targets:
    """Per-batch-size constants, made once per batch size and reused every step."""

    def __init__(self, n: int):
        self.n = n
        s = np.ones((2 * n, 1))
        s[n:] = -1.0
        self.s = s                                     # +1 real, -1 fake
        self.y = (s > 0).astype(float)                 # 1 real, 0 fake
        self.half_minus_y_over_n = (0.5 - self.y) / n  # for the log-loss gradient
        self.y_over_n = self.y / n
        self.minus_s_over_n = -s / n                   # d(-s*l)/dl / n
        self.minus_one_over_n = np.full((n, 1), -1.0 / n)
        for arr in vars(self).values():     # shared by every caller: never written
            if isinstance(arr, np.ndarray):
                arr.setflags(write=False)


@lru_cache(maxsize=16)
def targets(n: int) -> Targets:
    """The Targets for batch size n, made once and shared (training and views alike)."""
    return Targets(n)


def d_loss(name: str, l: np.ndarray, t: Targets, want_loss: bool = False):
    """Discriminator loss on logits l (2n, 1): real rows then fake rows."""
    n = t.n
    loss = None
    if name in ("log", "minimax"):
        # d softplus(-s l)/dl = sigmoid(l) - y
        g = np.tanh(0.5 * l)
        g *= 0.5 / n
        g += t.half_minus_y_over_n
        if want_loss:
            loss = float(np.logaddexp(0.0, -t.s * l).sum()) / n
    elif name == "least_squares":
        g = l / n
        g -= t.y_over_n
        if want_loss:
            loss = 0.5 * float(np.square(l - t.y).sum()) / n
    elif name == "hinge":
        margin = t.s * l
        g = t.minus_s_over_n * (margin < 1.0)
        if want_loss:
            loss = float(np.maximum(1.0 - margin, 0.0).sum()) / n
    elif name == "wasserstein":
        g = t.minus_s_over_n
        if want_loss:
            loss = float(-(t.s * l).sum()) / n
    else:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    return loss, g


def g_loss(name: str, l: np.ndarray, t: Targets, want_loss: bool = False):
    """Generator loss on the discriminator's logits l (n, 1) for a fake batch."""
    n = t.n
    loss = None
    if name == "log":
        # d softplus(-l)/dl = sigmoid(l) - 1
        g = np.tanh(0.5 * l)
        g *= 0.5 / n
        g -= 0.5 / n
        if want_loss:
            loss = float(np.logaddexp(0.0, -l).sum()) / n
    elif name == "minimax":
        # d(-softplus(l))/dl = -sigmoid(l): tiny when D confidently says "fake".
        g = np.tanh(0.5 * l)
        g *= -0.5 / n
        g -= 0.5 / n
        if want_loss:
            loss = -float(np.logaddexp(0.0, l).sum()) / n
    elif name == "least_squares":
        g = l / n
        g -= 1.0 / n
        if want_loss:
            loss = 0.5 * float(np.square(l - 1.0).sum()) / n
    elif name in ("hinge", "wasserstein"):
        g = t.minus_one_over_n
        if want_loss:
            loss = -float(l.sum()) / n
    else:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    return loss, g


def realness(name: str, l: np.ndarray) -> np.ndarray:
    """What the views show as "D(x)", in [0, 1]: 1 = looks real, 0 = looks fake.

    Log losses: the probability sigmoid(l). Least squares: l itself (its targets
    are 1 and 0), clipped. Hinge and Wasserstein have no probability, so their
    score is squashed with sigmoid: above 0.5 means "more real than fake".
    """
    if name == "least_squares":
        return np.clip(l, 0.0, 1.0)
    out = np.tanh(0.5 * l)
    out *= 0.5
    out += 0.5
    return out
