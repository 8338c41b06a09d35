"""How close the generated distribution is to the real one.

Three measures, each answering its own question: KL/JS (below: how different the
two distributions are, as one number), precision and recall (do the fakes look
real? do they cover the real data?), and mode coverage for the presets made of
known modes (how many modes hold a fair share of fakes that look like them).

KL and JS divergence between two histograms on a 30 x 30 grid over [0, 1]^2
(GAN Lab's grid, done right):
- each histogram is built from >= 2,000 samples (the trainer uses 2,500 fakes and
  5,000 reals);
- a point outside the square is clamped into the nearest edge cell, so no sample
  is lost;
- each histogram is normalised to sum to 1;
- logarithms are base 2, so 0 <= JS <= 1 (1 = no overlap at all);
- KL(P || Q) is infinite wherever Q is 0 but P is not, so both histograms are
  smoothed first: p <- (p + EPS) / (1 + cells * EPS) with EPS = 1e-6. JS needs no
  smoothing: its mixture M = (P + Q) / 2 is never 0 where P or Q is not.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

BINS = 30
EPS = 1e-6


def histogram(points: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Normalised (bins * bins,) histogram of (n, 2) points, edge-clamped."""
    # Clamp as floats before the cast: a blown-up generator's 1e20 (or inf) must land
    # in the edge cell, not wrap around as an integer. The cell of (x, y) is
    # floor(x) * bins + floor(y) of the scaled point, made as floats (whole numbers,
    # exact) by one product with (bins, 1): the KL/JS record runs every 10 epochs, so
    # each call here is a share of an epoch (in the browser a NumPy call costs
    # microseconds; clip is one pass where fmax and fmin were two slow ones).
    scaled = np.multiply(points, bins)
    np.clip(scaled, 0, bins - 1, out=scaled)
    np.floor(scaled, out=scaled)
    cell = scaled @ _row_col(bins)
    if not math.isfinite(cell.sum()):
        # NaN passes through clip: a NaN coordinate counts as 0 (a diverged generator).
        np.nan_to_num(scaled, copy=False, nan=0.0)
        cell = scaled @ _row_col(bins)
    counts = np.bincount(cell.astype(np.intp), minlength=bins * bins)
    return counts / len(points)


@lru_cache(maxsize=None)
def _row_col(bins: int) -> np.ndarray:
    """(bins, 1.0), made once per bin count: the histogram's cell weights."""
    return np.array([float(bins), 1.0])


def kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(P || Q) in bits, after EPS smoothing of both."""
    return Reference(p).kl(q)


def js(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence in bits: (KL(P||M) + KL(Q||M)) / 2, M = (P + Q) / 2."""
    return Reference(p).js(q)


class Reference:
    """A histogram `p` with what KL(P || Q) and JS(P, Q) need from it made once: the
    trainer's history records both every 10 epochs against the same real data."""

    def __init__(self, p: np.ndarray):
        self.p = p
        self.smoothed = (p + EPS) / (1 + p.size * EPS)
        self.nonzero = p > 0
        self.p_nonzero = p[self.nonzero]

    def kl(self, q: np.ndarray) -> float:
        """KL(P || Q) in bits, after EPS smoothing of both."""
        ps = self.smoothed
        qs = (q + EPS) / (1 + q.size * EPS)
        return float(np.sum(ps * np.log2(ps / qs)))

    def js(self, q: np.ndarray) -> float:
        """JS(P, Q) in bits, clipped to [0, 1] against rounding."""
        m = 0.5 * (self.p + q)
        total = 0.5 * float(np.sum(self.p_nonzero * np.log2(self.p_nonzero / m[self.nonzero])))
        nz = q > 0
        q_nz = q[nz]
        total += 0.5 * float(np.sum(q_nz * np.log2(q_nz / m[nz])))
        return min(max(total, 0.0), 1.0)

    def kl_js(self, q: np.ndarray) -> tuple[float, float]:
        """(kl(p, q), js(p, q))."""
        return self.kl(q), self.js(q)


def mode_coverage(fake: np.ndarray, modes, share: float = 0.25, within: float = 3.0,
                  spread: float = 1.75) -> dict:
    """How many of a mixture's modes the fakes cover.

    Each fake is assigned to its nearest mode (distance measured in that mode's
    standard deviations) if it lies within `within` sds. A mode is covered when
    - it holds at least `share` of a fair share of the fakes (len(fake) / modes), and
    - the fakes it holds look like it: their root-mean-square distance from its
      centre is at most `spread` sds. (Fakes drawn from the mode itself: 1.38; a
      cloud only grazing the mode, as at epoch 0, or spread evenly over its
      3-sd disc: 2.1 and more.)
    Returns {"covered", "held", "modes", "in_modes"}: modes covered, modes holding
    a fair share (alike or not), total modes, and the fraction of fakes that
    landed within `within` sds of some mode.
    """
    fake = np.nan_to_num(np.asarray(fake, dtype=float), nan=1e6, posinf=1e6, neginf=-1e6)
    d = (fake[:, None, :] - modes.centres[None]) / modes.sds[None]
    sq = (d * d).sum(axis=2)
    nearest = sq.argmin(axis=1)
    sq_near = sq[np.arange(len(fake)), nearest]
    inside = sq_near <= within * within
    n_modes = len(modes.centres)
    counts = np.bincount(nearest[inside], minlength=n_modes)
    sums = np.bincount(nearest[inside], weights=sq_near[inside], minlength=n_modes)
    rms = np.sqrt(sums / np.maximum(counts, 1))
    held = counts >= share * len(fake) / n_modes
    return {"covered": int((held & (rms <= spread)).sum()),
            "held": int(held.sum()),
            "modes": n_modes,
            "in_modes": float(inside.mean())}


