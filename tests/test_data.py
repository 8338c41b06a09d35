"""ganlab.data: presets, Mixture, fold, check_points, CSV parsing and reading."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import data
from ganlab.data import DataError, check_points, parse_csv, read_csv
from ganlab.state import PRESETS


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(0)
    return {p: data.sample(p, rng, 100_000) for p in PRESETS}


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_samples_are_inside_the_unit_square(preset, samples):
    x = samples[preset]
    assert x.shape == (100_000, 2) and x.dtype == np.float64
    assert np.isfinite(x).all()
    assert x.min() >= 0.0 and x.max() <= 1.0


# GAN Lab's formulas (see the data module docstring) give these means.
@pytest.mark.parametrize("preset, mean", [
    ("gaussians", (0.5, 0.55)),                         # mix of (0.3, 0.7) and (0.7, 0.4)
    ("line", (0.8 - 0.75 / 2, 0.6 + 0.3 / 2)),          # r ~ U(0,1): E[r] = 1/2
    ("ring", (0.5, 0.45)),                              # the ellipse's centre
    ("disjoint", ((0.35 + 0.75 + 0.45) / 3, (0.75 + 0.6 + 0.35) / 3)),
])
def test_gan_lab_presets_have_the_documented_means(preset, mean, samples):
    np.testing.assert_allclose(samples[preset].mean(axis=0), mean, atol=0.006)


def test_gaussians_components_have_the_documented_spread():
    m = data.modes("gaussians")
    np.testing.assert_array_equal(m.centres, [(0.3, 0.7), (0.7, 0.4)])
    np.testing.assert_array_equal(m.sds, [(0.1, 0.1), (0.05, 0.2)])
    x = m(np.random.default_rng(1), 200_000)          # before folding
    left = x[x[:, 0] < 0.5]
    assert left.std(axis=0)[1] == pytest.approx(0.1, rel=0.05)


def test_line_points_lie_on_the_documented_segment(samples):
    x = samples["line"]
    r = (0.8 - x[:, 0]) / 0.75
    resid = x[:, 1] - (0.6 + 0.3 * r)
    assert np.abs(resid).mean() < 0.02
    assert x[:, 0].min() > 0.8 - 0.75 - 0.06 and x[:, 0].max() < 0.8 + 0.06


def test_ring_points_lie_on_the_documented_ellipse(samples):
    x = samples["ring"]
    rho = np.hypot((x[:, 0] - 0.5) / 0.3, (x[:, 1] - 0.45) / 0.25)
    assert np.median(rho) == pytest.approx(1.0, abs=0.02)


def test_disjoint_clusters(samples):
    m = data.modes("disjoint")
    np.testing.assert_array_equal(m.centres, [(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)])
    np.testing.assert_array_equal(m.sds, 0.025)
    d = np.linalg.norm(samples["disjoint"][:, None] - m.centres[None], axis=2).min(axis=1)
    assert np.mean(d < 4 * 0.025) > 0.99


@pytest.mark.parametrize("preset, k", [("gaussians", 2), ("disjoint", 3),
                                       ("eight_gaussians", 8), ("grid", 25)])
def test_mixture_modes(preset, k):
    m = data.modes(preset)
    assert isinstance(m, data.Mixture) and len(m.centres) == k
    assert m.sds.shape == m.centres.shape
    assert ((m.centres > 0) & (m.centres < 1)).all()


@pytest.mark.parametrize("preset", ["line", "ring", "spiral", "moons"])
def test_non_mixture_presets_have_no_modes(preset):
    assert data.modes(preset) is None
    assert data.modes("points") is None


def test_mixture_picks_modes_equally():
    m = data.Mixture([(0.2, 0.2), (0.8, 0.8)], 0.01)
    x = m(np.random.default_rng(2), 20_000)
    assert np.mean(x[:, 0] < 0.5) == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("preset", PRESETS)
def test_same_rng_same_samples(preset):
    a = data.sample(preset, np.random.default_rng(3), 50)
    b = data.sample(preset, np.random.default_rng(3), 50)
    np.testing.assert_array_equal(a, b)


def test_point_set_sampling():
    pts = np.array([[0.1, 0.2], [0.9, 0.8]])
    x = data.sample("points", np.random.default_rng(4), 1000, pts, jitter=0.0)
    # With no jitter every sample is exactly one of the points (fold leaves them alone).
    d = np.abs(x[:, None, :] - pts[None]).max(axis=2).min(axis=1)
    assert d.max() == 0.0
    assert np.mean(x[:, 0] < 0.5) == pytest.approx(0.5, abs=0.06)
    y = data.sample("points", np.random.default_rng(4), 20_000, pts, jitter=0.02)
    near = y[np.linalg.norm(y - pts[0], axis=1) < 0.2]
    assert near.std(axis=0) == pytest.approx([0.02, 0.02], rel=0.05)
    with pytest.raises(DataError, match="no point set"):
        data.sample("points", np.random.default_rng(4), 10)


def test_fold_reflects_into_the_square_in_place():
    x = np.array([-0.1, 1.1, 0.3, 0.0, 1.0, -0.999])
    out = data.fold(x)
    assert out is x
    np.testing.assert_allclose(x, [0.1, 0.9, 0.3, 0.0, 1.0, 0.999], atol=1e-15)


def test_fold_leaves_points_inside_the_square_bit_identical():
    x = np.random.default_rng(0).random(10_000)
    np.testing.assert_array_equal(data.fold(x.copy()), x)


# ----- check_points -------------------------------------------------------------------------
def test_check_points_accepts_pairs():
    out = check_points([(0, 0), (1, 1), (0.5, 0.25)])
    assert out.dtype == np.float64 and out.shape == (3, 2) and out.flags.c_contiguous
    np.testing.assert_array_equal(out, [[0, 0], [1, 1], [0.5, 0.25]])


@pytest.mark.parametrize("points, match", [
    ([], "the point set is empty"),
    (np.zeros((0, 2)), "the point set is empty"),
    ([0.1, 0.2, 0.3], "pairs of numbers"),
    ([[0.1, 0.2, 0.3]], "pairs of numbers"),
    ([["a", "b"]], "pairs of numbers"),
    ([[0.1], [0.2, 0.3]], "pairs of numbers"),
    ([[0.1, 0.2], [1.5, 0.2]], r"point 2 is \(1.5, 0.2\)"),
    ([[0.1, -0.01]], "point 1 is"),
    ([[0.1, 0.2], [0.3, 0.4], [float("nan"), 0.5]], "point 3 is"),
    ([[float("inf"), 0.5]], "finite number between 0 and 1"),
    (np.full((100_001, 2), 0.5), "too many points: 100001"),
])
def test_check_points_rejects(points, match):
    with pytest.raises(DataError, match=match):
        check_points(points)


def test_check_points_limit_is_inclusive():
    assert len(check_points(np.full((data.MAX_POINTS, 2), 0.5))) == 100_000


# ----- CSV -------------------------------------------------------------------------------
def test_parse_csv_with_and_without_header_and_blank_lines():
    expected = [[0.1, 0.2], [0.3, 0.4]]
    np.testing.assert_array_equal(parse_csv("x,y\n0.1,0.2\n0.3,0.4\n"), expected)
    np.testing.assert_array_equal(parse_csv("0.1,0.2\n0.3,0.4"), expected)
    np.testing.assert_array_equal(parse_csv("\n\n x , y \n\n0.1, 0.2\n\n  0.3 ,0.4  \n\n"), expected)
    np.testing.assert_array_equal(parse_csv("# drawn by hand\nx,y\r\n0.1,0.2\r\n0.3,0.4\r\n"), expected)
    np.testing.assert_array_equal(parse_csv("0,1\n1,0\n"), [[0, 1], [1, 0]])


@pytest.mark.parametrize("text, message", [
    ("x,y\n0.1,0.2\nabc,0.3\n", "line 3: 'abc' is not a number"),
    ("x,y\n0.1,0.2\n0.3,1.5\n", "line 3: 1.5 is outside [0, 1]"),
    ("0.1,0.2\n\n-0.2,0.3\n", "line 3: -0.2 is outside [0, 1]"),
    ("x,y\n0.1,0.2\nnan,0.3\n", "line 3: 'nan' is not a number"),
    ("x,y\n0.1,0.2\n0.3,inf\n", "line 3: 'inf' is not a number"),
    ("x,y\n0.1,0.2\n0.3,1e999\n", "line 3: 1e999 is outside [0, 1]"),
    ("x,y\n0_5,0.2\n", "line 2: '0_5' is not a number"),
    ("x,y\n0.5,\u0660.\u0661\n", "line 2: '٠.١' is not a number"),
    ("0.1;0.2\n0.3;0.4\n", "line 1: expected comma-separated x,y; this line is separated by ';'"),
    ("x;y\n0.1;0.2\n", "line 1: expected comma-separated x,y; this line is separated by ';'"),
    ("x,y\n0.1\t0.2\n", "line 2: expected comma-separated x,y; this line is separated by tabs"),
    ("x,y\n0.1,0.2\n0.3,0.4,0.5\n", "line 3: expected 2 columns x,y, found 3"),
    ("x,y\n0.1,0.2\n0.3\n", "line 3: expected 2 columns x,y, found 1"),
    ("0.5,abc\n", "line 1: 'abc' is not a number"),
    ("x,y\n0.1,\n", "line 2: '' is not a number"),
])
def test_parse_csv_errors_name_the_line(text, message):
    with pytest.raises(DataError) as err:
        parse_csv(text)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("text", ["", "\n\n", "x,y\n", "# nothing\n\n"])
def test_parse_csv_empty(text):
    with pytest.raises(DataError, match="no data rows"):
        parse_csv(text)


def test_parse_csv_row_limit():
    ok = "x,y\n" + "0.5,0.5\n" * data.MAX_POINTS
    assert len(parse_csv(ok)) == 100_000
    with pytest.raises(DataError) as err:
        parse_csv(ok + "0.5,0.5\n")
    assert str(err.value) == "line 100002: too many rows (at most 100,000)"


def test_csv_round_trip_is_exact():
    pts = np.random.default_rng(5).random((50, 2))
    text = data.to_csv(pts)
    assert text.startswith("x,y\n")
    np.testing.assert_array_equal(parse_csv(text), pts)


def test_read_csv(tmp_path):
    f = tmp_path / "pts.csv"
    f.write_text("\ufeffx,y\n0.25,0.75\n", encoding="utf-8")     # a BOM is fine
    np.testing.assert_array_equal(read_csv(str(f)), [[0.25, 0.75]])


def test_read_csv_errors_name_the_file(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(DataError) as err:
        read_csv(str(missing))
    assert str(err.value).startswith(f"cannot read {missing}: no such file")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n0.1,0.2\n0.1,7\n")
    with pytest.raises(DataError) as err:
        read_csv(str(bad))
    assert str(err.value).startswith(f"{bad}: line 3: 7 is outside")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataError, match="cannot read"):
        read_csv(str(binary))
    with pytest.raises(DataError, match="cannot read"):
        read_csv(str(tmp_path))
