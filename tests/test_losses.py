"""ganlab.losses: values and gradients of every D and G loss, on the logits."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ganlab import gradcheck, losses
from ganlab.losses import Targets, d_loss, g_loss, realness
from ganlab.state import LOSSES

TOL = 1e-6
LN2 = math.log(2.0)


@pytest.mark.parametrize("name", LOSSES)
def test_discriminator_loss_gradient_matches_finite_differences(name):
    ed, _ = gradcheck.check_loss(name, np.random.default_rng(21))
    assert ed < TOL, f"{name} D loss: relative error {ed:.2e}"


@pytest.mark.parametrize("name", LOSSES)
def test_generator_loss_gradient_matches_finite_differences(name):
    _, eg = gradcheck.check_loss(name, np.random.default_rng(22))
    assert eg < TOL, f"{name} G loss: relative error {eg:.2e}"


def test_targets():
    t = Targets(3)
    assert t.s.ravel().tolist() == [1, 1, 1, -1, -1, -1]
    assert t.y.ravel().tolist() == [1, 1, 1, 0, 0, 0]
    assert t.minus_one_over_n.shape == (3, 1)


# Hand-computed values at logits 0 (n = 4): each D loss averages over n real and
# n fake rows and divides by n, so it is (sum over 2n rows) / n.
@pytest.mark.parametrize("name, d_expected, g_expected", [
    ("log", 2 * LN2, LN2),            # softplus(0) = ln 2 per row
    ("minimax", 2 * LN2, -LN2),       # G: -softplus(0)
    ("least_squares", 0.5, 0.5),      # ((0-1)^2 + 0^2) / 2; (0-1)^2 / 2
    ("hinge", 2.0, 0.0),              # relu(1) + relu(1); -0
    ("wasserstein", 0.0, 0.0),
])
def test_loss_values_at_zero_logits(name, d_expected, g_expected):
    n = 4
    t = Targets(n)
    dl, _ = d_loss(name, np.zeros((2 * n, 1)), t, want_loss=True)
    gl, _ = g_loss(name, np.zeros((n, 1)), t, want_loss=True)
    assert dl == pytest.approx(d_expected, abs=1e-15)
    assert gl == pytest.approx(g_expected, abs=1e-15)


def test_loss_values_at_other_logits():
    t = Targets(1)
    l2 = np.array([[2.0], [-3.0]])              # real logit 2, fake logit -3
    sp = lambda v: math.log1p(math.exp(v))
    assert d_loss("log", l2, t, True)[0] == pytest.approx(sp(-2) + sp(-3), rel=1e-14)
    assert d_loss("least_squares", l2, t, True)[0] == pytest.approx(((2 - 1) ** 2 + 9) / 2)
    assert d_loss("hinge", l2, t, True)[0] == pytest.approx(0.0 + 0.0)       # both beyond margin
    assert d_loss("wasserstein", l2, t, True)[0] == pytest.approx(-2 + -3)
    l1 = np.array([[0.5]])
    assert g_loss("log", l1, t, True)[0] == pytest.approx(sp(-0.5), rel=1e-14)
    assert g_loss("minimax", l1, t, True)[0] == pytest.approx(-sp(0.5), rel=1e-14)
    assert g_loss("least_squares", l1, t, True)[0] == pytest.approx(0.125)
    assert g_loss("hinge", l1, t, True)[0] == pytest.approx(-0.5)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_is_only_computed_when_asked(name):
    t = Targets(2)
    assert d_loss(name, np.zeros((4, 1)), t)[0] is None
    assert g_loss(name, np.zeros((2, 1)), t)[0] is None


@pytest.mark.parametrize("name", LOSSES)
def test_losses_do_not_modify_logits_and_are_finite_at_extreme_logits(name):
    t = Targets(3)
    l2 = np.array([[1e4], [-1e4], [800.0], [-800.0], [1e4], [-1e4]])
    l1 = l2[:3].copy()
    keep2, keep1 = l2.copy(), l1.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dl, gd = d_loss(name, l2, t, True)
        gl, gg = g_loss(name, l1, t, True)
    np.testing.assert_array_equal(l2, keep2)
    np.testing.assert_array_equal(l1, keep1)
    assert np.isfinite(dl) and np.isfinite(gl)
    assert np.isfinite(gd).all() and np.isfinite(gg).all()
    assert gd.shape == (6, 1) and np.broadcast_shapes(gg.shape, (3, 1)) == (3, 1)


def test_minimax_saturates_and_log_does_not():
    t = Targets(1)
    very_fake = np.array([[-20.0]])
    _, g_minimax = g_loss("minimax", very_fake, t)
    _, g_log = g_loss("log", very_fake, t)
    assert abs(g_minimax.item()) < 1e-8
    assert g_log.item() == pytest.approx(-1.0, abs=1e-8)


def test_unknown_loss_raises():
    t = Targets(1)
    with pytest.raises(ValueError, match="unknown loss"):
        d_loss("kl", np.zeros((2, 1)), t)
    with pytest.raises(ValueError, match="unknown loss"):
        g_loss("kl", np.zeros((1, 1)), t)


@pytest.mark.parametrize("name", LOSSES)
def test_realness_is_in_unit_interval(name):
    l = np.array([[-1e4], [-3.0], [0.0], [0.4], [3.0], [1e4]])
    r = realness(name, l)
    assert np.all((r >= 0) & (r <= 1))
    assert np.all(np.diff(r.ravel()) >= 0)      # monotone in the logit


def test_realness_values():
    np.testing.assert_allclose(realness("log", np.array([0.0, 2.0])), [0.5, 1 / (1 + math.exp(-2))])
    np.testing.assert_array_equal(realness("least_squares", np.array([-0.5, 0.3, 1.7])), [0.0, 0.3, 1.0])
    assert losses.realness("hinge", np.array([0.0]))[0] == 0.5
