"""ganlab.fields: the arrays behind the views (heatmap, samples, arrows, manifold)."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import fields, gan, losses
from ganlab.gan import Trainer
from ganlab.state import LOSSES


@pytest.fixture(scope="module")
def trained():
    t = Trainer()
    t.train(40)
    return t


def _d_of_one_coordinate(t, axis, k=10.0):
    """Set D (2 -> 8 -> 1, relu) by hand so that its logit is k * (coordinate - 0.5)."""
    D = t.D
    D.params[:] = 0.0
    D.W[0][axis, 0] = 1.0          # hidden unit 0 = relu(coordinate), >= 0 in the square
    D.W[1][0, 0] = k
    D.b[1][0] = -k / 2


def test_grid_points_row_0_is_the_top():
    g = fields.grid_points(4)
    assert g.shape == (16, 2)
    np.testing.assert_allclose(g[:4], [[0.125, 0.875], [0.375, 0.875], [0.625, 0.875], [0.875, 0.875]])
    np.testing.assert_allclose(g[-1], [0.875, 0.125])
    assert not g.flags.writeable


@pytest.mark.parametrize("loss", LOSSES)
def test_heatmap_shape_and_range(loss, trained):
    t = Trainer({"loss": loss})
    t.train(10)
    h = fields.heatmap(t)
    assert h.shape == (60, 60) == (fields.HEAT_RES, fields.HEAT_RES)
    assert np.isfinite(h).all() and h.min() >= 0.0 and h.max() <= 1.0


def test_heatmap_row_0_is_the_top_and_column_0_the_left():
    t = Trainer()
    _d_of_one_coordinate(t, axis=1)                 # D depends on y only
    h = fields.heatmap(t)
    c = (np.arange(60) + 0.5) / 60
    expected_rows = 1 / (1 + np.exp(-10 * (c[::-1] - 0.5)))
    np.testing.assert_allclose(h, np.repeat(expected_rows[:, None], 60, axis=1), rtol=1e-12)
    assert h[0, 0] > 0.99 and h[-1, 0] < 0.01
    assert np.all(np.diff(h[:, 17]) < 0)             # real-looking at the top, fake at the bottom
    np.testing.assert_array_equal(h, h[:, :1].repeat(60, axis=1))   # constant along a row

    _d_of_one_coordinate(t, axis=0)                 # D depends on x only
    h = fields.heatmap(t)
    assert h[0, 0] < 0.01 and h[0, -1] > 0.99
    assert np.all(np.diff(h[30]) > 0)


def test_frame_contents(trained):
    t = trained
    f = fields.frame(t)
    assert f.heat.shape == (60, 60)
    assert f.real.shape == (gan.N_SHOW_REAL, 2) and f.fake.shape == (gan.N_SHOW_FAKE, 2)
    assert f.d_real.shape == (gan.N_SHOW_REAL,) and f.d_fake.shape == (gan.N_SHOW_FAKE,)
    assert f.arrows.shape == (gan.N_SHOW_FAKE, 2)
    np.testing.assert_array_equal(f.real, t.show_real)
    np.testing.assert_allclose(f.fake, t.generate(t.show_noise), rtol=1e-14)
    np.testing.assert_allclose(f.heat, fields.heatmap(t), rtol=1e-14)
    np.testing.assert_allclose(f.d_fake, losses.sigmoid(t.D.forward(f.fake)).ravel(), rtol=1e-13)
    np.testing.assert_allclose(f.d_real, losses.sigmoid(t.D.forward(f.real)).ravel(), rtol=1e-13)
    assert f.manifold.shape == (fields.MANIFOLD_RES ** 2, 2) and f.shade.shape == (20, 20)
    assert fields.frame(t, with_manifold=False).manifold is None


def _sigmoid(l):
    return 1.0 / (1.0 + np.exp(-l))


def test_wasserstein_heatmap_is_normalised_over_the_grid():
    """A critic's score has no scale: the view shows sigmoid(2 (l - mean) / std) over the
    grid, so even a tiny (clipped) critic spans the colours, and scale and offset do not
    matter."""
    t = Trainer({"loss": "wasserstein"})
    _d_of_one_coordinate(t, axis=0, k=0.01)        # logit 0.01 (x - 0.5): |l| <= 0.005
    h = fields.heatmap(t)
    l = t.D.forward(fields.grid_points(fields.HEAT_RES)).ravel()
    np.testing.assert_allclose(h.ravel(), _sigmoid(2 * (l - l.mean()) / l.std()), rtol=1e-8)
    # x's grid values have mean 0.5 and std 0.2887: z runs from -1.70 to 1.70.
    assert h.min() == pytest.approx(_sigmoid(-2 * 1.7030), abs=1e-3) and h.min() < 0.04
    assert h.max() == pytest.approx(_sigmoid(2 * 1.7030), abs=1e-3) and h.max() > 0.96
    assert h.mean() == pytest.approx(0.5, abs=1e-12)
    _d_of_one_coordinate(t, axis=0, k=40.0)        # 4000 times stronger, same verdict
    t.D.b[-1][0] += 3.0                            # and shifted
    np.testing.assert_allclose(fields.heatmap(t), h, rtol=1e-8)
    np.testing.assert_allclose(fields.frame(t).heat, h, rtol=1e-8)


# What the predictions layer colours each sample by: D(x) as each loss shows it.
REALNESS = {
    "log": lambda l, grid: _sigmoid(l),
    "minimax": lambda l, grid: _sigmoid(l),
    "least_squares": lambda l, grid: np.clip(l, 0.0, 1.0),
    "hinge": lambda l, grid: _sigmoid(l),
    # (+ 1e-12: a constant critic shows 0.5 everywhere instead of NaN)
    "wasserstein": lambda l, grid: _sigmoid(2 * (l - grid.mean()) / (grid.std() + 1e-12)),
}


@pytest.mark.parametrize("loss", LOSSES)
def test_prediction_colours_are_the_realness_of_ds_logits_at_the_samples(loss):
    t = Trainer({"loss": loss, "lr_d": 0.5})
    t.train(20)
    f = fields.frame(t, with_manifold=False)
    grid = t.D.forward(fields.grid_points(fields.HEAT_RES)).ravel()
    shown = REALNESS[loss]
    np.testing.assert_allclose(f.heat.ravel(), shown(grid, grid), rtol=1e-12, atol=1e-15)
    for points, verdict in ((f.real, f.d_real), (f.fake, f.d_fake)):
        l = t.D.forward(points).ravel()
        np.testing.assert_allclose(verdict, shown(l, grid), rtol=1e-12, atol=1e-15)
    # The verdicts differ from sample to sample (so a colour per sample says something).
    assert np.ptp(f.d_real) > 0.01 and np.ptp(f.d_fake) > 0.001


def _softplus(v):
    return np.logaddexp(0.0, v)


PER_POINT_G_LOSS = {
    "log": lambda l: _softplus(-l),
    "minimax": lambda l: -_softplus(l),
    "least_squares": lambda l: 0.5 * (l - 1.0) ** 2,
    "hinge": lambda l: -l,
    "wasserstein": lambda l: -l,
}


@pytest.mark.parametrize("loss", LOSSES)
def test_arrows_are_minus_the_per_point_generator_loss_gradient(loss):
    t = Trainer({"loss": loss, "d_activation": "tanh"})
    t.train(15)
    f = fields.frame(t, with_manifold=False)
    per_point = PER_POINT_G_LOSS[loss]
    h = 1e-6

    def L(x):
        return float(per_point(t.D.forward(x[None, :]))[0, 0])

    numeric = np.zeros_like(f.fake)
    for i, x in enumerate(f.fake):
        for j in range(2):
            up, down = x.copy(), x.copy()
            up[j] += h
            down[j] -= h
            numeric[i, j] = -(L(up) - L(down)) / (2 * h)
    err = np.linalg.norm(f.arrows - numeric) / (np.linalg.norm(f.arrows) + np.linalg.norm(numeric))
    assert err < 1e-6
    assert np.linalg.norm(f.arrows) > 0


def test_arrows_with_relu_discriminator_on_a_single_fake_point(trained):
    t = trained
    f = fields.frame(t, with_manifold=False)
    i = 7
    x = f.fake[i].copy()
    h = 1e-6
    grad = np.zeros(2)
    for j in range(2):
        up, down = x.copy(), x.copy()
        up[j] += h
        down[j] -= h
        grad[j] = (_softplus(-t.D.forward(up[None])) - _softplus(-t.D.forward(down[None]))).item() / (2 * h)
    np.testing.assert_allclose(f.arrows[i], -grad, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("kind", ["gaussian", "uniform"])
@pytest.mark.parametrize("dim", [2, 3])
def test_manifold_shade_2d(kind, dim):
    t = Trainer({"noise": kind, "noise_dim": dim})
    t.train(5)
    pts, shade = fields.manifold(t)
    assert pts.shape == (21 * 21, 2)
    assert shade.shape == (20, 20)
    assert np.all((shade > 0) & (shade < 1))


@pytest.mark.parametrize("kind", ["gaussian", "uniform"])
def test_manifold_shade_1d(kind):
    t = Trainer({"noise": kind, "noise_dim": 1})
    pts, shade = fields.manifold(t)
    assert pts.shape == (fields.CURVE_RES, 2)
    assert shade.shape == (100,)
    assert np.all((shade > 0) & (shade < 1))
    f = fields.frame(t)
    assert f.shade.shape == (100,)


def test_manifold_of_an_affine_generator():
    # G without hidden layers is affine: uniform noise's grid cells all map to equal areas,
    # so every cell has the average density and shade 1/2.
    t = Trainer({"g_layers": 0, "noise": "uniform"})
    _, shade = fields.manifold(t)
    np.testing.assert_allclose(shade, 0.5, atol=1e-9)
    # Gaussian noise: the grid's central cells are smaller (equal mass), so denser.
    t = Trainer({"g_layers": 0, "noise": "gaussian"})
    _, shade = fields.manifold(t)
    assert shade[10, 10] > 0.5 > shade[0, 0]


def test_d_step_changes_the_heatmap_not_the_fakes():
    t = Trainer()
    before = fields.frame(t)
    t.d_step()
    after = fields.frame(t)
    assert not np.array_equal(before.heat, after.heat)
    np.testing.assert_array_equal(before.fake, after.fake)
    np.testing.assert_array_equal(before.manifold, after.manifold)
    np.testing.assert_array_equal(before.real, after.real)


def test_g_step_changes_the_fakes_not_the_heatmap():
    t = Trainer()
    before = fields.frame(t)
    t.g_step()
    after = fields.frame(t)
    np.testing.assert_array_equal(before.heat, after.heat)
    assert not np.array_equal(before.fake, after.fake)
    assert not np.array_equal(before.manifold, after.manifold)


def test_drawing_frames_does_not_change_training():
    a, b = Trainer(), Trainer()
    for _ in range(5):
        fields.frame(a)
        fields.heatmap(a)
        a.train(7)
        b.train(7)
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)
    assert a.history.to_dict() == b.history.to_dict()


EXTREMES = [
    dict(g_layers=0, d_layers=0), dict(noise_dim=1), dict(noise_dim=8, noise="uniform"),
    dict(batch=1), dict(k_d=0), dict(k_g=0), dict(k_d=0, k_g=0),
    dict(g_activation="sigmoid", d_activation="linear"), dict(loss="wasserstein"),
    dict(g_units=1, d_units=1), dict(g_layers=6, g_units=3, d_layers=6, d_units=3),
    dict(optimizer_d="momentum", optimizer_g="adam", beta1=0.0, beta2=0.0, momentum=0.999),
    dict(preset="points", jitter=0.0),
]


@pytest.mark.parametrize("settings", EXTREMES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_every_view_is_finite_at_the_limits_of_the_settings(settings):
    import warnings
    points = np.array([[0.5, 0.5]]) if settings.get("preset") == "points" else None
    t = Trainer(settings, points=points)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.train(30)
        fr = fields.frame(t, with_manifold=True)
    assert t.epoch_count == 30 and t.diverged is None
    for name in ("heat", "real", "fake", "d_real", "d_fake", "arrows", "manifold", "shade"):
        assert np.isfinite(getattr(fr, name)).all(), name
    assert fr.shade.shape == ((100,) if t.settings["noise_dim"] == 1 else (20, 20))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_minimax_pull_is_weaker_than_log_by_one_minus_d_over_d(seed):
    """The README's vanishing-gradient lesson, per fake: |pull(minimax)| =
    |pull(log)| * D / (1 - D), i.e. (1 - D)/D times weaker where D(x) is small."""
    t = Trainer({"preset": "disjoint", "d_layers": 2, "d_units": 32, "optimizer_d": "adam",
                 "lr_d": 0.01, "seed": seed})
    for _ in range(300):
        t.d_step()
    log = fields.frame(t)
    t.update({"loss": "minimax"})
    mini = fields.frame(t)
    d = log.d_fake
    ratio = np.hypot(*mini.arrows.T) / np.hypot(*log.arrows.T)
    np.testing.assert_allclose(ratio, d / (1 - d), rtol=1e-9)
    assert np.median((1 - d) / d) > 2      # a confident D: minimax pulls far less


@pytest.mark.parametrize("settings", [
    {}, {"g_layers": 5, "g_units": 100, "d_layers": 5, "d_units": 100},
    {"noise_dim": 1, "loss": "wasserstein"},
    {"d_activation": "tanh", "loss": "least_squares", "noise": "gaussian", "noise_dim": 3}])
@pytest.mark.parametrize("mres", [fields.MANIFOLD_RES, 11])
def test_a_frame_made_in_pieces_is_the_frame(settings, mres):
    """fields.frame_pieces (a big model's picture, made over several animation frames)
    gives frame()'s numbers, in pieces of at most `work` multiply-adds, without touching
    the buffers training uses; frame_work estimates its size."""
    t = Trainer(dict(settings, seed=2))
    t.train(3)
    res = 30 if t.D.params.size > 5000 else 60
    want = fields.frame(t, res, manifold_res=mres)
    def buffers():
        return {(name, n): [a.copy() for a in b.aug] + [net.grad.copy()]
                for name, net in (("d", t.D), ("g", t.G)) for n, b in net._batches.items()}
    before = buffers()
    pieces, work, total = fields.frame_pieces(t, res, work=1 << 16, manifold_res=mres), [], 0
    while True:
        try:
            work.append(next(pieces))
        except StopIteration as done:
            got = done.value
            break
    assert max(work) <= 1 << 16 and len(work) > 3
    after = buffers()
    assert after.keys() == before.keys()
    assert all(np.array_equal(a, b, equal_nan=True) for k in before for a, b in zip(before[k], after[k]))
    for name in ("heat", "real", "fake", "d_real", "d_fake", "arrows", "noise", "manifold", "grid", "shade"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-12, atol=1e-13,
                                   err_msg=name)
    total = sum(work)
    assert 0.5 * fields.frame_work(t, res, mres) <= total <= 1.5 * fields.frame_work(t, res, mres)
    if t.settings["noise_dim"] > 1:
        assert len(got.grid) == len(got.manifold) == mres * mres and got.shade.shape == (mres - 1,) * 2
