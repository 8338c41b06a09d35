"""ganlab.steps: a step plan makes the network methods' NumPy calls, to the last bit.

For every activation, loss and depth, with matmul and with einsum (the browser's
wide layers): from the same state and on the same samples, the plan's D pass and G
pass leave exactly the gradients that nn.MLP.forward, backward and input_grad leave,
and the plan is made again when what it holds on to changes.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from ganlab import losses, nn
from ganlab.gan import Trainer
from ganlab.state import ACTIVATIONS, LOSSES

WIDE = 48       # units: above EINSUM_MIN and EINSUM_DW_MIN, so wide layers use einsum


def _pair(settings: dict):
    """Two trainers in the same state, a few epochs in."""
    a, b = Trainer(settings), Trainer(settings)
    a.train(3)
    b.train(3)
    return a, b


def _by_methods_d(t: Trainer):
    """A D step's gradient through the networks' methods; its loss."""
    n = t.settings["batch"]
    objective = losses.get(t.settings["loss"])
    x = np.ones((2 * n, 3))
    x[:n, :2] = t._real.take(t.rng, n)
    t.G.forward(t._noise.take(t.rng, n), out=x[n:, :2], augmented=True)
    loss, dl = objective.d_loss(t.D.forward(x, augmented=True), losses.targets(n), True)
    t.D.backward(dl)
    return loss


def _by_methods_g(t: Trainer):
    """A G step's gradient through the networks' methods; its loss."""
    n = t.settings["batch"]
    objective = losses.get(t.settings["loss"])
    x = np.ones((n, 3))
    t.G.forward(t._noise.take(t.rng, n), out=x[:, :2], augmented=True)
    loss, dl = objective.g_loss(t.D.forward(x, augmented=True), losses.targets(n), True)
    t.G.backward(t.D.input_grad(dl))
    return loss


CASES = [dict(d_activation=act, g_activation=act, loss=loss, d_layers=depth,
              g_layers=(depth + 1) % 4, d_units=units, g_units=units, noise_dim=3, batch=37)
         for act, loss, depth, units in itertools.product(ACTIVATIONS, LOSSES, (0, 1, 3), (5, WIDE))
         if units == 5 or (act == "relu" and depth)]


@pytest.mark.parametrize("einsum", [False, True])
@pytest.mark.parametrize("settings", CASES, ids=lambda s: "{loss}-{d_activation}-"
                         "{d_layers}x{d_units}".format(**s))
def test_a_plan_gives_the_methods_numbers(monkeypatch, settings, einsum):
    monkeypatch.setattr(nn, "EINSUM", einsum)
    a, b = _pair(settings)
    if einsum and settings["d_units"] == WIDE:     # einsum where the layers are wide
        assert any(b.D.fast + b.G.fast) and any(b.D.fast_dw + b.G.fast_dw)
    plan = b._kit()[1]
    for _ in range(2):
        want = _by_methods_d(a)
        assert plan.d_pass(True) == want
        assert np.array_equal(a.D.grad, b.D.grad)
        want = _by_methods_g(a)
        assert plan.g_pass(True) == want
        assert np.array_equal(a.G.grad, b.G.grad)
        for t in (a, b):        # the same update on both, so the next pass starts level
            t.opt_d.step()
            t.opt_g.step()
    assert np.array_equal(a.D.params, b.D.params) and np.array_equal(a.G.params, b.G.params)


def test_a_plan_is_made_again_when_what_it_holds_changes():
    t = Trainer({})
    plan = t._kit()[1]
    assert t._kit()[1] is plan                      # kept while nothing changes
    t.update({"lr_d": 0.05})                        # new settings: a new plan
    assert t._kit()[1] is not plan
    plan = t._kit()[1]
    t.update({"batch": 64})
    assert t._kit()[1].n == 64
    plan = t._kit()[1]
    t.reset()                                       # a new model
    assert t._kit()[1] is not plan
    plan = t._kit()[1]
    t.D.bind(t.D.params.copy(), t.D.grad.copy())    # new parameter arrays
    assert t._kit()[1] is not plan


def test_a_plan_is_none_for_a_huge_step(monkeypatch):
    from ganlab import gan
    monkeypatch.setattr(gan, "PIECE_WORK", 16)
    t = Trainer({})
    assert t._kit()[1] is None and t.is_huge()
    t.epoch()                                       # in pieces, whole
    assert t.epoch_count == 1
