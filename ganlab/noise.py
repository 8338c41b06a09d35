"""The generator's input noise z: samples for training and a regular grid for the views.

Two kinds, both centred on 0 so a ReLU generator starts balanced:
- "gaussian": each coordinate ~ N(0, 1)
- "uniform":  each coordinate ~ U[-1, 1)

The *manifold* view pushes a regular grid of noise through the generator. The
grid's lines sit at equal-probability steps (quantiles), so every grid cell holds
the same probability mass; the density of generated points in a cell's image is
then that mass divided by the image's area. Dimensions beyond the first two are
held at 0, the median of both kinds.
"""
from __future__ import annotations

import numpy as np

COVER = 0.98  # the grid spans the central 98% of each coordinate's probability


def sample(rng: np.random.Generator, kind: str, n: int, dim: int) -> np.ndarray:
    """n noise vectors (n, dim) of the given kind."""
    if kind == "gaussian":
        return rng.standard_normal((n, dim))
    if kind == "uniform":
        # rng.uniform(-1.0, 1.0, (n, dim)) exactly (-1 + 2 r, from the same draws), in
        # a third less time in the browser, where the pools draw thousands at a time.
        z = rng.random((n, dim))
        np.multiply(z, 2.0, out=z)
        return np.subtract(z, 1.0, out=z)
    raise ValueError(f"unknown noise {kind!r}")


def quantiles(kind: str, res: int) -> np.ndarray:
    """`res` grid positions along one noise coordinate, at equal-probability steps."""
    p = np.linspace((1 - COVER) / 2, (1 + COVER) / 2, res)
    if kind == "uniform":
        return 2.0 * p - 1.0
    from statistics import NormalDist     # here, not at the top: keeps page start-up lean
    inv = NormalDist().inv_cdf
    return np.array([inv(float(q)) for q in p])


def grid(kind: str, dim: int, res: int) -> tuple[np.ndarray, float]:
    """A noise grid and the probability mass of each of its cells.

    dim 1: `res` points along a line, shape (res, 1); each segment holds mass
    COVER / (res - 1). dim >= 2: res x res points, shape (res * res, dim), row
    major (first coordinate varies slowest); each cell holds (COVER / (res - 1))^2.
    """
    q = quantiles(kind, res)
    if dim == 1:
        return q[:, None], COVER / (res - 1)
    z = np.zeros((res, res, dim))
    z[:, :, 0] = q[:, None]
    z[:, :, 1] = q[None, :]
    return z.reshape(res * res, dim), (COVER / (res - 1)) ** 2
