"""How numbers become marks that teach: the gradient lines' length, the charts'
smoothing and their y range. Pure NumPy, so every choice here is tested under CPython;
the page's painter (static/) only places what these functions return.

- `arrow_offsets`: a gradient -dL_G/dx becomes a line drawn from the fake point x.
  Its direction is the gradient's; its length grows with the *logarithm* of the
  gradient's size, so a pull ten times weaker (minimax against the non-saturating
  loss, where D is sure) still shows, shorter, and a strong one does not cover the
  view: length = ARROW_LOG * ln(1 + |g| / ARROW_G0), at most ARROW_MAX (in units of
  the view's side).
- `smooth`: an exponential moving average of a chart's series, whose span is about
  1/40 of the points seen so far, so the trend shows through the noise at any length.
- `y_range`: the y range a chart draws a series on: from 0 (or below, for negative
  values) up to its highest value, with a little room above, except for spikes (a
  few early values far above the rest, which would flatten it: they go off the top).
"""
from __future__ import annotations

import math

import numpy as np

ARROW_LOG = 0.025       # length per unit of ln(1 + |g| / ARROW_G0)
ARROW_G0 = 0.5          # the gradient size at which the log scale bends
ARROW_MAX = 0.15        # the longest line: 15% of the view's side
ARROW_MIN_GRAD = 1e-9   # a smaller gradient draws no line

SMOOTH_SPAN = 40        # the average spans 1/SMOOTH_SPAN of the series
TOP_QUANTILE = 98       # the percentile that sets the top...
SPIKE = 1.5             # ...and a value higher than SPIKE times it (from the bottom) is a spike
HEAD_ROOM = 0.05        # room above the range's top, as a share of its height


def arrow_length(size: np.ndarray) -> np.ndarray:
    """The drawn length for gradients of size `size` (>= 0): ARROW_LOG * ln(1 + size / ARROW_G0),
    capped at ARROW_MAX; 0 where the size is tiny or not a finite number."""
    size = np.asarray(size, dtype=float)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(size) & (size > ARROW_MIN_GRAD)
    length = np.minimum(ARROW_MAX, ARROW_LOG * np.log1p(np.where(keep, size, 0.0) / ARROW_G0))
    return np.where(keep, length, 0.0)


def arrow_offsets(grad: np.ndarray) -> np.ndarray:
    """For gradients `grad` (m, 2), the offsets (m, 2) from each point to its line's end:
    the gradient's direction, `arrow_length` of its size. A zero (or non-finite)
    gradient gives a zero offset, which draws nothing."""
    grad = np.asarray(grad, dtype=float)
    size = np.hypot(grad[:, 0], grad[:, 1])
    length = arrow_length(size)
    drawn = length > 0
    scale = length / np.where(drawn, size, 1.0)
    return np.where(drawn[:, None], grad, 0.0) * scale[:, None]


def smooth(values, first: int = 0, last: float = math.nan) -> tuple[np.ndarray, float]:
    """The smoothed series of `values`, and the average after the last value.

    An exponential moving average whose weight on the newest value is
    alpha_i = min(1, 2 / (i / SMOOTH_SPAN + 1)) for the value at index i of the whole
    series (so the average spans about i / SMOOTH_SPAN values: 1/40 of what came
    before). `first` is the index of values[0] in the whole series and `last` the
    average just before it (NaN: none yet), so a series can be smoothed in pieces as
    its rows arrive, with the same result as all at once.

    A missing value (NaN or inf) has no smoothed value (NaN) and leaves the average
    as it was: after a gap the average goes on from where it stopped.
    """
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), math.nan)
    ema = last
    for j, y in enumerate(values.tolist()):
        if not math.isfinite(y):
            continue
        alpha = min(1.0, 2.0 / ((first + j) / SMOOTH_SPAN + 1.0))
        ema = y if not math.isfinite(ema) else ema + alpha * (y - ema)
        out[j] = ema
    return out, ema


def y_range(*series) -> tuple[float, float] | None:
    """The (low, high) y range to draw `series` on one scale; None with no finite value.

    low is min(0, smallest value): a loss or a divergence is read against zero.
    high is the highest value that is not a spike, plus HEAD_ROOM of the range above
    it. A spike is a value more than SPIKE times as far above `low` as the 98th
    percentile of all values: a few of those, early in training, go off the top
    instead of flattening the rest. A flat series gets a range of 1.
    """
    vals = np.concatenate([np.ravel(np.asarray(s, dtype=float)) for s in series]) if series else np.empty(0)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return None
    vals.sort()
    low = min(0.0, float(vals[0]))
    # The percentile, interpolated between neighbours (np.percentile's default), by hand:
    # np.percentile costs ~50 times more in the page, every frame.
    at = (vals.size - 1) * TOP_QUANTILE / 100
    below = int(at)
    top = float(vals[below] + (vals[min(below + 1, vals.size - 1)] - vals[below]) * (at - below))
    high = float(vals[np.searchsorted(vals, low + SPIKE * (top - low), side="right") - 1])
    if not high > low:
        return low, low + 1.0
    return low, high + HEAD_ROOM * (high - low)
