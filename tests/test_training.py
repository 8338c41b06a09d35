"""Training end to end: every preset learns with state.RECOMMENDED, modes are covered,
a custom point set read from CSV learns, and divergence is caught cleanly.

How the JS thresholds below were set
------------------------------------
Each preset was trained with state.RECOMMENDED (Adam, beta1 0.5, lr 0.001, 2 x 32
ReLU units, k_d = k_g = 1, batch 150) for seeds 1-8. The figure is the mean JS of the
last 10 metric points (epochs E-450 ... E, one every 50 epochs), which smooths the GAN's
oscillation; "untrained" is JS at epoch 0 (seeds 1-8). The sampling floor (JS between
the real histogram and 2,500 true samples) is 0.01-0.06, so none of these is "perfect".

  preset          epochs  s1    s2    s3    s4    s5    s6    s7    s8    untrained  threshold
  gaussians        4000  .474  .452  .419  .448  .415  .448  .324  .432  .69-.95    0.60
  line             4000  .270  .266  .082  .334  .246  .314  .189  .185  .92-1.0    0.50
  ring             8000  .295  .293  .202  .297  .279  .269  .292  .260  .81-.97    0.45
  disjoint         4000  .190  .255  .299  .287  .280  .200  .285  .271  .81-1.0    0.42
  spiral           4000  .191  .155  .128  .385  .266  .167  .150  .255  .76-.89    0.50
  eight_gaussians  4000  .261  .221  .275  .280  .287  .258  .289  .284  .95-1.0    0.42
  grid             8000  .427  .453  .445  .478  .397  .438  .410  .445  .83-.90    0.62
  moons            6000  .226  .215  .185  .207  .196  .191  .205  .188  .76-.91    0.35
  custom CSV       4000  .270  .251  .292  .284  .269  .301  .247  .296  .89-1.0    0.45
  (two strokes and a cluster, below)

Some seeds sit collapsed for thousands of epochs before they learn, so ring, moons and
grid get more epochs: at 4000 epochs ring seeds 3 and 6 were still at 0.88 and 0.84
(ring seed 3 was still 0.74 at 6000), moons seed 4 was at 0.89 (0.21 by 6000), and grid
was at 0.48-0.74. Measured on the engine of commit 662fe57 (bias folded into the
matmuls); the engine of e6cb25f gave the same ranges for seeds 1-5. The tests use
seed 1, the default.

Mode coverage at the end: disjoint 3/3 and eight_gaussians 8/8 for every seed above.
Runtime: about 1.3 s per 4000 epochs on one core; this module trains 46,000 epochs.
"""
from __future__ import annotations

import json
import math
import warnings
from functools import lru_cache

import numpy as np
import pytest

from ganlab import data, metrics, modelfile
from ganlab.gan import Trainer
from ganlab.modelfile import ModelFileError
from ganlab.state import PRESETS, RECOMMENDED

SEED = 1
LAST = 10            # metric points averaged at the end
MARGIN = 0.15        # untrained JS must exceed the threshold by this much

# preset: (epochs, JS threshold)
EXPECT = {
    "gaussians": (4000, 0.60),
    "line": (4000, 0.50),
    "ring": (8000, 0.45),
    "disjoint": (4000, 0.42),
    "spiral": (4000, 0.50),
    "eight_gaussians": (4000, 0.42),
    "grid": (8000, 0.62),
    "moons": (6000, 0.35),
}
CUSTOM_EPOCHS, CUSTOM_THRESHOLD = 4000, 0.45


def final_js(t: Trainer) -> float:
    rows = t.history.metrics[-LAST:]
    assert len(rows) == LAST and rows[-1][0] == t.epoch_count
    return float(np.mean([r[2] for r in rows]))


@lru_cache(maxsize=None)
def trained(preset: str) -> Trainer:
    epochs, _ = EXPECT[preset]
    t = Trainer(dict(RECOMMENDED, preset=preset, seed=SEED))
    assert t.train(epochs) == epochs, t.diverged
    return t


