"""Arrays in, pixels out: hands each frame to the page's painter (static/paint.js).

Each layer goes to the painter as it is drawn: the arrows layer holds each gradient
line's end offset, already scaled (ganlab/encodings.py arrow_offsets), and each chart
row carries its smoothed values, with the y range to draw them on (encodings.smooth,
encodings.y_range). The painter only places numbers.

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

from .. import data, encodings, fields
from ..state import PRESETS

COARSE_PARAMS = 5000    # a discriminator with more parameters gets a 30x30 background
TILE_POINTS = 300       # real samples on each data set tile
FLAGS = {"heat": 1, "real": 2, "fake": 4, "manifold": 8, "grad": 16, "pred": 32}
# The frame's layers, in buffer order: a name and the Frame attribute it comes from.
LAYERS = ("heat", "real", "fake", "d_real", "d_fake", "arrows", "noise", "manifold", "shade", "grid")
# Layers sent as drawn rather than as computed: the gradient (m, 2) becomes each
# line's end offset from its fake point, on the arrows' log scale.
ENCODE = {"arrows": encodings.arrow_offsets}


def coarse(trainer) -> bool:
    """Whether the discriminator is big enough for a coarser background (its pass over
    the grid costs the most)."""
    return trainer.D.params.size > COARSE_PARAMS


def frame_of(trainer) -> fields.Frame:
    """The frame the page paints for `trainer` (the manifold always: the generator's
    thumbnail shows it)."""
    return fields.frame(trainer, res=_res(trainer))


VIEW_WORK = 1 << 23     # a frame whose passes take more multiply-adds (~10 ms) is made in pieces
# While a model that big trains, its picture is lighter, so it can be redrawn about
# ten times a second: a LIGHT_RES x LIGHT_RES background and a LIGHT_MANIFOLD x
# LIGHT_MANIFOLD noise grid for the manifold (65 % of the work, as fields.frame_work
# counts it). Paused, it gets the full picture again.
LIGHT_RES = 20
LIGHT_MANIFOLD = 11


def in_pieces(trainer) -> bool:
    """Whether one frame's passes (fields.frame_work) are too long for one animation
    frame: then the loop makes the picture over several (frame_job)."""
    return fields.frame_work(trainer, _res(trainer)) > VIEW_WORK


def frame_job(trainer, light: bool = False):
    """frame_of(trainer) in bounded pieces (fields.frame_pieces): a generator whose
    return value is the Frame. `light`: the lighter picture drawn while training."""
    if light:
        return fields.frame_pieces(trainer, LIGHT_RES, manifold_res=LIGHT_MANIFOLD)
    return fields.frame_pieces(trainer, _res(trainer))


def view_note(fr: fields.Frame, every: int) -> str:
    """What the top bar says about a big model's picture `fr`, redrawn every `every`
    frames ("" for a picture at full resolution)."""
    res = fr.heat.shape[0]
    if res == fields.HEAT_RES:
        return ""
    if fr.shade is not None and fr.shade.ndim == 2 and len(fr.grid) < fields.MANIFOLD_RES ** 2:
        # Background and manifold both coarser: said in few words (it wraps on a phone).
        text = f" · big model: coarser picture while training ({res}×{res})"
    else:
        text = f" · big model: {res}×{res} background"
    return text + (f", redrawn every {every} frames" if every > 1 else "")


def _res(trainer) -> int:
    return fields.HEAT_RES // 2 if coarse(trainer) else fields.HEAT_RES


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
    """The frame's arrays end to end, in LAYERS order (see `layout`), each layer as
    drawn (ENCODE)."""
    return np.concatenate([np.ravel(ENCODE.get(name, np.asarray)(getattr(fr, name))) for name in LAYERS
                           if getattr(fr, name) is not None])


class Painter:
    """Sends frames to the painter: the layout when it changes, then one buffer."""

    def __init__(self, view):
        self.view = view
        self._layout = None

    def draw(self, fr: fields.Frame, flags: int) -> None:
        """Paint frame `fr` with the layers in `flags` (a sum of FLAGS values)."""
        lay = layout(fr)
        if lay != self._layout:             # compared as a dict: JSON only when it changed
            self.view.setLayout(json.dumps(lay))
            self._layout = lay
        self.view.frame(pack(fr), flags)


# What one chart message holds (static/charts.js chartRows): a header of HEADER numbers,
# [low_a, high_a, low_b, high_b], the y ranges of the two series (equal: one shared
# scale), then rows of ROW numbers, [epoch, a, b, a smoothed, b smoothed].
HEADER, ROW = 4, 5
# The charts: (history series, canvas id, scale). "shared": both series on one scale
# fitted to them (the losses); "js": a on its own fitted scale, b (JS) on a fixed 0..1
# scale on the right, so that KL's larger values do not flatten it; "unit": both on
# one fixed 0..1 scale (precision and recall are shares).
CHARTS = (("losses", "chart-loss", "shared"), ("metrics", "chart-div", "js"),
          ("quality", "chart-pr", "unit"))
JS_RANGE = UNIT_RANGE = (0.0, 1.0)
RANGE_SAMPLES = 256     # the y range is estimated from about this many evenly spaced values


class _Series:
    """One chart's series as sent so far: values (for the y range) and the running averages."""

    def __init__(self, stride: int):
        self.stride = stride
        self.count = 0
        self.values = np.empty((0, 2))
        self.ema = (float("nan"), float("nan"))

    def add(self, new: np.ndarray) -> np.ndarray:
        """Append rows `new` (k, 3) [epoch, a, b]; return them as sent (k, ROW), smoothed."""
        sa, ea = encodings.smooth(new[:, 1], self.count, self.ema[0])
        sb, eb = encodings.smooth(new[:, 2], self.count, self.ema[1])
        self.ema = (ea, eb)
        self.count += len(new)
        self.values = np.concatenate((self.values, new[:, 1:3]))
        return np.column_stack((new, sa, sb))

    def sample(self) -> np.ndarray:
        """About RANGE_SAMPLES evenly spaced values and the last one, (s, 2)."""
        step = max(1, self.count // RANGE_SAMPLES)
        return np.concatenate((self.values[::step], self.values[-1:]))


class Charts:
    """Sends history rows to the page's charts (CHARTS), only the rows it has not sent yet,
    each with its smoothed values, and the y ranges to draw them on."""

    def __init__(self, view):
        self.view = view
        self.series: dict[str, _Series] = {}
        self.history = None

    def message(self, history, name: str, scale: str) -> tuple[np.ndarray, bool] | None:
        """The numbers to send for series `name` of `history` (HEADER, then ROW per new
        row; `scale` as in CHARTS) and whether the chart starts over; None when there is
        nothing new."""
        rows = getattr(history, name)
        old = self.series.get(name)
        replace = (old is None or history is not self.history or history.stride[name] != old.stride
                   or len(rows) < old.count)
        if replace:
            old = self.series[name] = _Series(history.stride[name])
        elif old.count == len(rows):
            return None
        new = np.array(rows[old.count:], dtype=float).reshape(-1, 3)  # None -> nan
        sent = old.add(new)
        vals = old.sample()
        if scale == "shared":
            ra = rb = encodings.y_range(vals)
        elif scale == "js":
            ra, rb = encodings.y_range(vals[:, 0]), JS_RANGE
        else:
            ra = rb = UNIT_RANGE if old.count else None     # nothing yet: no scale
        header = [*(ra or (np.nan, np.nan)), *(rb or (np.nan, np.nan))]
        return np.concatenate((header, sent.ravel())), replace

    def update(self, history) -> None:
        for name, chart, scale in CHARTS:
            out = self.message(history, name, scale)
            if out is not None:
                self.view.chartPush(chart, out[0], out[1])
        self.history = history