GOOD = 0.75       # precision or recall at or above this reads as "good" in the verdict


def verdict(precision: float | None, recall: float | None, modes: dict | None = None) -> str:
    """One sentence a learner understands from precision, recall and mode coverage:
    "96 % of fakes look real; they cover 40 % of the real data: modes are missing"."""
    if precision is None or recall is None:
        return "No measurement: training diverged."
    p, r = round(100 * precision), round(100 * recall)
    text = f"{p} % of fakes look real; they cover {r} % of the real data: "
    missing = modes is not None and modes["covered"] < modes["modes"]
    if precision >= GOOD and recall >= GOOD and not missing:
        text += "a close match"
    elif precision >= GOOD:
        # "modes are missing" only when a mode is: with every mode covered, what the
        # fakes miss is part of each mode (they sit too tightly).
        text += "modes are missing" if missing else "parts of the data are missing"
    elif recall >= GOOD:
        text += "many fakes fall off the data"
    else:
        text += "the fakes are off the data and miss much of it"
    if modes is not None:
        text += f" ({modes['covered']} of {modes['modes']} modes covered)"
    return text


# ----- precision and recall (Kynkäänniemi et al. 2019) ----------------------------------------
K = 3             # the k of the k-nearest-neighbour radii (the paper's choice)
PR_POINTS = 150   # reals and fakes behind precision and recall (cost grows as its square)


def knn_radii(points: np.ndarray, k: int = K) -> np.ndarray:
    """Each point's squared distance to its k-th nearest other point: the squared
    radius of its ball in the manifold estimate."""
    d = _sq_dist(points, points, scratch=True)
    # Column 0 of the sorted distances is the point itself (0): the k-th neighbour is
    # column k. Partitioned in place: the table is scratch space.
    d.partition(k, axis=1)
    return d[:, k].copy()


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = K,
                     real_radii: np.ndarray | None = None) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019) of fakes against reals.

    Each set's manifold is estimated as the union of balls around its points, each
    ball reaching to that point's k-th nearest neighbour in its own set.
    precision = the share of fakes inside the reals' manifold ("the fakes look real");
    recall    = the share of reals inside the fakes' manifold ("the fakes cover the data").
    `real_radii` (from knn_radii(real)) may be passed when the reals are fixed.
    Cost: two or three (n x m) distance tables, in reused scratch space; a few hundred
    points each is a fraction of a millisecond.
    """
    fake = np.nan_to_num(np.asarray(fake, dtype=float), nan=1e6, posinf=1e6, neginf=-1e6)
    rr = knn_radii(real, k) if real_radii is None else real_radii
    rf = knn_radii(fake, k)
    d = _sq_dist(real, fake, scratch=True)                  # (reals, fakes)
    precision = float((d <= rr[:, None]).any(axis=0).mean())
    recall = float((d <= rf[None, :]).any(axis=1).mean())
    return precision, recall


# Scratch tables for the distances, kept between calls: a fresh table of a few hundred
# squared is big enough that the system hands out new memory pages for each one, which
# costs several times the arithmetic (measured: 0.4 ms against 0.05 ms at 150 x 150).
_SCRATCH: dict[tuple[int, int], np.ndarray] = {}


def _sq_dist(a: np.ndarray, b: np.ndarray, scratch: bool = False) -> np.ndarray:
    """Squared Euclidean distances between the rows of a and of b, (len(a), len(b)).
    `scratch`: written into a reused table (_SCRATCH), valid until the next call
    with the same shape, so the caller must be done with it (or copy) by then."""
    shape = (len(a), len(b))
    if not scratch:
        work = np.empty((2, *shape))
    else:
        work = _SCRATCH.get(shape)
        if work is None:
            work = _SCRATCH[shape] = np.empty((2, *shape))
            if len(_SCRATCH) > 8:           # a few shapes in use at a time
                _SCRATCH.pop(next(iter(_SCRATCH)))
    dx, dy = work[0], work[1]
    np.subtract(a[:, 0:1], b[:, 0], out=dx)
    np.subtract(a[:, 1:2], b[:, 1], out=dy)
    np.multiply(dx, dx, out=dx)
    np.multiply(dy, dy, out=dy)
    np.add(dx, dy, out=dx)
    return dx
