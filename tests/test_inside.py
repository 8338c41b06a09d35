"""ganlab.inside: neuron maps, the noise probe, the ideal discriminator, the gradient field."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import fields, inside, metrics
from ganlab.gan import Trainer
from ganlab.nn import LEAK


def _act(name, z):
    """The activations written out, apart from nn.activate."""
    return {"relu": lambda v: np.where(v > 0, v, 0.0),
            "leaky_relu": lambda v: np.where(v > 0, v, LEAK * v),
            "tanh": np.tanh,
            "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
            "linear": lambda v: v}[name](z)


def _by_hand(net, x, layer, unit):
    """Unit `unit` (from 1) of hidden layer `layer` (from 1), one point at a time."""
    out = np.empty(len(x))
    for i, point in enumerate(x):
        a = np.array(point, dtype=float)
        for k in range(layer):
            a = np.array([_act(net.activation, sum(a[r] * net.W[k][r, c] for r in range(len(a)))
                               + net.b[k][c]) for c in range(net.W[k].shape[1])])
        out[i] = a[unit - 1]
    return out


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh"])
def test_each_d_unit_map_is_its_activation_by_hand(activation):
    t = Trainer({"d_layers": 2, "d_units": 5, "d_activation": activation, "seed": 3})
    t.train(20)
    res = 6
    nm = inside.neuron_maps(t, "d", res=res)
    assert nm.maps.shape == (10, res, res)
    assert list(nm.layer) == [1] * 5 + [2] * 5 and list(nm.index) == [1, 2, 3, 4, 5] * 2
    assert nm.left_out == ""
    x = fields.grid_points(res)         # row 0 at the top, as the maps
    for i in range(10):
        want = _by_hand(t.D, x, nm.layer[i], nm.index[i]).reshape(res, res)
        np.testing.assert_allclose(nm.maps[i], want, rtol=1e-12, atol=1e-12)
    shade = nm.shade
    assert shade.min() >= 0 and shade.max() <= 1


@pytest.mark.parametrize("kind", ["uniform", "gaussian"])
def test_each_g_unit_map_is_its_activation_over_the_noise_square(kind):
    t = Trainer({"g_layers": 2, "g_units": 3, "noise": kind, "noise_dim": 2})
    res = 5
    nm = inside.neuron_maps(t, "g", res=res)
    z = inside.noise_square(kind, 2, res)
    # The noise square is placed as the view places noise: noise_view(z) is the grid.
    np.testing.assert_allclose(fields.noise_view(kind, z), fields.grid_points(res))
    for i in range(6):
        want = _by_hand(t.G, z, nm.layer[i], nm.index[i]).reshape(res, res)
        np.testing.assert_allclose(nm.maps[i], want, rtol=1e-12, atol=1e-12)


def test_no_g_maps_without_2d_noise_and_none_without_hidden_layers():
    assert inside.neuron_maps(Trainer({"noise_dim": 1}), "g") is None
    assert inside.neuron_maps(Trainer({"noise_dim": 3}), "g") is None
    assert inside.neuron_maps(Trainer({"d_layers": 0}), "d") is None


def test_at_most_128_units_and_the_rest_named():
    t = Trainer({"d_layers": 3, "d_units": 50})
    nm = inside.neuron_maps(t, "d", res=4)
    assert len(nm.maps) == inside.MAX_UNITS == 128
    assert list(nm.layer).count(3) == 28 and nm.index[-1] == 28
    assert "units 29-50 of layer 3" in nm.left_out and "22 units" in nm.left_out
    t = Trainer({"d_layers": 4, "d_units": 64})
    nm = inside.neuron_maps(t, "d", res=4)
    assert len(nm.maps) == 128 and set(nm.layer) == {1, 2}
    assert "layer 3, layer 4" in nm.left_out and "128 units" in nm.left_out


@pytest.mark.parametrize("settings", [{"seed": 5}, {"seed": 5, "noise_dim": 3, "batch": 225,
                                                 "loss": "wasserstein", "d_layers": 2}])
def test_every_view_of_the_panel_leaves_training_unchanged(settings):
    """Neuron maps, the probe and its line, the ideal discriminator and the gradient
    field, drawn between epochs (as the page does), change nothing training computes:
    they run the networks on their own rows, never the step's buffers or draws."""
    a, b = Trainer(settings), Trainer(settings)
    z = np.zeros((1, a.settings["noise_dim"]))
    for _ in range(30):
        a.epoch()
        inside.neuron_maps(a, "d")
        inside.neuron_maps(a, "g")
        inside.probe(a, z)
        inside.noise_line(a, z[0], z[0] + 0.5)
        inside.ideal_discriminator(a)
        inside.gradient_field(a)
        b.epoch()
    np.testing.assert_array_equal(a.D.params, b.D.params)
    np.testing.assert_array_equal(a.G.params, b.G.params)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.history.losses == b.history.losses


