"""ganlab.gan.Trainer: steps, epochs, settings changes, point sets, determinism
(model files: test_modelfile.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ganlab import gan, gradcheck, modelfile
from ganlab.data import DataError
from ganlab.gan import History, Trainer
from ganlab.state import DEFAULTS, LOSSES, OPTIMIZERS, RECOMMENDED, SettingsError

POINTS = [[0.2, 0.3], [0.25, 0.35], [0.3, 0.4], [0.7, 0.8], [0.75, 0.7]]


def params(t):
    return t.G.params.copy(), t.D.params.copy()


def assert_same_state(a: Trainer, b: Trainer):
    """Two trainers hold the same numbers, bit for bit."""
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)
    assert (a.epoch_count, a.d_steps, a.g_steps) == (b.epoch_count, b.d_steps, b.g_steps)
    assert a.last_d_loss == b.last_d_loss and a.last_g_loss == b.last_g_loss
    assert a.history.to_dict() == b.history.to_dict()
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.opt_d.state() == b.opt_d.state() and a.opt_g.state() == b.opt_g.state()
    assert a.settings == b.settings


# ----- gradients of the GAN steps, end to end ------------------------------------------------
@pytest.mark.parametrize("loss", LOSSES)
def test_gan_discriminator_step_gradient_end_to_end(loss):
    ed, _ = gradcheck.check_gan(loss, np.random.default_rng(23))
    assert ed < 1e-6, f"{loss} D step: relative error {ed:.2e}"


@pytest.mark.parametrize("loss", LOSSES)
def test_gan_generator_step_gradient_end_to_end(loss):
    _, eg = gradcheck.check_gan(loss, np.random.default_rng(24))
    assert eg < 1e-6, f"{loss} G step: relative error {eg:.2e}"


def _step_gradient_vs_finite_differences(settings, net):
    """The gradient the Trainer's own d_step/g_step applies (read off one SGD step with
    lr 1) against central differences of the loss that step reports, on the same batch
    (every evaluation restarts from the same saved state, so it draws the same batch)."""
    t = Trainer(dict(settings, optimizer_d="sgd", optimizer_g="sgd", clip=10.0, batch=20,
                     k_d=1, d_units=5, g_units=5))
    t.train(3)
    t.update({"lr_d": 1.0, "lr_g": 1.0})
    saved = modelfile.to_dict(t)
    step = "d_step" if net == "d" else "g_step"
    loss_attr = "last_d_loss" if net == "d" else "last_g_loss"

    def model(x):
        return x.D if net == "d" else x.G

    before = model(t).params.copy()
    getattr(t, step)()
    analytic = before - model(t).params          # lr = 1: the step is the gradient

    p = before.copy()

    def f():
        u = modelfile.from_dict(saved)
        model(u).params[:] = p
        getattr(u, step)(want_loss=True)
        return getattr(u, loss_attr)

    numeric = gradcheck.numeric_grad(f, p)
    return gradcheck.rel_error(analytic, numeric)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("net", ["d", "g"])
def test_trainer_step_applies_the_true_gradient(loss, net):
    err = _step_gradient_vs_finite_differences(
        {"loss": loss, "d_activation": "tanh", "g_activation": "tanh"}, net)
    assert err < 1e-6, f"{loss} {net}_step: relative error {err:.2e}"


@pytest.mark.parametrize("net", ["d", "g"])
def test_trainer_step_applies_the_true_gradient_relu_defaults(net):
    err = _step_gradient_vs_finite_differences({"d_layers": 2, "g_layers": 2}, net)
    assert err < 1e-6, f"relu {net}_step: relative error {err:.2e}"


# ----- steps and epochs -------------------------------------------------------------------
@pytest.mark.parametrize("loss", LOSSES)
def test_d_step_changes_only_the_discriminator(loss):
    t = Trainer({"loss": loss})
    g0, d0 = params(t)
    assert t.d_step() is True
    np.testing.assert_array_equal(t.G.params, g0)
    assert not np.array_equal(t.D.params, d0)
    assert (t.d_steps, t.g_steps, t.epoch_count) == (1, 0, 0)
    assert t.last_d_loss is not None and t.last_g_loss is None


@pytest.mark.parametrize("loss", LOSSES)
def test_g_step_changes_only_the_generator(loss):
    t = Trainer({"loss": loss})
    g0, d0 = params(t)
    assert t.g_step() is True
    np.testing.assert_array_equal(t.D.params, d0)
    assert not np.array_equal(t.G.params, g0)
    assert (t.d_steps, t.g_steps, t.epoch_count) == (0, 1, 0)
    assert t.last_g_loss is not None and t.last_d_loss is None


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_steps_isolated_with_every_optimizer(opt):
    t = Trainer({"optimizer_d": opt, "optimizer_g": opt})
    for _ in range(3):
        g0 = t.G.params.copy()
        t.d_step()
        np.testing.assert_array_equal(t.G.params, g0)
        d0 = t.D.params.copy()
        t.g_step()
        np.testing.assert_array_equal(t.D.params, d0)


def test_wasserstein_clips_discriminator_weights():
    t = Trainer({"loss": "wasserstein", "clip": 0.01})
    t.d_step()
    assert np.abs(t.D.params).max() <= 0.01


def _count_steps(t, monkeypatch):
    """Spy on the end of every D and G step (its update, which every way of taking
    a step ends with), recording whether it asked for the loss."""
    calls = []
    for name, kind in (("_d_update", "d_step"), ("_g_update", "g_step")):
        real = getattr(t, name)

        def wrapper(*args, _real=real, _kind=kind):
            calls.append((_kind, args[-1]))
            return _real(*args)
        monkeypatch.setattr(t, name, wrapper)
    return calls


@pytest.mark.parametrize("huge", [False, True])
def test_epoch_is_k_d_then_k_g_steps(monkeypatch, huge):
    t = Trainer({"k_d": 3, "k_g": 2})
    if huge:        # steps in pieces, as a huge model's are
        monkeypatch.setattr(gan, "PIECE_WORK", 16)
        t.reset()
    calls = _count_steps(t, monkeypatch)
    assert t.epoch() is True
    assert calls == [("d_step", False), ("d_step", False), ("d_step", True),
                     ("g_step", False), ("g_step", True)]
    assert t.is_huge() is huge
    assert (t.d_steps, t.g_steps, t.epoch_count) == (3, 2, 1)
    assert t.train(4) == 4
    assert len(calls) == 5 * 5
    assert (t.d_steps, t.g_steps, t.epoch_count) == (15, 10, 5)


@pytest.mark.parametrize("k_d, k_g", [(1, 1), (2, 1), (0, 1), (1, 0), (5, 3)])
def test_step_counters(k_d, k_g):
    t = Trainer({"k_d": k_d, "k_g": k_g})
    t.train(7)
    assert (t.d_steps, t.g_steps, t.epoch_count) == (7 * k_d, 7 * k_g, 7)


def test_k_d_zero_trains_only_the_generator():
    t = Trainer({"k_d": 0})
    g0, d0 = params(t)
    assert t.train(10) == 10
    np.testing.assert_array_equal(t.D.params, d0)
    assert not np.array_equal(t.G.params, g0)
    assert t.last_d_loss is None and t.last_g_loss is not None
    assert t.history.losses[-1][0] == 10 and t.history.losses[-1][1] is None
    json.dumps(t.summary(), allow_nan=False)


def test_history_records_losses_every_epoch_kl_js_every_10_precision_recall_every_50():
    t = Trainer()
    assert t.history.metrics == [[0, *t.kl_js()]]
    assert t.history.quality == [[0, *t.precision_recall()]]
    t.train(100)
    assert t.history.metrics[-1] == [100, *t.kl_js()]
    assert t.history.quality[-1] == [100, *t.precision_recall()]
    t.train(25)
    assert [r[0] for r in t.history.losses] == list(range(1, 126))
    assert [r[0] for r in t.history.metrics] == list(range(0, 121, 10))
    assert [r[0] for r in t.history.quality] == [0, 50, 100]
    assert t.history.losses[-1][1:] == [t.last_d_loss, t.last_g_loss]
    assert all(0 <= p <= 1 and 0 <= r <= 1 for _, p, r in t.history.quality)


def test_recording_can_be_turned_off_and_changes_no_training_number():
    a, b = Trainer(), Trainer()
    b.record_metrics = False
    a.train(120)
    b.train(120)
    np.testing.assert_array_equal(a.G.params, b.G.params)
    assert a.history.losses == b.history.losses
    assert len(b.history.metrics) == 1 and len(b.history.quality) == 1     # epoch 0 only


def test_a_second_caller_ends_an_unfinished_epoch_instead_of_doubling_it():
    t = Trainer({"k_d": 2, "k_g": 1})
    first = t.epoch_steps()
    assert next(first) == "d" and t.epoch_pos == 1
    assert t.epoch() is True                       # finishes the same epoch: 1 more d, 1 g
    assert (t.epoch_count, t.d_steps, t.g_steps, t.epoch_pos) == (1, 2, 1, 0)
    assert list(first) == []                       # the first caller's epoch is over
    assert (t.epoch_count, t.d_steps, t.g_steps) == (1, 2, 1)

def test_history_caps_its_memory_by_doubling_the_stride():
    h = History()
    for e in range(1, History.CAP + 1):
        h.add("losses", e, 1.0, 2.0)
    assert h.stride["losses"] == 2
    assert all(r[0] % 2 == 0 for r in h.losses)
    assert len(h.losses) == History.CAP // 2
    h.add("losses", History.CAP + 1, 0.0, 0.0)      # odd epochs are skipped now
    assert h.losses[-1][0] == History.CAP
    assert modelfile._history(json.loads(json.dumps(h.to_dict())), 10**9).to_dict() == h.to_dict()


def test_history_thin_keeps_at_most_the_rows_asked_on_doubled_strides():
    t = Trainer()
    t.train(1000)
    before = {k: list(getattr(t.history, k)) for k in ("losses", "metrics", "quality")}
    t.history.thin(100)
    h = t.history
    assert (h.stride["losses"], len(h.losses)) == (16, 62)      # epochs 16, 32, ..., 992
    assert (h.stride["metrics"], len(h.metrics)) == (20, 51)
    assert (h.stride["quality"], len(h.quality)) == (50, 21)     # already few enough
    for series in before:
        assert getattr(h, series) == [r for r in before[series] if r[0] % h.stride[series] == 0]
    # A thinned history is a valid one, and goes on at its new strides.
    assert modelfile._history(json.loads(json.dumps(h.to_dict())), 1000).to_dict() == h.to_dict()
    t.train(20)
    assert h.losses[-1][0] == 1008 and h.metrics[-1][0] == 1020


def test_generate_and_kl_js_touch_nothing_training_uses():
    a, b = Trainer(), Trainer()
    a.train(30)
    b.train(30)
    for _ in range(3):
        a.generate(np.zeros((5, 2)))
        a.kl_js()
        a.summary()
        a.mode_coverage()
    a.train(30)
    b.train(30)
    assert_same_state(a, b)


def test_summary_is_json_and_has_the_figures():
    t = Trainer()
    s0 = t.summary()
    json.dumps(s0, allow_nan=False)
    assert s0["epochs"] == 0 and s0["d_loss"] is None and s0["diverged"] is False
    assert s0["reason"] is None
    t.train(60)
    s = t.summary()
    assert json.loads(json.dumps(s, allow_nan=False)) == s
    assert set(s) >= {"epochs", "d_steps", "g_steps", "d_loss", "g_loss", "kl", "js", "modes",
                      "diverged", "reason"}
    assert s["epochs"] == 60 and s["d_steps"] == 120 and s["g_steps"] == 60
    assert (s["kl"], s["js"]) == t.kl_js()
    assert s["modes"]["modes"] == 2
    assert Trainer({"preset": "ring"}).summary()["modes"] is None


def test_preset_points_needs_points():
    with pytest.raises(SettingsError, match="needs a point set"):
        Trainer({"preset": "points"})
    t = Trainer({"preset": "points"}, POINTS)
    assert t.points.shape == (5, 2)
    t.train(5)


# ----- determinism --------------------------------------------------------------------------
CONFIGS = {
    "defaults": {},
    "recommended": dict(RECOMMENDED),
    "momentum": {"optimizer_d": "momentum", "optimizer_g": "momentum", "lr_d": 0.02, "lr_g": 0.01},
    "wasserstein": {"loss": "wasserstein", "optimizer_d": "adam", "lr_d": 0.01},
    "uniform 1d noise": {"noise": "uniform", "noise_dim": 1, "loss": "least_squares"},
    "big batch": {"batch": 2000, "k_d": 3},
}


@pytest.mark.parametrize("name", CONFIGS)
def test_same_seed_same_numbers_bit_for_bit(name):
    a, b = Trainer(CONFIGS[name]), Trainer(CONFIGS[name])
    assert_same_state(a, b)
    a.train(60)
    b.train(60)
    assert_same_state(a, b)


def test_different_seed_different_numbers():
    a, b = Trainer({"seed": 1}), Trainer({"seed": 2})
    assert not np.array_equal(a.G.params, b.G.params)
    a.train(20)
    b.train(20)
    assert not np.array_equal(a.D.params, b.D.params)
    assert a.history.losses != b.history.losses


def test_reset_gives_the_same_fresh_model():
    t = Trainer()
    g0, d0 = params(t)
    first = [r[:] for r in t.history.metrics]
    t.train(30)
    t.reset()
    np.testing.assert_array_equal(t.G.params, g0)
    np.testing.assert_array_equal(t.D.params, d0)
    assert t.epoch_count == 0 and t.history.losses == [] and t.history.metrics == first
    u = Trainer()
    t.train(25)
    u.train(25)
    assert_same_state(t, u)


# ----- update -------------------------------------------------------------------------------
def test_learning_rate_change_applies_without_reset():
    t = Trainer(RECOMMENDED)
    t.train(10)
    g0, d0 = params(t)
    m = t.opt_d.m.copy()
    opt_d, opt_g = t.opt_d, t.opt_g
    assert t.update({"lr_d": 0.005, "lr_g": "0.002", "beta1": 0.6}) is False
    np.testing.assert_array_equal(t.G.params, g0)
    np.testing.assert_array_equal(t.D.params, d0)
    assert t.opt_d is opt_d and t.opt_g is opt_g          # memory kept
    np.testing.assert_array_equal(t.opt_d.m, m)
    assert t.opt_d.lr == 0.005 and t.opt_g.lr == 0.002 and t.opt_d.beta1 == 0.6
    assert t.epoch_count == 10 and t.settings["lr_g"] == 0.002
    t.train(1)
    # The new rate is used: an SGD step of size lr * grad.
    s = Trainer()
    s.update({"lr_g": 0.5})
    g_before = s.G.params.copy()
    s.g_step()
    np.testing.assert_allclose(s.G.params, g_before - 0.5 * s.G.grad, rtol=0, atol=1e-15)


@pytest.mark.parametrize("changes", [{"loss": "hinge"}, {"k_d": 5}, {"batch": 64},
                                     {"momentum": 0.5}, {"clip": 0.1}])
def test_training_settings_apply_without_reset(changes):
    t = Trainer()
    t.train(5)
    g0, d0 = params(t)
    assert t.update(changes) is False
    assert t.epoch_count == 5
    np.testing.assert_array_equal(t.G.params, g0)
    np.testing.assert_array_equal(t.D.params, d0)
    for k, v in changes.items():
        assert t.settings[k] == v
    assert t.train(3) == 3


def _expected_step(t: Trainer, net: str, before: np.ndarray, memory: dict) -> np.ndarray:
    """The parameters after one step of t's optimiser for `net` as the *current settings*
    say, from the parameters and optimiser memory just before it (the formulas of optim)."""
    s, grad = t.settings, (t.D if net == "d" else t.G).grad
    kind, lr = s[f"optimizer_{net}"], s[f"lr_{net}"]
    if kind == "sgd":
        return before - lr * grad
    if kind == "momentum":
        return before - lr * (s["momentum"] * memory["v"] + grad)
    b1, b2, step = s["beta1"], s["beta2"], memory["t"] + 1
    m = b1 * memory["m"] + (1 - b1) * grad
    v = b2 * memory["v"] + (1 - b2) * grad * grad
    return before - lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step) * m / (np.sqrt(v) + 1e-8)


@pytest.mark.parametrize("kind, change", [
    ("momentum", {"momentum": 0.25}), ("momentum", {"momentum": 0.0}),
    ("adam", {"beta2": 0.5}), ("adam", {"beta1": 0.3}), ("adam", {"beta1": 0.0, "beta2": 0.9}),
    ("sgd", {"lr_d": 0.02, "lr_g": 0.07}), ("adam", {"lr_d": 0.003, "lr_g": 0.02}),
])
def test_a_hyperparameter_change_mid_run_takes_effect_at_the_next_step(kind, change):
    t = Trainer({"optimizer_d": kind, "optimizer_g": kind, "lr_d": 0.01, "lr_g": 0.01})
    t.train(10)                          # the optimisers have memory by now
    assert t.update(change) is False
    for net, step in (("d", t.d_step), ("g", t.g_step)):
        model, opt = (t.D, t.opt_d) if net == "d" else (t.G, t.opt_g)
        before = model.params.copy()
        memory = {k: np.array(v) if isinstance(v, list) else v for k, v in opt.state().items()}
        step()
        expected = _expected_step(t, net, before, memory)
        np.testing.assert_allclose(model.params, expected, rtol=1e-12, atol=1e-15)
    # ... which is not what the old value would have given.
    unchanged = Trainer({"optimizer_d": kind, "optimizer_g": kind, "lr_d": 0.01, "lr_g": 0.01})
    unchanged.train(10)
    unchanged.d_step()
    assert not np.array_equal(unchanged.D.params, t.D.params)


def test_optimizer_change_makes_a_fresh_optimizer_without_reset():
    t = Trainer()
    t.train(5)
    g0, _ = params(t)
    assert t.update({"optimizer_g": "ADAM"}) is False
    assert t.opt_g.kind == "adam" and t.opt_g.t == 0 and t.opt_d.kind == "sgd"
    assert t.opt_g.params is t.G.params
    np.testing.assert_array_equal(t.G.params, g0)


@pytest.mark.parametrize("changes", [{"g_units": 16}, {"d_layers": 2}, {"d_activation": "tanh"},
                                     {"noise_dim": 3}, {"noise": "gaussian"}, {"seed": 9},
                                     {"preset": "ring"}, {"jitter": 0.05}])
def test_model_changes_reset(changes):
    t = Trainer()
    t.train(5)
    assert t.update(changes) is True
    assert t.epoch_count == 0 and t.d_steps == 0 and t.history.losses == []
    fresh = Trainer(dict(DEFAULTS, **changes))
    assert_same_state(t, fresh)


@pytest.mark.parametrize("changes", [{"lr_d": "abc"}, {"lr_d": 0.01, "k_d": 1.5},
                                     {"g_units": 0}, {"colour": "red"}, {"preset": "points"},
                                     {"loss": "l1", "seed": 4}])
def test_invalid_update_raises_and_changes_nothing(changes):
    t = Trainer()
    t.train(5)
    before = modelfile.to_json(t)
    settings = dict(t.settings)
    with pytest.raises(SettingsError):
        t.update(changes)
    assert t.settings == settings
    assert modelfile.to_json(t) == before


# ----- set_points ---------------------------------------------------------------------------
def test_set_points_switches_to_the_point_set_and_resets():
    t = Trainer()
    t.train(5)
    t.set_points(POINTS)
    assert t.settings["preset"] == "points" and t.epoch_count == 0
    np.testing.assert_array_equal(t.points, POINTS)
    assert t.train(5) == 5
    # Switching to a preset keeps the point set for later.
    assert t.update({"preset": "ring"}) is True
    assert t.update({"preset": "points"}) is True


@pytest.mark.parametrize("bad", [[], np.zeros((0, 2)), [[0.1, float("nan")]],
                                 [[0.1, 0.2], [1.2, 0.5]], [[-0.1, 0.5]], [[0.1, 0.2, 0.3]],
                                 [0.1, 0.2], [[float("inf"), 0.5]], "abc"])
@pytest.mark.parametrize("start", ["preset", "points"])
def test_bad_points_raise_and_leave_everything_untouched(bad, start):
    t = Trainer() if start == "preset" else Trainer({"preset": "points"}, POINTS)
    t.train(5)
    before = modelfile.to_json(t)
    pts = None if t.points is None else t.points.copy()
    with pytest.raises(DataError):
        t.set_points(bad)
    assert modelfile.to_json(t) == before
    if pts is None:
        assert t.points is None
    else:
        np.testing.assert_array_equal(t.points, pts)
    assert t.epoch_count == 5


# ----- epoch_steps: one epoch spread over several calls ------------------------------------
def test_epoch_steps_give_the_same_numbers_as_epoch():
    a, b = Trainer({"k_d": 3, "k_g": 2}), Trainer({"k_d": 3, "k_g": 2})
    for _ in range(5):
        a.epoch()
        yielded = sum(1 for _ in b.epoch_steps())
        assert yielded == 5
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)
    assert a.history.losses == b.history.losses
    assert (a.epoch_count, a.d_steps, a.g_steps) == (b.epoch_count, b.d_steps, b.g_steps) == (5, 15, 10)


def test_epoch_steps_count_the_epoch_only_when_it_finishes():
    t = Trainer()
    steps = t.epoch_steps()
    assert next(steps) == "d"
    assert (t.d_steps, t.epoch_count) == (1, 0)
    assert next(steps) == "d"
    assert (t.d_steps, t.g_steps, t.epoch_count) == (2, 0, 0)
    assert next(steps) == "g"                  # the last step: the epoch is counted
    assert (t.d_steps, t.g_steps, t.epoch_count) == (2, 1, 1)
    assert t.history.losses[-1][0] == 1
    with pytest.raises(StopIteration):
        next(steps)
    assert t.epoch_count == 1


def test_an_empty_epoch_still_counts():
    t = Trainer({"k_d": 0, "k_g": 0})
    assert list(t.epoch_steps()) == []
    t.epoch()
    assert (t.epoch_count, t.d_steps, t.g_steps) == (2, 0, 0)


def test_a_reset_drops_an_unfinished_epoch():
    t = Trainer()
    steps = t.epoch_steps()
    next(steps)
    t.reset()
    assert list(steps) == []
    assert (t.epoch_count, t.d_steps, t.g_steps) == (0, 0, 0)


# ----- epoch_steps(pieces=True): an epoch in bounded pieces ----------------------------------
# "huge" is the largest network and batch the settings allow; "big" steps in pieces too,
# at a fraction of the cost; the others are small enough for whole layer passes.
HUGE = {"g_layers": 6, "g_units": 128, "d_layers": 6, "d_units": 128, "batch": 2000}
PIECES_CONFIGS = {
    "defaults": {},
    "k 3-2, tanh, adam": {"k_d": 3, "k_g": 2, "d_activation": "tanh", "g_activation": "sigmoid",
                          "optimizer_d": "adam", "optimizer_g": "momentum"},
    "linear, hinge, no hidden G": {"g_layers": 0, "d_activation": "linear", "loss": "hinge"},
    "wasserstein, leaky": {"loss": "wasserstein", "d_activation": "leaky_relu", "d_layers": 3},
    "big": {"g_layers": 2, "g_units": 64, "d_layers": 2, "d_units": 64, "batch": 2000},
    "big, odd sizes": {"g_layers": 3, "g_units": 47, "d_layers": 2, "d_units": 101,
                       "batch": 1999, "noise_dim": 5, "d_activation": "tanh"},
}


def _run_pieces(t: Trainer) -> list:
    return list(t.epoch_steps(pieces=True))


@pytest.mark.parametrize("name", PIECES_CONFIGS)
def test_an_epoch_in_pieces_gives_the_same_numbers_as_epoch(name):
    a, b = Trainer(PIECES_CONFIGS[name]), Trainer(PIECES_CONFIGS[name])
    k_d, k_g = a.settings["k_d"], a.settings["k_g"]
    for _ in range(3):
        a.epoch()
        pieces = _run_pieces(b)
        assert [p.kind for p in pieces if p.step_done] == ["d"] * k_d + ["g"] * k_g
        assert len(pieces) > k_d + k_g          # always more than one piece per step
        assert_same_state(a, b)


def test_whole_steps_of_a_huge_model_run_in_the_same_pieces():
    """A step too big for one piece runs block by block even when taken whole (d_step,
    g_step, epoch), so whole steps and pieces give the very same numbers."""
    cfg = PIECES_CONFIGS["big"]
    a, b, c = Trainer(cfg), Trainer(cfg), Trainer(cfg)
    assert a._in_pieces(cfg["batch"]) and not Trainer()._in_pieces(150)
    a.d_step(False)
    a.d_step(True)
    a.g_step(True)
    a._end_epoch()
    _run_pieces(b)
    c.epoch()
    assert_same_state(a, b)
    assert_same_state(a, c)


class _CountingNumPy:
    """Stands in for numpy inside ganlab.nn: counts the multiply-adds of every matmul."""

    def __init__(self):
        self.macs = 0

    def matmul(self, a, b, **kw):
        self.macs += a.shape[0] * a.shape[1] * b.shape[1]
        return np.matmul(a, b, **kw)

    def __getattr__(self, name):
        return getattr(np, name)


def test_every_piece_is_bounded_work_at_the_largest_settings(monkeypatch):
    from ganlab import gan, nn
    counter = _CountingNumPy()
    monkeypatch.setattr(nn, "np", counter)
    t = Trainer(dict(HUGE, k_d=1, k_g=1))
    pieces, biggest = [], 0
    steps = t.epoch_steps(pieces=True)
    while True:
        counter.macs = 0
        piece = next(steps, None)
        if piece is None:
            break
        pieces.append(piece)
        biggest = max(biggest, counter.macs)
        assert counter.macs <= gan.PIECE_WORK
        assert piece.work <= gan.PIECE_WORK
    assert t.epoch_count == 1 and [p.kind for p in pieces if p.step_done] == ["d", "g"]
    # A whole D step here is ~1.5e9 multiply-adds: it really is cut up, into big pieces.
    assert len(pieces) > 300 and biggest > gan.PIECE_WORK // 4


def test_views_drawn_between_pieces_change_nothing():
    from ganlab import fields
    cfg = PIECES_CONFIGS["big, odd sizes"]
    a, b = Trainer(cfg), Trainer(cfg)
    a.epoch()
    for i, _ in enumerate(b.epoch_steps(pieces=True)):
        if i % 7 == 0:
            fields.frame(b, res=20)         # D and G forward and D's input gradient
    assert_same_state(a, b)


def test_a_reset_in_the_middle_of_a_step_drops_the_unfinished_epoch():
    t = Trainer(PIECES_CONFIGS["big"])
    steps = t.epoch_steps(pieces=True)
    for _ in range(5):
        piece = next(steps)
    assert piece.kind == "d" and not piece.step_done and t.d_steps == 0
    t.reset()
    assert list(steps) == []
    assert_same_state(t, Trainer(PIECES_CONFIGS["big"]))


def test_pieces_stop_on_divergence_without_counting_the_epoch():
    t = Trainer({"loss": "least_squares", "lr_d": 10, "lr_g": 10})
    for _ in range(30):
        pieces = _run_pieces(t)
        if t.diverged:
            break
    # The step that diverged does not come out: fewer finished steps than an epoch has.
    assert t.diverged and sum(p.step_done for p in pieces) < 3
    assert _run_pieces(t) == [] and t.history.losses[-1][0] == t.epoch_count


@pytest.mark.parametrize("kind", ["d", "g"])
@pytest.mark.parametrize("settings", [{}, {"g_layers": 3, "g_units": 128, "d_layers": 3,
                                           "d_units": 128, "batch": 600}])
def test_a_step_in_pieces_equals_the_whole_step(kind, settings):
    a, b = Trainer(settings), Trainer(settings)
    a.train(2)
    b.train(2)
    getattr(a, f"{kind}_step")()
    pieces = list(b.step_pieces(kind))
    assert pieces[-1].step_done and sum(p.step_done for p in pieces) == 1
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)
    assert (a.d_steps, a.g_steps, a.last_d_loss, a.last_g_loss) == (b.d_steps, b.g_steps,
                                                                    b.last_d_loss, b.last_g_loss)
    assert b.is_huge() == bool(settings)


def test_a_trainer_made_to_load_a_file_skips_its_epoch_0_record():
    # modelfile.from_dict puts the file's history in place: the record would be wasted.
    bare, made = Trainer({}, record=False), Trainer({})
    assert bare.history.metrics == bare.history.quality == bare.history.snapshots == []
    assert made.history.metrics[0][0] == 0 and made.history.quality[0][0] == 0
    np.testing.assert_array_equal(bare.G.params, made.G.params)
    assert bare.rng.bit_generator.state == made.rng.bit_generator.state
    bare.reset()                    # a later reset records as ever
    assert bare.history.metrics == made.history.metrics
