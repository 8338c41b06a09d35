"""Arrays in, pixels out: hands each frame to the page's painter (static/paint.js).

Every layer of a frame goes to JavaScript in ONE float64 buffer and one call, so a
frame costs a single Python -> JS crossing whatever the number of points; the
painter reads the buffer in place (PyProxy.getBuffer) and releases it.
"""
from __future__ import annotations

import numpy as np

from .. import fields

FLAGS = {"heat": 1, "real": 2, "fake": 4, "manifold": 8, "grad": 16, "pred": 32}


def pack(fr: fields.Frame) -> np.ndarray:
    """The frame's arrays end to end, in the order the painter expects."""
    parts = [fr.heat, fr.real, fr.fake, fr.d_real, fr.d_fake, fr.arrows]
    if fr.manifold is not None:
        parts += [fr.manifold, fr.shade]
    return np.concatenate([np.ravel(p) for p in parts])


def draw(view, fr: fields.Frame, flags: int, noise_dim: int) -> None:
    """Paint frame `fr` with the layers in `flags` (a sum of FLAGS values)."""
    k = 0 if fr.manifold is None else len(fr.manifold)
    view.frame(pack(fr), fr.heat.shape[0], len(fr.real), len(fr.fake), k,
               noise_dim == 1, flags)


class Charts:
    """Sends history rows to the page's two charts, only the rows it has not sent yet."""

    def __init__(self, view):
        self.view = view
        self.sent = {"losses": 0, "metrics": 0}
        self.stride = {}
        self.history = None

    def update(self, history) -> None:
        for series, chart in (("losses", "chart-loss"), ("metrics", "chart-div")):
            rows = getattr(history, series)
            replace = (history is not self.history or history.stride[series] != self.stride.get(series)
                       or len(rows) < self.sent[series])
            start = 0 if replace else self.sent[series]
            if start == len(rows) and not replace:
                continue
            new = np.array(rows[start:], dtype=float).reshape(-1, 3)  # None -> nan
            self.view.chartPush(chart, np.ravel(new), replace)
            self.sent[series] = len(rows)
            self.stride[series] = history.stride[series]
        self.history = history