def test_the_probe_is_g_of_z():
    t = Trainer({"noise_dim": 3})
    t.train(30)
    z = np.array([[0.1, -0.4, 0.7], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(inside.probe(t, z), t.G.forward(z))
    np.testing.assert_array_equal(inside.probe(t, z[0]), t.generate(z[:1]))
    line_z, curve = inside.noise_line(t, z[0], z[1], n=11)
    assert line_z.shape == (11, 3)
    np.testing.assert_allclose(line_z[0], z[0]) and np.testing.assert_allclose(line_z[-1], z[1])
    np.testing.assert_array_equal(curve, t.G.forward(line_z))


@pytest.mark.parametrize("kind", ["uniform", "gaussian"])
def test_noise_from_view_inverts_noise_view(kind):
    uv = np.array([[0.2, 0.9], [0.5, 0.5], [0.0, 1.0]])
    z = inside.noise_from_view(kind, 4, uv)
    assert z.shape == (3, 4) and not z[:, 2:].any()
    np.testing.assert_allclose(fields.noise_view(kind, z), uv)


# ----- the ideal discriminator --------------------------------------------------------------
def test_ideal_is_one_half_for_equal_densities():
    rng = np.random.default_rng(0)
    p = rng.random((30, 30))
    np.testing.assert_allclose(inside.ideal_from_densities(p, p), 0.5)
    np.testing.assert_allclose(inside.ideal_from_densities(np.zeros((4, 4)), np.zeros((4, 4))), 0.5)
    np.testing.assert_array_equal(inside.ideal_from_densities(p, p, eps=0.0), 0.5)
    np.testing.assert_array_equal(inside.ideal_from_densities(p, p), 0.5)


def test_ideal_is_zero_and_one_for_disjoint_densities():
    p, q = np.zeros((30, 30)), np.zeros((30, 30))
    p[2:8, 2:8] = 1.0 / 36      # real mass only here (each histogram sums to 1)
    q[20:26, 20:26] = 1.0 / 36  # fake mass only here
    with np.errstate(invalid="ignore"):         # 0 / 0 where neither has mass
        exact = inside.ideal_from_densities(p, q, eps=0.0)
    assert (exact[2:8, 2:8] == 1.0).all() and (exact[20:26, 20:26] == 0.0).all()
    for sp, sq in ((p, q), (inside.smooth(p), inside.smooth(q))):
        d = inside.ideal_from_densities(sp, sq)
        assert (d[2:8, 2:8] > 0.99).all() and (d[20:26, 20:26] < 0.01).all()
        assert d[0, 29] == 0.5 and d[29, 0] == 0.5        # neither: nothing to tell


def test_smoothing_keeps_the_mass_away_from_the_edges():
    h = np.zeros((30, 30))
    h[15, 12] = 1.0
    s = inside.smooth(h)
    assert s.sum() == pytest.approx(1.0) and s[15, 12] == s.max()
    assert s[15, 13] == pytest.approx(s[14, 12]) and s[15, 20] == 0.0


def test_ideal_of_a_trainer_matches_its_histograms():
    t = Trainer({"preset": "ring"})
    t.train(50)
    out = inside.ideal_discriminator(t)
    assert out.ideal.shape == out.learned.shape == (30, 30)
    assert 0 <= out.ideal.min() and out.ideal.max() <= 1
    fake = metrics.histogram(t.generate(t.metric_noise))
    want = inside.ideal_from_densities(inside.smooth(inside._as_image(t.real_hist, 30)),
                                       inside.smooth(inside._as_image(fake, 30)))
    np.testing.assert_array_equal(out.ideal, want)
    # Where the fakes crowd (the start: a small cloud at the centre), D* says fake.
    centre = inside._as_image(fake, 30)
    r, c = np.unravel_index(np.argmax(centre), centre.shape)
    assert out.ideal[r, c] < 0.5
    assert out.sentence.endswith(".")


def test_the_sentence_reads_the_difference():
    w = np.ones((2, 2))
    ideal = np.array([[0.9, 0.1], [0.9, 0.1]])
    assert "no discriminator" in inside.compare(np.full((2, 2), 0.5), np.full((2, 2), 0.7), w)
    assert "close to D*" in inside.compare(ideal, ideal + 0.02, w)
    assert "less sure" in inside.compare(ideal, np.full((2, 2), 0.5), w)
    assert "surer" in inside.compare(np.array([[0.7, 0.3]] * 2), np.array([[1.0, 0.0]] * 2), w)
    assert "Wasserstein" in inside.compare(ideal, ideal, w, "wasserstein")


# ----- the gradient field -------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["log", "minimax", "least_squares", "wasserstein"])
def test_the_field_at_the_fakes_is_the_per_point_arrows(loss):
    t = Trainer({"loss": loss, "d_layers": 2})
    t.train(40)
    fr = fields.frame(t, res=10, with_manifold=False)
    np.testing.assert_allclose(inside.pull(t, fr.fake), fr.arrows, rtol=1e-10, atol=1e-12)
    # Each point's pull is its own: the same in a batch of one.
    np.testing.assert_allclose(inside.pull(t, fr.fake[3:4]), fr.arrows[3:4], rtol=1e-10, atol=1e-12)
    pts, arrows = inside.gradient_field(t)
    assert pts.shape == arrows.shape == (inside.FIELD_RES ** 2, 2)
    np.testing.assert_allclose(arrows, inside.pull(t, pts))


@pytest.mark.parametrize("g, d, noise_dim, caps", [
    ((1, 8), (1, 8), 2, {"d": 8, "g": 8}),              # all fit
    ((2, 64), (2, 64), 2, {"d": 64, "g": 64}),          # 256 units: half each
    ((1, 32), (4, 64), 2, {"d": 96, "g": 32}),          # G's few all shown, D the rest
    ((4, 64), (1, 16), 2, {"d": 16, "g": 112}),
    ((4, 64), (4, 64), 3, {"d": 128, "g": 0}),          # G's units need 2D noise
])
def test_the_panel_shows_at_most_128_units_in_all(g, d, noise_dim, caps):
    t = Trainer({"g_layers": g[0], "g_units": g[1], "d_layers": d[0], "d_units": d[1],
                 "noise_dim": noise_dim})
    assert inside.unit_caps(t) == caps and sum(caps.values()) <= inside.MAX_UNITS
    shown = [inside.neuron_maps(t, net, res=4, cap=caps[net]) for net in ("d", "g")]
    assert sum(len(m.maps) for m in shown if m is not None) == min(
        inside.MAX_UNITS, d[0] * d[1] + (g[0] * g[1] if noise_dim == 2 else 0))
