"""Check every hand-written gradient against finite differences, in float64.

For a scalar function f of an array p, the central difference
    (f(p + h e_i) - f(p - h e_i)) / (2 h)
approximates df/dp_i with an error of order h^2. Each item below compares the
analytic gradient `a` with this numeric one `n` and reports the relative error
||a - n|| / (||a|| + ||n||), which is ~1e-10 when the maths is right and ~1 when
it is wrong. Inputs are drawn away from kinks (relu at 0, hinge at margin 1),
where a function has no derivative to check.
"""
from __future__ import annotations

import numpy as np

from . import losses
from .nn import MLP, activate, activation_grad
from .state import ACTIVATIONS

H = 1e-6
TOLERANCE = 1e-6


def numeric_grad(f, p: np.ndarray, h: float = H) -> np.ndarray:
    """Central-difference gradient of scalar f() with respect to array p (changed in place, then restored)."""
    g = np.zeros(p.size)
    flat = p.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * h)
    return g.reshape(p.shape)


def rel_error(a: np.ndarray, n: np.ndarray) -> float:
    a, n = np.ravel(a), np.ravel(n)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def _away_from_kinks(rng, shape, kinks=(0.0,), gap=0.05):
    x = rng.standard_normal(shape) * 2
    for k in kinks:
        close = np.abs(x - k) < gap
        x[close] += np.where(x[close] >= k, gap, -gap)
    return x


def check_activation(name: str, rng) -> float:
    z = _away_from_kinks(rng, (7, 5))
    c = rng.standard_normal(z.shape)          # f = sum(c * act(z))
    h = activate(name, z.copy())
    analytic = activation_grad(name, h, c)
    return rel_error(analytic, numeric_grad(lambda: float((c * activate(name, z.copy())).sum()), z))


def check_loss(name: str, rng, n: int = 6) -> tuple[float, float]:
    """(D loss, G loss) relative errors with respect to the logits."""
    loss, t = losses.get(name), losses.Targets(n)
    l2 = _away_from_kinks(rng, (2 * n, 1), kinks=(0.0, 1.0, -1.0))
    _, gd = loss.d_loss(l2, t)
    ed = rel_error(gd, numeric_grad(lambda: loss.d_loss(l2, t, True)[0], l2))
    l1 = _away_from_kinks(rng, (n, 1), kinks=(0.0, 1.0, -1.0))
    _, gg = loss.g_loss(l1, t)
    eg = rel_error(gg, numeric_grad(lambda: loss.g_loss(l1, t, True)[0], l1))
    return ed, eg


def check_network(activation: str, rng, sizes=(3, 6, 5, 2)) -> tuple[float, float]:
    """(parameters, input) relative errors of an MLP's backward pass."""
    net = MLP(list(sizes), activation, rng)
    net.params += rng.standard_normal(net.params.size) * 0.1   # non-zero biases too
    x = rng.standard_normal((4, sizes[0]))
    c = rng.standard_normal((4, sizes[-1]))                    # f = sum(c * net(x))
    f = lambda: float((c * net.forward(x)).sum())
    f()
    dx = net.backward(c, input_grad=True)
    ep = rel_error(net.grad, numeric_grad(f, net.params))
    f()
    ex = rel_error(dx, numeric_grad(f, x))
    f()
    ex2 = rel_error(net.input_grad(c), dx)
    return ep, max(ex, ex2)


def check_gan(name: str, rng, n: int = 5) -> tuple[float, float]:
    """End to end: D's loss w.r.t. D's parameters, and G's loss through D w.r.t. G's."""
    loss = losses.get(name)
    G = MLP([2, 6, 2], "tanh", rng, out_bias=0.5)
    D = MLP([2, 7, 1], "tanh", rng, centre=0.5)
    t = losses.Targets(n)
    z = rng.standard_normal((n, 2))
    real = rng.random((n, 2))

    def fd():
        return loss.d_loss(D.forward(np.concatenate((real, G.forward(z)))), t, True)[0]

    def fg():
        return loss.g_loss(D.forward(G.forward(z)), t, True)[0]

    _, dl = loss.d_loss(D.forward(np.concatenate((real, G.forward(z)))), t)
    D.backward(dl)
    ed = rel_error(D.grad, numeric_grad(fd, D.params))
    _, gl = loss.g_loss(D.forward(G.forward(z)), t)
    G.backward(D.input_grad(gl))
    eg = rel_error(G.grad, numeric_grad(fg, G.params))
    return ed, eg


def run(seed: int = 0) -> dict[str, float]:
    """Worst relative error of every item, by name."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in ACTIVATIONS:
        out[f"activation {name}"] = check_activation(name, rng)
    for name in losses.REGISTRY:
        out[f"loss {name}: discriminator"], out[f"loss {name}: generator"] = check_loss(name, rng)
    for name in ACTIVATIONS:
        out[f"network {name}: parameters"], out[f"network {name}: input"] = check_network(name, rng)
    for name in losses.REGISTRY:
        out[f"gan {name}: discriminator step"], out[f"gan {name}: generator step"] = check_gan(name, rng)
    return out
