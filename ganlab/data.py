"""Training data: preset 2D distributions and custom point sets, all in the unit square.

The first four presets use GAN Lab's exact formulas (r ~ U(0,1), N(m, sd^2) a
Gaussian):

- line:      x = 0.8 - 0.75 r, y = 0.6 + 0.3 r, plus N(0, 0.01^2) per axis
- gaussians: a 50/50 mix of N((0.3, 0.7), 0.1^2) and N((0.7, 0.4), diag(0.05^2, 0.2^2))
- ring:      an ellipse centred (0.5, 0.45), radii 0.3 (x) and 0.25 (y), noise sd 0.025
- disjoint:  3 equal clusters at (0.35, 0.75), (0.75, 0.6), (0.45, 0.35), sd 0.025

and four harder ones: a spiral, eight gaussians on a ring, a 5x5 grid of
gaussians, and two moons. A custom point set (drawn or imported) is sampled by
picking one of its points at random and adding N(0, jitter^2) per axis.
A sample that falls outside [0, 1]^2 is reflected back in at the edge (`fold`), so
the data lives in the square without piling up on its border.
"""
from __future__ import annotations

import math

import numpy as np

from . import files
from .textnum import number

MAX_POINTS = 100_000
MAX_CSV_BYTES = 50 * files.MB


class DataError(ValueError):
    """A point set (drawing or CSV) that cannot be used, with the reason."""


def random_rows(rng: np.random.Generator, count: int, n: int) -> np.ndarray:
    """n random row numbers in [0, count), for arr.take(rows, axis=0) (the same rows as
    arr[rows], about 10x faster). Drawn as int64 on every platform, so the stream is
    the same under CPython and in the 32-bit browser, then cast to the platform's
    index type, which take() requires."""
    return rng.integers(0, count, n).astype(np.intp, copy=False)


class Mixture:
    """A mix of axis-aligned Gaussians with equal weights: its modes are known."""

    def __init__(self, centres, sds):
        self.centres = np.asarray(centres, dtype=float)
        self.sds = np.broadcast_to(np.asarray(sds, dtype=float), self.centres.shape).copy()

    def __call__(self, rng: np.random.Generator, n: int) -> np.ndarray:
        k = random_rows(rng, len(self.centres), n)
        return self.centres.take(k, axis=0) + rng.standard_normal((n, 2)) * self.sds.take(k, axis=0)


def _line(rng, n):
    r = rng.random(n)
    pts = np.stack([0.8 - 0.75 * r, 0.6 + 0.3 * r], axis=1)
    return pts + rng.standard_normal((n, 2)) * 0.01


def _ring(rng, n):
    a = rng.random(n) * 2 * math.pi
    pts = np.stack([0.5 + 0.3 * np.cos(a), 0.45 + 0.25 * np.sin(a)], axis=1)
    return pts + rng.standard_normal((n, 2)) * 0.025


def _spiral(rng, n):
    # One and a half turns, the radius growing from 0.05 to 0.4 about the centre.
    t = rng.random(n)
    r, a = 0.05 + 0.35 * t, 3 * math.pi * t
    pts = np.stack([0.5 + r * np.cos(a), 0.5 + r * np.sin(a)], axis=1)
    return pts + rng.standard_normal((n, 2)) * 0.012


def _moons(rng, n):
    # scikit-learn's two moons (x in [-1, 2], y in [-0.5, 1]) scaled into the square.
    a = rng.random(n) * math.pi
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(a), 1.0 - np.cos(a))
    y = np.where(upper, np.sin(a), 0.5 - np.sin(a))
    scale = 0.8 / 3.0
    pts = np.stack([0.1 + scale * (x + 1.0), 0.5 + scale * (y - 0.25)], axis=1)
    return pts + rng.standard_normal((n, 2)) * 0.015


_ANGLES = np.arange(8) * (2 * math.pi / 8)
_GRID = np.linspace(0.1, 0.9, 5)

PRESETS = {
    "gaussians": Mixture([(0.3, 0.7), (0.7, 0.4)], [(0.1, 0.1), (0.05, 0.2)]),
    "line": _line,
    "ring": _ring,
    "disjoint": Mixture([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)], 0.025),
    "spiral": _spiral,
    "eight_gaussians": Mixture(np.stack([0.5 + 0.35 * np.cos(_ANGLES),
                                         0.5 + 0.35 * np.sin(_ANGLES)], axis=1), 0.02),
    "grid": Mixture([(x, y) for x in _GRID for y in _GRID], 0.02),
    "moons": _moons,
}


