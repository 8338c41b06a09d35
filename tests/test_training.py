"""Training end to end: every preset learns with its recipe (state.RECIPES), modes are
covered, a custom point set read from CSV learns, and divergence is caught cleanly.

How the recipes and the bounds below were set
---------------------------------------------
Each preset was trained with its recipe for the recipe's epochs, seeds 1-3. Its JS is
the mean JS of the 10 metric records at epochs E-450, E-400, ..., E (every 50th),
which smooths the GAN's oscillation; precision, recall and modes covered are read at
the end. The yardstick is an independent plain GAN (tools/plaingan.py: written apart
from the engine, 2x64 units, Adam lr 2e-4, beta1 0.5, Gaussian noise), trained for
the same epochs on the same seeds and measured the same way. A recipe "learns its
data set at least as well as the plain GAN" when its mean JS over seeds 1-3 is at
most the plain GAN's mean and its worst seed at most the plain GAN's worst seed.

`python tools/recipes.py --readme` prints the table (README, "Recipes"): every
seed's figures and the bounds asserted here on every seed (tools/recipes.TESTED).
A test below rebuilds each row from the runs trained here and compares it with the
README's; tests/test_plaingan.py re-runs the plain GAN and checks its column and the
comparison. The former recipe adam32 is kept for ring (adam64 left ring seed 2
collapsed at 0.84 after 8000 epochs) and for drawn points.

Every claim is checked over seeds 1-3 (the README states these figures); set
GANLAB_ALL_SEEDS=0 to run seed 1 only while developing (a third of the time).
"""
from __future__ import annotations

import json
import math
import os
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from ganlab import data, metrics, modelfile
from ganlab.gan import Trainer
from ganlab.modelfile import ModelFileError
from ganlab.state import PRESETS, RECIPES, RECOMMENDED, recipe
from tools import recipes
from tools.recipes import TESTED

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
SEEDS = [1] if os.environ.get("GANLAB_ALL_SEEDS") == "0" else [1, 2, 3]
MARGIN = 0.15        # untrained JS must exceed the threshold by this much

# preset: JS threshold after the recipe's epochs (seeds 1-3, see above)
EXPECT = {preset: b.js for preset, b in TESTED.items()}
CUSTOM_EPOCHS, CUSTOM_THRESHOLD = 4000, 0.45


def final_js(t: Trainer) -> float:
    e = t.epoch_count
    rows = [r for r in t.history.metrics if r[0] >= e - 450 and r[0] % 50 == 0]
    assert len(rows) == 10 and rows[-1][0] == e
    return float(np.mean([r[2] for r in rows]))


@lru_cache(maxsize=None)
def trained(preset: str, seed: int = SEED) -> Trainer:
    epochs = RECIPES[preset].epochs
    t = Trainer(dict(recipe(preset), preset=preset, seed=seed))
    assert t.train(epochs) == epochs, t.diverged
    return t


@lru_cache(maxsize=None)
def figures(preset: str, seed: int = SEED) -> dict:
    return recipes.figures(trained(preset, seed))


def test_every_preset_has_a_recipe_and_a_threshold():
    assert set(EXPECT) == set(PRESETS) and set(RECIPES) == set(PRESETS) | {"points"}
    assert RECOMMENDED == recipe("points")
    for r in RECIPES.values():
        assert r.about and "\n" not in r.about and r.epochs >= 1000


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("preset", PRESETS)
def test_preset_learns_with_its_recipe(preset, seed):
    threshold = EXPECT[preset]
    t = trained(preset, seed)
    untrained = t.history.metrics[0][2]
    assert t.history.metrics[0][0] == 0
    js = final_js(t)
    assert untrained > threshold + MARGIN, f"{preset}: untrained JS {untrained:.3f}"
    assert js < threshold, f"{preset}: JS {js:.3f} after {t.epoch_count} epochs (untrained {untrained:.3f})"
    assert t.diverged is None


@pytest.mark.parametrize("seed", SEEDS)
def test_eight_gaussians_recipe_covers_all_modes(seed):
    t = trained("eight_gaussians", seed)
    cov = t.mode_coverage()
    assert cov["covered"] == cov["modes"] == 8
    assert cov["in_modes"] > 0.7
    assert t.summary()["modes"] == cov


