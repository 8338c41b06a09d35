"""ganlab.losses: values and gradients of every D and G loss, on the logits; the
registry, and a loss added by registering one object."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ganlab import gradcheck, losses
from ganlab.losses import Targets
from ganlab.state import LOSSES

TOL = 1e-6
LN2 = math.log(2.0)


def d_loss(name, l, t, want_loss=False):
    return losses.get(name).d_loss(l, t, want_loss)


def g_loss(name, l, t, want_loss=False):
    return losses.get(name).g_loss(l, t, want_loss)


def realness(name, l, reference=None):
    return losses.get(name).realness(l, reference)


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
    with pytest.raises(ValueError, match="unknown loss 'kl'; expected one of log, minimax"):
        losses.get("kl")
    assert "kl" not in losses.REGISTRY and None not in losses.REGISTRY


@pytest.mark.parametrize("name", LOSSES)
def test_realness_is_in_unit_interval(name):
    l = np.array([[-1e4], [-3.0], [0.0], [0.4], [3.0], [1e4]])
    r = realness(name, l)
    assert np.all((r >= 0) & (r <= 1))
    assert np.all(np.diff(r.ravel()) >= 0)      # monotone in the logit


def test_realness_values():
    np.testing.assert_allclose(realness("log", np.array([0.0, 2.0])), [0.5, 1 / (1 + math.exp(-2))])
    np.testing.assert_array_equal(realness("least_squares", np.array([-0.5, 0.3, 1.7])), [0.0, 0.3, 1.0])
    assert realness("hinge", np.array([0.0]))[0] == 0.5


# ----- the registry: a loss is one object -----------------------------------------------
class PlusMinusOne(losses.Loss):
    """Least squares with targets +1 (real) and -1 (fake), G aiming at 0 (LSGAN's a, b, c
    = -1, 1, 0): D: ((l_r - 1)^2 + (l_f + 1)^2) / 2; G: l_f^2 / 2."""

    name, label = "ls_pm1", "least squares ±1"
    help = "D: ((D(x) - 1)^2 + (D(G(z)) + 1)^2) / 2; G: D(G(z))^2 / 2."

    def __init__(self):
        self.constrained = 0

    def d_loss(self, l, t, want_loss=False):
        return (0.5 * float(np.square(l - t.s).sum()) / t.n if want_loss else None), (l - t.s) / t.n

    def g_loss(self, l, t, want_loss=False):
        return (0.5 * float(np.square(l).sum()) / t.n if want_loss else None), l / t.n

    def realness(self, l, reference=None):
        return np.clip(0.5 * (l + 1.0), 0.0, 1.0)

    def after_d_step(self, D, settings):
        self.constrained += 1


@pytest.fixture
def added_loss():
    loss = losses.REGISTRY.register(PlusMinusOne())
    yield loss
    losses.REGISTRY.unregister(loss.name)


def test_a_loss_registered_as_one_object_works_everywhere(added_loss):
    from ganlab import fields, state
    from ganlab.gan import Trainer
    from ganlab.ui import markup, overview

    # Settings: a valid choice (any case), in the limits' text, in a link.
    assert state.validate("loss", " LS_PM1 ") == "ls_pm1"
    assert state.BY_NAME["loss"].describe_limits().endswith("wasserstein, ls_pm1")
    assert state.from_query("loss=ls_pm1") == ({"loss": "ls_pm1"}, [])
    # Labels and help: the page's option and the overview graph.
    assert ('<option value="ls_pm1" title="D: ((D(x) - 1)^2 + (D(G(z)) + 1)^2) / 2; '
            'G: D(G(z))^2 / 2.">least squares ±1</option>') in markup.controls_html()
    s = state.make_settings(loss="ls_pm1")
    assert overview.labels(s)["ov-loss"] == "least squares ±1"
    assert "Its least squares ±1 loss" in overview.explanation("d", s)
    # Its gradients, alone and through both networks.
    ed, eg = gradcheck.check_loss("ls_pm1", np.random.default_rng(5))
    assert ed < TOL and eg < TOL
    ed, eg = gradcheck.check_gan("ls_pm1", np.random.default_rng(6))
    assert ed < TOL and eg < TOL
    # Training, with its constraint hook after every D step.
    t = Trainer({"loss": "ls_pm1"})
    assert t.train(30) == 30 and t.diverged is None
    assert added_loss.constrained == t.d_steps == 60
    assert math.isfinite(t.last_d_loss) and math.isfinite(t.last_g_loss)
    # The views show its realness.
    f = fields.frame(t, with_manifold=False)
    np.testing.assert_array_equal(f.d_fake, np.clip(0.5 * (t.D.forward(f.fake) + 1), 0, 1).ravel())
    np.testing.assert_array_equal(f.d_real, np.clip(0.5 * (t.D.forward(f.real) + 1), 0, 1).ravel())
    # Switching to it mid-run keeps the model.
    u = Trainer()
    u.train(5)
    assert u.update({"loss": "ls_pm1"}) is False and u.train(5) == 5 and u.epoch_count == 10


def test_an_unregistered_loss_is_no_longer_a_choice():
    from ganlab import state
    loss = losses.REGISTRY.register(PlusMinusOne())
    losses.REGISTRY.unregister(loss.name)
    with pytest.raises(state.SettingsError, match="Loss must be one of log, minimax, "
                                                   "least_squares, hinge, wasserstein, got"):
        state.validate("loss", "ls_pm1")


def test_the_registry_refuses_a_nameless_a_duplicate_or_an_upper_case_loss():
    class Nameless(losses.Loss):
        label = help = None
    with pytest.raises(TypeError, match="a loss needs a text 'label'"):
        losses.REGISTRY.register(Nameless())
    with pytest.raises(ValueError, match="'log' is already registered"):
        losses.REGISTRY.register(losses.Log())
    shouting = PlusMinusOne()
    shouting.name = "LS"
    with pytest.raises(ValueError, match="must be lower case"):
        losses.REGISTRY.register(shouting)
    assert tuple(losses.REGISTRY) == LOSSES


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_has_a_label_and_help(name):
    loss = losses.get(name)
    assert loss.name == name and loss.label and loss.help.startswith(("D", "critic"))