def modes(preset: str) -> Mixture | None:
    """The preset's modes (centres and spreads) if it is a mixture, else None."""
    sampler = PRESETS.get(preset)
    return sampler if isinstance(sampler, Mixture) else None


def sample(preset: str, rng: np.random.Generator, n: int, points=None,
           jitter: float = 0.02) -> np.ndarray:
    """Draw n samples (n, 2) of the data: a preset, or `points` with jitter."""
    if preset == "points":
        if points is None:
            raise DataError("no point set: draw or import points first")
        out = (points.take(random_rows(rng, len(points), n), axis=0)
               + rng.standard_normal((n, 2)) * jitter)
    else:
        out = PRESETS[preset](rng, n)
    return fold(out)


def fold(x: np.ndarray) -> np.ndarray:
    """Reflect values that fell outside [0, 1] back inside, in place (-0.1 -> 0.1, 1.1 -> 0.9).

    Unlike clipping, this piles no mass onto the edges: the density stays smooth.
    Values already inside are left exactly as they are. (Anything more than a
    whole square outside, which no data set here produces, ends on the edge.)
    """
    np.abs(x, out=x)
    np.subtract(2.0, x, out=x, where=x > 1.0)
    return np.clip(x, 0.0, 1.0, out=x)


def check_points(points) -> np.ndarray:
    """Return `points` as a float (n, 2) array, or raise DataError saying what is wrong."""
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise DataError("points must be pairs of numbers x, y") from None
    if arr.size == 0:
        raise DataError("the point set is empty: draw or import at least one point")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise DataError("points must be pairs of numbers x, y")
    if len(arr) > MAX_POINTS:
        raise DataError(f"too many points: {len(arr)} (at most {MAX_POINTS:,})")
    bad = ~(np.isfinite(arr).all(axis=1) & ((arr >= 0) & (arr <= 1)).all(axis=1))
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(f"point {i + 1} is {tuple(arr[i].tolist())}: every x and y must be "
                        "a finite number between 0 and 1")
    return np.ascontiguousarray(arr)


def parse_csv(text: str) -> np.ndarray:
    """Parse CSV text with two columns x, y (header optional) into an (n, 2) array.

    Every value must be a plain number (decimal or scientific notation) in [0, 1];
    1 to 100,000 rows. A problem raises DataError naming the line, e.g.
    "line 3: 'abc' is not a number".
    """
    rows = []
    first = True
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) == 1:
            sep = next((c for c in ";\t |" if c in line.strip()), None)
            if sep is not None:
                shown = {"\t": "tabs", " ": "spaces"}.get(sep, repr(sep))
                raise DataError(f"line {lineno}: expected comma-separated x,y; this line "
                                f"is separated by {shown}")
        if first:
            first = False
            if len(cells) == 2 and not any(_numeric(c) for c in cells):
                continue        # a header such as "x,y"
        if len(cells) != 2:
            raise DataError(f"line {lineno}: expected 2 columns x,y, found {len(cells)}")
        pair = []
        for cell in cells:
            try:
                v = number(cell)
            except ValueError:
                raise DataError(f"line {lineno}: {_cell(cell)} is not a number") from None
            if not math.isfinite(v) or not 0.0 <= v <= 1.0:
                raise DataError(f"line {lineno}: {_cell(cell, quote=False)} is outside [0, 1] "
                                "(every x and y must be between 0 and 1)")
            pair.append(v)
        rows.append(pair)
        if len(rows) > MAX_POINTS:
            raise DataError(f"line {lineno}: too many rows (at most {MAX_POINTS:,})")
    if not rows:
        raise DataError("no data rows: the file needs at least one line x,y")
    return np.array(rows, dtype=float)


def read_csv(path: str) -> np.ndarray:
    """Read a CSV file of points; DataError (with the file name) if unusable."""
    try:
        text = files.read_text(path, MAX_CSV_BYTES, "a point set")
    except files.FileProblem as err:
        raise DataError(str(err)) from None
    try:
        return parse_csv(text)
    except DataError as err:
        raise DataError(f"{path}: {err}") from None


def to_csv(points: np.ndarray) -> str:
    """CSV text with header x,y; floats written so they read back exactly."""
    return "x,y\n" + "".join(f"{x!r},{y!r}\n" for x, y in points.tolist())


def _numeric(cell: str) -> bool:
    try:
        number(cell)
        return True
    except ValueError:
        return False


def _cell(cell: str, quote: bool = True) -> str:
    """A cell for a message: cut to 40 characters, quoted unless `quote` is false."""
    cell = cell if len(cell) <= 40 else cell[:39] + "…"
    return repr(cell) if quote else cell
