"""How close the generated distribution is to the real one.

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

import numpy as np

BINS = 30
EPS = 1e-6


def histogram(points: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Normalised (bins * bins,) histogram of (n, 2) points, edge-clamped."""
    # Clamp as floats before the cast: a blown-up generator's 1e20 (or inf) must
    # land in the edge cell, not wrap around as an integer. NaN counts as 0.
    scaled = np.nan_to_num(points * bins, nan=0.0)
    np.clip(scaled, 0, bins - 1, out=scaled)
    idx = scaled.astype(np.intp)
    counts = np.bincount(idx[:, 0] * bins + idx[:, 1], minlength=bins * bins)
    return counts / counts.sum()


def kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(P || Q) in bits, after EPS smoothing of both."""
    ps = (p + EPS) / (1 + p.size * EPS)
    qs = (q + EPS) / (1 + q.size * EPS)
    return float(np.sum(ps * np.log2(ps / qs)))


def js(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence in bits: (KL(P||M) + KL(Q||M)) / 2, M = (P + Q) / 2."""
    m = 0.5 * (p + q)
    total = 0.0
    for a in (p, q):
        nz = a > 0
        total += 0.5 * float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))
    return min(max(total, 0.0), 1.0)


def mode_coverage(fake: np.ndarray, modes, share: float = 0.25, within: float = 3.0) -> dict:
    """How many of a mixture's modes the fakes cover.

    Each fake is assigned to its nearest mode (distance measured in that mode's
    standard deviations) if it lies within `within` sds. A mode is covered when it
    holds at least `share` of a fair share (len(fake) / modes). Returns
    {"covered", "modes", "in_modes"}: covered modes, total modes, and the fraction
    of fakes that landed in some mode.
    """
    d = (fake[:, None, :] - modes.centres[None]) / modes.sds[None]
    dist = np.sqrt((d * d).sum(axis=2))
    nearest = dist.argmin(axis=1)
    inside = dist[np.arange(len(fake)), nearest] <= within
    counts = np.bincount(nearest[inside], minlength=len(modes.centres))
    fair = len(fake) / len(modes.centres)
    return {"covered": int((counts >= share * fair).sum()),
            "modes": len(modes.centres),
            "in_modes": float(inside.mean())}
