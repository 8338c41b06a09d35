"""GAN objectives, each one object computed from the discriminator's raw output (its *logit* l).

For the log losses D(x) = sigmoid(l) is the probability that x is real. Written
with softplus(t) = log(1 + e^t), which `np.logaddexp(0, t)` evaluates without
overflow, and with sigmoid(l) = 0.5 + 0.5 tanh(l/2), which never overflows:

| loss          | discriminator minimises (mean over real r, fake f)  | generator minimises        |
|---------------|------------------------------------------------------|----------------------------|
| log           | softplus(-l_r) + softplus(l_f)                       | softplus(-l_f)  (non-saturating: -log D(G(z))) |
| minimax       | same                                                 | -softplus(l_f)  (log(1 - D(G(z))), saturates) |
| least_squares | ((l_r - 1)^2 + l_f^2) / 2                            | (l_f - 1)^2 / 2            |
| hinge         | relu(1 - l_r) + relu(1 + l_f)                        | -l_f                       |
| wasserstein   | -l_r + l_f   (critic; weights clipped after each step) | -l_f                     |

A loss is one `Loss` object in `REGISTRY`; the settings table takes the `loss`
setting's choices, labels and help from there, so a new loss is one class here
(plus its tests). An object says everything the rest of the program needs:

- `d_loss(l, t, want_loss)`: D's loss and dL/dl on a batch of 2n logits;
- `g_loss(l, t, want_loss)`: G's loss and dL/dl on n logits of fakes;
- `realness(l, reference)`: what the views show as "D(x)", in [0, 1];
- `after_d_step(D, settings)`: a constraint after each D step (WGAN's clipping).

The discriminator sees real and fake samples in *one* batch of 2n rows (real
first). With s = +1 for a real row and -1 for a fake row, the log, minimax, hinge
and Wasserstein D losses are functions of s*l, so one vectorised expression serves
the whole batch; least squares is not (it pulls real logits to 1 and fake ones to
0), and has its own real and fake targets.

`d_loss` and `g_loss` return (loss or None, dL/dl). The loss value costs extra
NumPy calls, so it is only computed when `want_loss` is true. Returned gradients
may be shared constants: callers must not modify them in place.

The same formulas, one line each and real and fake apart: `textbook.py`.
"""
from __future__ import annotations

from functools import lru_cache

try:
    import numpy as np
except ModuleNotFoundError:     # build.py reads the names and labels, and runs without NumPy
    np = None

from .registry import Registry


class Targets:
    """Per-batch-size constants, made once per batch size and reused every step."""

    def __init__(self, n: int):
        self.n = n
        s = np.ones((2 * n, 1))
        s[n:] = -1.0
        self.s = s                                     # +1 real, -1 fake
        self.minus_s = -s
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