def test_every_preset_has_a_threshold():
    assert set(EXPECT) == set(PRESETS)


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_learns_with_recommended_settings(preset):
    _, threshold = EXPECT[preset]
    t = trained(preset)
    untrained = t.history.metrics[0][2]
    assert t.history.metrics[0][0] == 0
    js = final_js(t)
    assert untrained > threshold + MARGIN, f"{preset}: untrained JS {untrained:.3f}"
    assert js < threshold, f"{preset}: JS {js:.3f} after {t.epoch_count} epochs (untrained {untrained:.3f})"
    assert t.diverged is None


@pytest.mark.parametrize("preset", ["disjoint", "eight_gaussians"])
def test_all_modes_covered_after_training(preset):
    t = trained(preset)
    cov = t.mode_coverage()
    assert cov["covered"] == cov["modes"] == len(data.modes(preset).centres)
    assert cov["in_modes"] > 0.7
    assert t.summary()["modes"] == cov


# ----- a custom point set read from a CSV file ------------------------------------------------
def _strokes_and_cluster():
    """Two short pen strokes and a small round cluster, as someone might draw them."""
    s = np.linspace(0.0, 1.0, 15)[:, None]
    a = np.array([0.2, 0.2]) + s * np.array([0.2, 0.1])         # stroke from (0.2,0.2) to (0.4,0.3)
    b = np.array([0.6, 0.8]) + s * np.array([0.2, -0.1])        # stroke from (0.6,0.8) to (0.8,0.7)
    ang = np.linspace(0.0, 2 * math.pi, 10, endpoint=False)
    c = np.stack([0.75 + 0.02 * np.cos(ang), 0.3 + 0.02 * np.sin(ang)], axis=1)
    return [a, b, c]


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    parts = _strokes_and_cluster()
    path = tmp_path_factory.mktemp("points") / "drawing.csv"
    lines = ["x,y", ""] + [f"{x:.6f},{y:.6f}" for x, y in np.concatenate(parts)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    points = data.read_csv(str(path))
    assert points.shape == (40, 2)
    t = Trainer(dict(RECOMMENDED, preset="points", seed=SEED), points)
    assert t.train(CUSTOM_EPOCHS) == CUSTOM_EPOCHS
    return t, parts


def test_custom_point_set_from_csv_learns(custom):
    t, _ = custom
    untrained = t.history.metrics[0][2]
    js = final_js(t)
    assert untrained > CUSTOM_THRESHOLD + MARGIN
    assert js < CUSTOM_THRESHOLD, f"custom points: JS {js:.3f} (untrained {untrained:.3f})"


def test_custom_point_set_every_part_is_covered(custom):
    # Each fake goes to the part (stroke or cluster) with the nearest drawn point, if it is
    # within 0.06; every part must get at least a quarter of its fair share (by point count).
    t, parts = custom
    fake = t.generate(t.metric_noise)
    dist = np.stack([np.linalg.norm(fake[:, None] - p[None], axis=2).min(axis=1) for p in parts],
                    axis=1)
    near = dist.min(axis=1) < 0.06
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=len(parts))
    total = sum(len(p) for p in parts)
    fair = np.array([len(fake) * len(p) / total for p in parts])
    assert np.all(counts >= 0.25 * fair), (counts, fair)
    assert near.mean() > 0.8        # measured 0.93-0.98 (seeds 1-6)


# ----- divergence ------------------------------------------------------------------------------
# Found by trying lr_d = lr_g = 10 with SGD: the log loss's gradients are bounded, so with
# seeds 1 and 2 it trains on for 3000 epochs without blowing up; with seed 3 the generator's
# weights blow up after 2 G steps. Least squares (unbounded gradients) blows up the
# discriminator within 5 D steps for every seed tried.
D_BLOWS_UP = {"loss": "least_squares", "lr_d": 10, "lr_g": 10, "seed": 1}
G_BLOWS_UP = {"lr_d": 10, "lr_g": 10, "seed": 3}


