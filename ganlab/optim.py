"""Optimisers that update one flat parameter array in place from its flat gradient.

Because a network keeps all its parameters in one array, each update below is a
few vectorised NumPy calls whatever the number of layers. Hyperparameters
(`lr`, `beta1`, ...) are plain attributes read at every step, so changing them
takes effect at the next step without losing the optimiser's memory.

Each class declares its `hyperparameters`: the attributes it reads and the
setting each comes from ("{net}" stands for d or g: `lr` is `lr_d` for the
discriminator). `make` and `configure` read them from a settings dict through
that declaration alone, so a new hyperparameter is one entry there plus its
setting in `state.SETTINGS`. The same updates, one line each: `textbook.py`.
"""
from __future__ import annotations

import math

import numpy as np

from .state import OPTIMIZERS


class SGD:
    """Plain gradient descent: p <- p - lr * g."""

    kind = "sgd"
    hyperparameters = {"lr": "lr_{net}"}     # attribute -> the setting it is read from
    memory: tuple = ()      # the arrays it carries from step to step (beside `state`)

    def __init__(self, params: np.ndarray, grad: np.ndarray, lr: float):
        self.params, self.grad, self.lr = params, grad, lr

    def configure(self, settings: dict, net: str) -> None:
        """Read the hyperparameters of network `net` ("d" or "g") from `settings`.
        They apply from the next step on; the optimiser's memory is kept."""
        for attr, value in read(type(self), settings, net).items():
            setattr(self, attr, value)

    def step(self) -> None:
        self.params -= self.lr * self.grad

    def state(self) -> dict:
        return {"kind": self.kind}

    def load(self, state: dict) -> None:
        pass


class Momentum(SGD):
    """Heavy-ball momentum: v <- mu * v + g;  p <- p - lr * v."""

    kind = "momentum"
    hyperparameters = {**SGD.hyperparameters, "momentum": "momentum"}
    memory = ("v",)

    def __init__(self, params, grad, lr, momentum=0.9):
        super().__init__(params, grad, lr)
        self.momentum = momentum
        self.v = np.zeros_like(params)

    def step(self) -> None:
        self.v *= self.momentum
        self.v += self.grad
        self.params -= self.lr * self.v

    def state(self) -> dict:
        return {"kind": self.kind, "v": self.v.tolist()}

    def load(self, state: dict) -> None:
        self.v[...] = _vector(state, "v", self.v.size)


class Adam(SGD):
    """Adam (Kingma & Ba): running means of g and g^2, bias-corrected.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    p <- p - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
    """

    kind = "adam"
    hyperparameters = {**SGD.hyperparameters, "beta1": "beta1", "beta2": "beta2"}
    memory = ("m", "v")
    eps = 1e-8

    def __init__(self, params, grad, lr, beta1=0.9, beta2=0.999):
        super().__init__(params, grad, lr)
        self.beta1, self.beta2 = beta1, beta2
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)
        self.tmp = np.empty_like(params)
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2, g, tmp = self.beta1, self.beta2, self.grad, self.tmp
        self.m *= b1
        np.multiply(g, 1.0 - b1, out=tmp)
        self.m += tmp
        self.v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        self.v += tmp
        step = self.lr * math.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t)
        np.sqrt(self.v, out=tmp)
        tmp += self.eps
        np.divide(self.m, tmp, out=tmp)
        tmp *= step
        self.params -= tmp

    def state(self) -> dict:
        return {"kind": self.kind, "t": self.t, "m": self.m.tolist(), "v": self.v.tolist()}

    def load(self, state: dict) -> None:
        t = state.get("t")
        if not isinstance(t, int) or isinstance(t, bool) or t < 0:
            raise ValueError("adam state: 't' must be a whole number >= 0")
        self.t = t
        m, v = _vector(state, "m", self.m.size), _vector(state, "v", self.v.size)
        if (v < 0).any():       # a running mean of squares: never negative
            raise ValueError("adam state: 'v' must not be negative")
        self.m[...], self.v[...] = m, v


KINDS = {cls.kind: cls for cls in (SGD, Momentum, Adam)}
assert set(KINDS) == set(OPTIMIZERS)


def read(cls, settings: dict, net: str) -> dict:
    """The hyperparameters optimiser class `cls` uses, read from `settings` for `net`."""
    return {attr: settings[setting.format(net=net)]
            for attr, setting in cls.hyperparameters.items()}


def make(settings: dict, net: str, params: np.ndarray, grad: np.ndarray):
    """A new optimiser for network `net` ("d" or "g") over (params, grad), with empty
    memory: of the kind settings["optimizer_" + net], its hyperparameters read from
    `settings` as its class declares."""
    cls = KINDS[settings[f"optimizer_{net}"]]
    return cls(params, grad, **read(cls, settings, net))


def _vector(state: dict, key: str, size: int) -> np.ndarray:
    values = np.asarray(state.get(key), dtype=float)
    if values.shape != (size,) or not np.isfinite(values).all():
        raise ValueError(f"optimiser state: '{key}' must be {size} finite numbers")
    return values
