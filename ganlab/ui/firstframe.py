"""The page's first picture, made at build time, so a learner sees a trained GAN
before Python has loaded.

`build.py` loads the default pre-trained model under CPython and records every call
the page's painter would get when Python shows that model (the frame, the charts,
the data set tiles), plus the texts Python would write (epoch, loss values, graph
labels, the metrics sentence). The page's JavaScript (static/first-frame.js)
replays them as soon as the HTML arrives. When Python is ready it loads the same
model file and paints the same frame from the same numbers, so the picture does
not change when the controls come alive.

Pure: no js, no pyscript (the same functions run in the browser through `Painter`
and `Charts` with the real painter instead of a `Recorder`).
"""
from __future__ import annotations

import base64

import numpy as np

from . import overview, paint


class Recorder:
    """Stands in for the page's painter (window.ganlabView): keeps each call as
    [name, args], arrays as {"f64": base64 of their little-endian float64 bytes}."""

    def __init__(self):
        self.calls: list[list] = []

    def __getattr__(self, name: str):
        def call(*args):
            self.calls.append([name, [_plain(a) for a in args]])
        return call


def _plain(value):
    if isinstance(value, np.ndarray):
        return {"f64": base64.b64encode(np.ascontiguousarray(value, dtype="<f8").tobytes())
                .decode("ascii")}
    return value


def texts(trainer) -> dict[str, str]:
    """Element id -> the text Python writes there for `trainer`'s current state."""
    out = {"epoch": str(trainer.epoch_count),
           "ov-dloss": overview.loss_value(trainer.last_d_loss),
           "ov-gloss": overview.loss_value(trainer.last_g_loss),
           "metrics-now": overview.metrics_sentence(trainer)}
    out.update(overview.labels(trainer.settings))
    return out


def first_frame(trainer, flags: int) -> dict:
    """What the page shows first for `trainer` with the layers in `flags`: the
    painter calls ("calls", replayed in order) and the texts ("text", by element id)."""
    view = Recorder()
    for preset, points in paint.tile_points().items():
        view.drawTile(preset, points.ravel())
    paint.Painter(view).draw(paint.frame_of(trainer), flags)
    paint.Charts(view).update(trainer.history)
    return {"calls": view.calls, "text": texts(trainer), "epoch": trainer.epoch_count,
            "preset": trainer.settings["preset"]}