def _diverged(settings):
    t = Trainer(settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        done = t.train(100)
    assert done < 100
    return t


@pytest.mark.parametrize("settings, net", [(D_BLOWS_UP, "d"), (G_BLOWS_UP, "g")],
                         ids=["least_squares D", "log G"])
def test_divergence_stops_training_with_a_readable_reason(settings, net):
    t = _diverged(settings)            # no exception, no warning while training
    reason = t.diverged
    assert isinstance(reason, str) and reason.startswith("Training stopped: ")
    assert f"lr_{net}" in reason and "Reset" in reason
    who = "discriminator" if net == "d" else "generator"
    assert who in reason
    assert "\n" not in reason and len(reason) < 300


@pytest.mark.parametrize("settings", [D_BLOWS_UP, G_BLOWS_UP], ids=["least_squares D", "log G"])
def test_after_divergence_steps_return_false_and_change_nothing(settings):
    t = _diverged(settings)
    g0, d0 = t.G.params.copy(), t.D.params.copy()
    counts = (t.epoch_count, t.d_steps, t.g_steps)
    hist = json.dumps(t.history.to_dict())
    rng = t.rng.bit_generator.state
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert t.d_step() is False
        assert t.g_step() is False
        assert t.epoch() is False
        assert t.train(10) == 0
    np.testing.assert_array_equal(t.G.params, g0)
    np.testing.assert_array_equal(t.D.params, d0)
    assert (t.epoch_count, t.d_steps, t.g_steps) == counts
    assert json.dumps(t.history.to_dict()) == hist
    assert t.rng.bit_generator.state == rng


def _summary_without_warnings(t):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return t.summary()


def test_summary_after_discriminator_divergence_is_clean_json():
    t = _diverged(D_BLOWS_UP)
    s = _summary_without_warnings(t)
    text = json.dumps(s, allow_nan=False)
    assert json.loads(text)["diverged"] is True
    assert s["reason"] == t.diverged


def test_summary_after_generator_divergence_has_no_warnings():
    t = _diverged(G_BLOWS_UP)
    s = _summary_without_warnings(t)
    json.dumps(s, allow_nan=False)


@pytest.mark.parametrize("settings", [D_BLOWS_UP, G_BLOWS_UP], ids=["least_squares D", "log G"])
def test_to_json_of_a_diverged_model_raises(settings):
    t = _diverged(settings)
    with pytest.raises(ModelFileError):
        modelfile.to_json(t)


@pytest.mark.parametrize("settings", [D_BLOWS_UP, G_BLOWS_UP], ids=["least_squares D", "log G"])
def test_reset_recovers_from_divergence(settings):
    t = _diverged(settings)
    first = (t.epoch_count, t.d_steps, t.g_steps, t.diverged)
    t.reset()
    assert t.diverged is None and t.epoch_count == 0 and t.d_steps == t.g_steps == 0
    assert t.history.losses == [] and len(t.history.metrics) == 1
    assert np.isfinite(t.G.params).all() and np.isfinite(t.D.params).all()
    fresh = Trainer(settings)
    np.testing.assert_array_equal(t.G.params, fresh.G.params)
    np.testing.assert_array_equal(t.D.params, fresh.D.params)
    # Training works again, and (same settings, same seed) diverges the same way.
    assert t.d_step() is True
    t.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.train(100)
    assert (t.epoch_count, t.d_steps, t.g_steps, t.diverged) == first


@pytest.mark.parametrize("settings", [D_BLOWS_UP, G_BLOWS_UP], ids=["least_squares D", "log G"])
def test_lower_learning_rates_then_reset_trains_on(settings):
    t = _diverged(settings)
    # A learning-rate change alone does not reset, so the trainer stays stopped...
    assert t.update({"lr_d": 0.1, "lr_g": 0.03}) is False
    assert t.diverged is not None and t.epoch() is False
    # ...until Reset, as the message says.
    t.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert t.train(300) == 300
    assert t.diverged is None
    json.dumps(t.summary(), allow_nan=False)
    modelfile.from_json(modelfile.to_json(t))


def test_hint_suggests_adam_only_when_not_using_it():
    t = _diverged(D_BLOWS_UP)
    assert "switch optimizer_d to adam" in t.diverged
    t = Trainer(dict(D_BLOWS_UP, optimizer_d="adam", lr_d=10))
    t.D.params[:] = 1e7                 # blown up by hand: the next D step notices
    t.d_step()
    assert t.diverged and "lower lr_d (now 10)" in t.diverged and "adam" not in t.diverged


def test_metrics_of_an_untrained_generator_are_well_defined():
    t = Trainer()
    kl, js = t.kl_js()
    assert math.isfinite(kl) and 0.0 <= js <= 1.0
    assert js == pytest.approx(metrics.js(t.real_hist, metrics.histogram(t.generate(t.metric_noise))))
