"""ganlab.noise: training noise samples and the manifold view's quantile grid."""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from ganlab import noise
from ganlab.state import NOISES


@pytest.mark.parametrize("kind", NOISES)
@pytest.mark.parametrize("dim", [1, 2, 5])
def test_sample_shape(kind, dim):
    z = noise.sample(np.random.default_rng(0), kind, 17, dim)
    assert z.shape == (17, dim) and z.dtype == np.float64


def test_gaussian_and_uniform_statistics():
    rng = np.random.default_rng(1)
    g = noise.sample(rng, "gaussian", 200_000, 2)
    assert np.abs(g.mean(axis=0)).max() < 0.01
    assert np.abs(g.std(axis=0) - 1).max() < 0.01
    u = noise.sample(rng, "uniform", 200_000, 2)
    assert u.min() >= -1.0 and u.max() < 1.0
    assert np.abs(u.mean(axis=0)).max() < 0.01
    assert np.abs(u.std(axis=0) - np.sqrt(1 / 3)).max() < 0.01


def test_same_rng_same_noise():
    a = noise.sample(np.random.default_rng(5), "gaussian", 10, 3)
    b = noise.sample(np.random.default_rng(5), "gaussian", 10, 3)
    np.testing.assert_array_equal(a, b)


def test_unknown_noise_raises():
    with pytest.raises(ValueError, match="unknown noise"):
        noise.sample(np.random.default_rng(0), "cauchy", 3, 2)


def test_quantiles():
    lo, hi = (1 - noise.COVER) / 2, (1 + noise.COVER) / 2
    u = noise.quantiles("uniform", 5)
    np.testing.assert_allclose(u, np.linspace(2 * lo - 1, 2 * hi - 1, 5))
    g = noise.quantiles("gaussian", 21)
    assert g.shape == (21,)
    assert np.all(np.diff(g) > 0)
    np.testing.assert_allclose(g, -g[::-1], atol=1e-12)            # symmetric about 0
    assert g[10] == pytest.approx(0.0, abs=1e-12)
    assert g[-1] == pytest.approx(NormalDist().inv_cdf(hi))
    # Equal-probability steps: the CDF of consecutive positions differs by a constant.
    cdf = np.array([NormalDist().cdf(v) for v in g])
    np.testing.assert_allclose(np.diff(cdf), noise.COVER / 20, rtol=1e-9)


@pytest.mark.parametrize("kind", NOISES)
def test_grid_1d(kind):
    z, mass = noise.grid(kind, 1, 11)
    assert z.shape == (11, 1)
    assert mass == pytest.approx(noise.COVER / 10)


@pytest.mark.parametrize("kind", NOISES)
@pytest.mark.parametrize("dim", [2, 4])
def test_grid_2d_and_more(kind, dim):
    res = 7
    z, mass = noise.grid(kind, dim, res)
    q = noise.quantiles(kind, res)
    assert z.shape == (res * res, dim)
    assert mass == pytest.approx((noise.COVER / (res - 1)) ** 2)
    grid = z.reshape(res, res, dim)
    np.testing.assert_array_equal(grid[:, 0, 0], q)     # first coordinate varies slowest
    np.testing.assert_array_equal(grid[0, :, 1], q)
    np.testing.assert_array_equal(z[:, 2:], 0.0)        # extra dimensions at the median


@pytest.mark.parametrize("n, dim", [(1, 1), (7, 2), (4096, 2), (2500, 5)])
def test_uniform_noise_is_numpys_uniform_exactly(n, dim):
    # noise.sample makes U[-1, 1) as -1 + 2 r itself (faster in the browser); it must
    # be rng.uniform(-1, 1) bit for bit, from the same draws, or every run would change.
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(noise.sample(a, "uniform", n, dim), b.uniform(-1.0, 1.0, (n, dim)))
    assert a.bit_generator.state == b.bit_generator.state
