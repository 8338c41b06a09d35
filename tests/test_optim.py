"""ganlab.optim: SGD, momentum and Adam on one flat parameter array, in place."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import optim
from ganlab.state import OPTIMIZERS


def make(kind, p, g, lr=0.1, beta1=0.9, beta2=0.999, momentum=0.9):
    """optim.make for the discriminator, from a settings dict with these values."""
    settings = {"optimizer_d": kind, "lr_d": lr, "lr_g": 99.0, "beta1": beta1, "beta2": beta2,
                "momentum": momentum}
    return optim.make(settings, "d", p, g)


def _pair(values=(1.0, -2.0, 3.0)):
    p = np.array(values, dtype=float)
    return p, np.zeros_like(p)


def test_kinds_cover_every_optimizer_setting():
    assert set(optim.KINDS) == set(OPTIMIZERS)
    p, g = _pair()
    for kind in OPTIMIZERS:
        opt = make(kind, p, g, lr=0.1, beta1=0.9, beta2=0.999, momentum=0.9)
        assert opt.kind == kind and opt.params is p and opt.grad is g
        assert opt.lr == 0.1          # lr_d, not lr_g


def test_hyperparameters_are_declared_by_each_optimiser_and_read_from_the_settings():
    from ganlab.state import BY_NAME, DEFAULTS
    declared = {setting.format(net=net) for cls in optim.KINDS.values()
                for setting in cls.hyperparameters.values() for net in "dg"}
    assert declared == {"lr_d", "lr_g", "beta1", "beta2", "momentum"} <= set(BY_NAME)
    assert optim.Momentum.hyperparameters == {"lr": "lr_{net}", "momentum": "momentum"}
    assert optim.Adam.hyperparameters == {"lr": "lr_{net}", "beta1": "beta1", "beta2": "beta2"}
    s = dict(DEFAULTS, optimizer_g="adam", lr_g=0.25, beta1=0.3, beta2=0.7, momentum=0.1)
    p, g = _pair()
    opt = optim.make(s, "g", p, g)
    assert (opt.kind, opt.lr, opt.beta1, opt.beta2) == ("adam", 0.25, 0.3, 0.7)
    opt.configure(dict(s, lr_g=0.5, beta1=0.4, beta2=0.8, lr_d=9.0), "g")
    assert (opt.lr, opt.beta1, opt.beta2) == (0.5, 0.4, 0.8)
    m = optim.make(dict(s, optimizer_d="momentum"), "d", p, g)
    assert (m.lr, m.momentum) == (DEFAULTS["lr_d"], 0.1)
    m.configure(dict(s, momentum=0.6), "d")
    assert m.momentum == 0.6


def test_sgd_step():
    p, g = _pair()
    opt = optim.SGD(p, g, lr=0.5)
    g[:] = [2.0, 4.0, -6.0]
    opt.step()
    np.testing.assert_array_equal(p, [0.0, -4.0, 6.0])
    assert opt.state() == {"kind": "sgd"}


def test_momentum_steps_by_hand():
    p, g = _pair([0.0])
    opt = optim.Momentum(p, g, lr=0.1, momentum=0.5)
    g[:] = 1.0
    opt.step()                     # v = 1,   p = -0.1
    opt.step()                     # v = 1.5, p = -0.25
    g[:] = 0.0
    opt.step()                     # v = 0.75, p = -0.325
    assert p[0] == pytest.approx(-0.325, abs=1e-15)
    assert opt.v[0] == pytest.approx(0.75)


def test_adam_matches_a_reference_implementation():
    rng = np.random.default_rng(0)
    p, g = _pair(rng.standard_normal(5))
    ref = p.copy()
    m = np.zeros(5)
    v = np.zeros(5)
    b1, b2, lr, eps = 0.5, 0.99, 0.01, 1e-8
    opt = optim.Adam(p, g, lr=lr, beta1=b1, beta2=b2)
    for t in range(1, 8):
        grad = rng.standard_normal(5)
        g[:] = grad
        opt.step()
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        mhat, vhat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        ref -= lr * mhat / (np.sqrt(vhat) + eps)
    # The engine puts eps on sqrt(v) (not on sqrt(v_hat)); the difference is ~1e-8 relative.
    np.testing.assert_allclose(p, ref, rtol=1e-6)
    assert opt.t == 7


def test_adam_first_step_is_about_lr_times_sign():
    p, g = _pair([0.0, 0.0])
    opt = optim.Adam(p, g, lr=0.001)
    g[:] = [5.0, -0.5]
    opt.step()
    np.testing.assert_allclose(p, [-0.001, 0.001], rtol=1e-5)


def test_optimisers_update_in_place():
    for kind in OPTIMIZERS:
        p, g = _pair()
        before = p
        opt = make(kind, p, g, lr=0.1, beta1=0.9, beta2=0.999, momentum=0.9)
        g[:] = 1.0
        opt.step()
        assert opt.params is before and np.all(p < [1.0, -2.0, 3.0])


def test_hyperparameters_are_read_at_every_step():
    p, g = _pair([0.0])
    opt = optim.Momentum(p, g, lr=0.1, momentum=0.5)
    g[:] = 1.0
    opt.step()
    opt.lr = 1.0          # keeps v
    opt.step()            # v = 1.5, p = -0.1 - 1.5
    assert p[0] == pytest.approx(-1.6)


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_state_round_trip_continues_identically(kind):
    rng = np.random.default_rng(1)
    grads = rng.standard_normal((10, 4))
    p1, g1 = _pair(rng.standard_normal(4))
    p2, g2 = p1.copy(), np.zeros(4)
    kw = dict(lr=0.05, beta1=0.8, beta2=0.99, momentum=0.7)
    a = make(kind, p1, g1, **kw)
    for gr in grads[:5]:
        g1[:] = gr
        a.step()
    p2[:] = p1
    b = make(kind, p2, g2, **kw)
    b.load(a.state())
    for gr in grads[5:]:
        g1[:] = gr
        a.step()
        g2[:] = gr
        b.step()
    np.testing.assert_array_equal(p1, p2)


@pytest.mark.parametrize("kind, state, match", [
    ("momentum", {"kind": "momentum", "v": [0.0, 0.0]}, "'v' must be 3 finite numbers"),
    ("momentum", {"kind": "momentum", "v": [0.0, float("nan"), 0.0]}, "'v' must be 3 finite"),
    ("momentum", {"kind": "momentum"}, "'v' must be 3 finite numbers"),
    ("adam", {"kind": "adam", "t": 1.5, "m": [0] * 3, "v": [0] * 3}, "'t' must be a whole number"),
    ("adam", {"kind": "adam", "t": True, "m": [0] * 3, "v": [0] * 3}, "'t' must be a whole number"),
    ("adam", {"kind": "adam", "t": -1, "m": [0] * 3, "v": [0] * 3}, "'t' must be a whole number"),
    ("adam", {"kind": "adam", "t": 2, "m": [0] * 4, "v": [0] * 3}, "'m' must be 3 finite"),
    ("adam", {"kind": "adam", "t": 2, "m": [0] * 3, "v": [0, 0, float("inf")]}, "'v' must be 3 finite"),
])
def test_load_rejects_bad_state(kind, state, match):
    p, g = _pair()
    opt = make(kind, p, g, lr=0.1, beta1=0.9, beta2=0.999, momentum=0.9)
    with pytest.raises(ValueError, match=match):
        opt.load(state)