@pytest.mark.parametrize("seed", SEEDS)
def test_eight_gaussians_with_gan_labs_defaults_underfits_rather_than_collapses(seed):
    # README, "Underfitting is not collapse": with GAN Lab's defaults, after 3,000
    # epochs fewer than a quarter of the fakes look real or lie near any mode, and no
    # mode is covered (measured: precision 0.15-0.17, near a mode 0.12-0.19).
    t = Trainer({"preset": "eight_gaussians", "seed": seed})
    t.train(3000)
    cov = t.mode_coverage()
    assert t.summary()["precision"] < 0.25
    assert cov["in_modes"] < 0.25 and cov["covered"] == 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("preset", PRESETS)
def test_preset_reaches_its_precision_recall_and_modes(preset, seed):
    b, f = TESTED[preset], figures(preset, seed)
    assert f["js"] == final_js(trained(preset, seed))
    assert f["precision"] >= b.precision, f"{preset}: precision {f['precision']:.3f}"
    assert f["recall"] >= b.recall, f"{preset}: recall {f['recall']:.3f}"
    assert (b.modes is None) == (data.modes(preset) is None) == (f["modes"] is None)
    if b.modes is not None:
        assert f["modes"] >= b.modes, f"{preset}: {f['modes']} modes covered"


@pytest.mark.skipif(SEEDS != [1, 2, 3], reason="the README's table is seeds 1-3")
def test_readme_recipe_table_is_what_the_tests_measure_and_assert():
    """Each row of the README's table, rebuilt from the runs trained here (every seed's
    JS, precision, recall and modes as printed) and TESTED (its last column); its plain
    GAN column is taken as it stands (tests/test_plaingan.py re-runs that)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = recipes.readme_rows(readme)
    assert list(rows) == list(PRESETS)
    lines = {line.strip() for line in readme.splitlines()}
    assert set(recipes.HEADER.splitlines()) <= lines
    assert recipes.readme_recipes() in readme.replace("\n  ", " ")
    for preset in PRESETS:
        plain_js = [float(x) for x in rows[preset][7].split()]
        runs = [figures(preset, seed) for seed in SEEDS]
        row = recipes.readme_row(preset, runs, plain_js)
        assert row in lines, (f"README's {preset} row differs from\n{row}\n"
                              "paste `python tools/recipes.py --readme`")
        # README: "every row is also ahead of the plain GAN seed by seed"
        assert all(f["js"] < p for f, p in zip(runs, plain_js)), preset


def test_disjoint_recipe_covers_at_least_two_of_three_modes():
    assert trained("disjoint").mode_coverage()["covered"] >= 2


def test_summary_reads_precision_recall_and_a_sentence():
    t = trained("eight_gaussians")
    s = t.summary()
    assert 0.7 < s["precision"] <= 1 and 0.6 < s["recall"] <= 1
    assert s["verdict"] == metrics.verdict(s["precision"], s["recall"], s["modes"])
    assert t.readout()["verdict"] == s["verdict"]
    assert t.history.quality[-1] == [t.epoch_count, s["precision"], s["recall"]]


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
    t = Trainer(dict(recipe("points"), preset="points", seed=SEED), points)
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
    assert f"{net.upper()} learning rate" in reason and "Reset" in reason and "lr_" not in reason
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
    assert t.update({"lr_d": 0.1, "lr_g": 0.1}) is False
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
    assert "switch the D optimiser to Adam" in t.diverged and "optimizer_d" not in t.diverged
    t = Trainer(dict(D_BLOWS_UP, optimizer_d="adam", lr_d=10))
    t.D.params[:] = 1e7                 # blown up by hand: the next D step notices
    t.d_step()
    assert t.diverged and "lower the D learning rate (now 10)" in t.diverged and "Adam" not in t.diverged


def test_metrics_of_an_untrained_generator_are_well_defined():
    t = Trainer()
    kl, js = t.kl_js()
    assert math.isfinite(kl) and 0.0 <= js <= 1.0
    assert js == pytest.approx(metrics.js(t.real_hist, metrics.histogram(t.generate(t.metric_noise))))