def sigmoid(l: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-l), as 0.5 + 0.5 tanh(l/2): never overflows. A new array."""
    out = np.tanh(0.5 * l)
    out *= 0.5
    out += 0.5
    return out


class Loss:
    """A GAN objective. A subclass sets `name`, `label`, `help` and the two losses."""

    name = label = help = ""
    # What D's output means under this loss, in words for the page.
    verdict = "the probability that a point is real"
    settings: tuple = ()        # the settings it reads besides its name (WGAN: clip)

    @property
    def noun(self) -> str:
        """The loss in a sentence ("Its hinge loss pushes ..."): the label and "loss",
        unless a subclass says it better (a label in brackets reads badly there)."""
        return f"{self.label} loss"

    def d_loss(self, l: np.ndarray, t: Targets, want_loss: bool = False):
        """D's loss on logits l (2n, 1), real rows then fake rows: (loss or None, dL/dl)."""
        raise NotImplementedError

    def g_loss(self, l: np.ndarray, t: Targets, want_loss: bool = False):
        """G's loss on D's logits l (n, 1) for a batch of fakes: (loss or None, dL/dl)."""
        raise NotImplementedError

    def realness(self, l: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
        """What the views show as "D(x)", in [0, 1]: 1 = looks real, 0 = looks fake.

        By default sigmoid(l): the probability for the log losses; for a score
        without a probability, above 0.5 means "more real than fake". `reference`
        (the logits over the whole view) is for losses whose score has no fixed scale.
        """
        return sigmoid(l)

    def after_d_step(self, D, settings: dict) -> None:
        """A constraint on D's parameters after each D step; none by default."""


class Log(Loss):
    """D: softplus(-l_r) + softplus(l_f); G: softplus(-l_f) = -log D(G(z))."""

    name, label, noun = "log", "log loss (non-saturating)", "log loss"
    help = ("D: -log D(x) - log(1 - D(G(z))); G: -log D(G(z)), which keeps pulling "
            "even when D is sure a fake is fake.")

    def d_loss(self, l, t, want_loss=False):
        # d softplus(-s l)/dl = sigmoid(l) - y = 0.5 tanh(l/2) + 0.5 - y, over n.
        # (Operators that return a new array: in the browser they cost less than the
        # same operation in place.)
        g = np.tanh(0.5 * l) * (0.5 / t.n) + t.half_minus_y_over_n
        loss = float(np.logaddexp(0.0, t.minus_s * l).sum()) / t.n if want_loss else None
        return loss, g

    def g_loss(self, l, t, want_loss=False):
        # d softplus(-l)/dl = sigmoid(l) - 1 = 0.5 tanh(l/2) - 0.5, over n
        n = t.n
        g = np.tanh(0.5 * l) * (0.5 / n) - 0.5 / n
        loss = float(np.logaddexp(0.0, -l).sum()) / n if want_loss else None
        return loss, g


class Minimax(Log):
    """D as the log loss; G: -softplus(l_f) = log(1 - D(G(z))), the paper's minimax game."""

    name, label, noun = "minimax", "minimax (saturating)", "minimax loss"
    help = ("D as the log loss; G: log(1 - D(G(z))), the original minimax game, whose "
            "pull fades when D is sure a fake is fake.")

    def g_loss(self, l, t, want_loss=False):
        # d(-softplus(l))/dl = -sigmoid(l): tiny when D confidently says "fake".
        n = t.n
        g = np.tanh(0.5 * l) * (-0.5 / n) - 0.5 / n
        loss = -float(np.logaddexp(0.0, l).sum()) / n if want_loss else None
        return loss, g


class LeastSquares(Loss):
    """D: ((l_r - 1)^2 + l_f^2) / 2; G: (l_f - 1)^2 / 2 (LSGAN, targets 1 and 0)."""

    name, label = "least_squares", "least squares"
    verdict = "a score whose target is 1 for real points and 0 for fakes"
    help = "D: ((D(x) - 1)^2 + D(G(z))^2) / 2; G: (D(G(z)) - 1)^2 / 2, on the raw output (LSGAN)."

    def d_loss(self, l, t, want_loss=False):
        g = l / t.n - t.y_over_n
        loss = 0.5 * float(np.square(l - t.y).sum()) / t.n if want_loss else None
        return loss, g

    def g_loss(self, l, t, want_loss=False):
        n = t.n
        g = l / n - 1.0 / n
        loss = 0.5 * float(np.square(l - 1.0).sum()) / n if want_loss else None
        return loss, g

    def realness(self, l, reference=None):
        """l itself (its targets are 1 and 0), clipped to [0, 1]."""
        return np.clip(l, 0.0, 1.0)


class Hinge(Loss):
    """D: relu(1 - l_r) + relu(1 + l_f); G: -l_f."""

    name, label = "hinge", "hinge"
    verdict = "a score: above +1 surely real, below -1 surely fake"
    help = "D: relu(1 - D(x)) + relu(1 + D(G(z))), on the raw output; G: -D(G(z))."

    def d_loss(self, l, t, want_loss=False):
        margin = t.s * l
        g = t.minus_s_over_n * (margin < 1.0)
        loss = float(np.maximum(1.0 - margin, 0.0).sum()) / t.n if want_loss else None
        return loss, g

    def g_loss(self, l, t, want_loss=False):
        return (-float(l.sum()) / t.n if want_loss else None), t.minus_one_over_n


class Wasserstein(Hinge):
    """Critic: -l_r + l_f, its weights clipped after each step; G: -l_f (as hinge)."""

    name, label, noun = "wasserstein", "Wasserstein (clipped)", "Wasserstein loss"
    verdict = "a critic's score: higher means more real, on no fixed scale"
    settings = ("clip",)
    help = ("critic: D(G(z)) - D(x), each of its weights clipped to [-clip, clip] after "
            "every step (WGAN); G: -D(G(z)).")

    def d_loss(self, l, t, want_loss=False):
        return (float(-(t.s * l).sum()) / t.n if want_loss else None), t.minus_s_over_n

    def realness(self, l, reference=None):
        """A critic's score has no fixed scale or offset, so it is shown relative to
        its mean and spread over `reference` (the view's grid; default: l itself):
        sigmoid(2 (l - mean) / std), so the view always spans most of the colours."""
        if reference is None:
            reference = l
        centre, spread = reference.mean(), reference.std() + 1e-12
        return sigmoid(2.0 * (l - centre) / spread)

    def after_d_step(self, D, settings):
        """Weight clipping keeps the critic (roughly) 1-Lipschitz, as WGAN needs."""
        c = settings["clip"]
        np.clip(D.params, -c, c, out=D.params)


REGISTRY = Registry("loss", [Log(), Minimax(), LeastSquares(), Hinge(), Wasserstein()])


def get(name: str) -> Loss:
    """The registered loss called `name`; ValueError naming the choices if none."""
    return REGISTRY[name]
