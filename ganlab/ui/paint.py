"""Arrays in, pixels out: hands each frame to the page's painter (static/paint.js).

Every layer of a frame goes to JavaScript in ONE float64 buffer and one call, so a
frame costs a single Python -> JS crossing whatever the number of points; the
painter reads the buffer in place (PyProxy.getBuffer) and releases it. Where each
layer sits in the buffer is a *named layout* (name -> [offset, length]), sent to
the painter only when it changes (a new batch of shown points, the manifold
switching between grid and curve), so the painter reads layers by name.
"""
from __future__ import annotations

import json

import numpy as np

from .. import data, fields
from ..state import PRESETS

COARSE_PARAMS = 5000    # a discriminator with more parameters gets a 30x30 background
TILE_POINTS = 300       # real samples on each data set tile
FLAGS = {"heat": 1, "real": 2, "fake": 4, "manifold": 8, "grad": 16, "pred": 32}
# The frame's layers, in buffer order: a name and the Frame attribute it comes from.
LAYERS = ("heat", "real", "fake", "d_real", "d_fake", "arrows", "noise", "manifold", "shade", "grid")


def coarse(trainer) -> bool:
    """Whether the discriminator is big enough for a coarser background (its pass over
    the grid costs the most)."""
    return trainer.D.params.size > COARSE_PARAMS


def frame_of(trainer) -> fields.Frame:
    """The frame the page paints for `trainer` (the manifold always: the generator's
    thumbnail shows it)."""
    return fields.frame(trainer, res=fields.HEAT_RES // 2 if coarse(trainer) else fields.HEAT_RES)


def tile_points() -> dict[str, np.ndarray]:
    """Each data set tile's picture: TILE_POINTS real samples, the same every time."""
    rng = np.random.default_rng(0)
    return {preset: data.sample(preset, rng, TILE_POINTS) for preset in PRESETS}


def layout(fr: fields.Frame) -> dict:
    """Name -> [offset, length] of each layer in the packed buffer, plus the shapes
    the painter needs: "res" (heatmap side) and "curve" (1D noise: the manifold is a
    curve, not a grid)."""
    out, at = {}, 0
    for name in LAYERS:
        arr = getattr(fr, name)
        size = 0 if arr is None else arr.size
        out[name] = [at, size]
        at += size
    out["res"] = fr.heat.shape[0]
    out["curve"] = fr.shade is not None and fr.shade.ndim == 1
    return out


def pack(fr: fields.Frame) -> np.ndarray:
    """The frame's arrays end to end, in LAYERS order (see `layout`)."""
    return np.concatenate([np.ravel(getattr(fr, name)) for name in LAYERS
                           if getattr(fr, name) is not None])


class Painter:
    """Sends frames to the painter: the layout when it changes, then one buffer."""

    def __init__(self, view):
        self.view = view
        self._layout = None

    def draw(self, fr: fields.Frame, flags: int) -> None:
        """Paint frame `fr` with the layers in `flags` (a sum of FLAGS values)."""
        lay = json.dumps(layout(fr))
        if lay != self._layout:
            self.view.setLayout(lay)
            self._layout = lay
        self.view.frame(pack(fr), flags)


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
