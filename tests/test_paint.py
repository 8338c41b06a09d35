"""ganlab.ui.paint under CPython: the named frame layout, the arrows sent as drawn, and
the chart messages (new rows with their smoothed values, and the y ranges)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ganlab import encodings, fields
from ganlab.gan import History, Trainer
from ganlab.ui import paint


class FakeView:
    """Records what Python hands to window.ganlabView."""

    def __init__(self):
        self.calls = []

    def setLayout(self, text):
        self.calls.append(("setLayout", json.loads(text)))

    def frame(self, buf, flags):
        self.calls.append(("frame", np.array(buf), flags))

    def chartPush(self, chart, buf, replace):
        self.calls.append(("chartPush", chart, np.array(buf), replace))


@pytest.fixture(scope="module")
def frame():
    t = Trainer({"seed": 3})
    t.train(40)
    return fields.frame(t)


def test_the_layout_names_every_layer_end_to_end(frame):
    lay = paint.layout(frame)
    buf = paint.pack(frame)
    at = 0
    for name in paint.LAYERS:
        off, size = lay[name]
        assert off == at, name
        assert size == getattr(frame, name).size, name
        at += size
    assert at == buf.size
    assert lay["res"] == fields.HEAT_RES and lay["curve"] is False
    off, size = lay["real"]
    np.testing.assert_array_equal(buf[off:off + size], frame.real.ravel())


def test_the_arrows_layer_holds_the_drawn_offsets(frame):
    lay, buf = paint.layout(frame), paint.pack(frame)
    off, size = lay["arrows"]
    drawn = buf[off:off + size].reshape(-1, 2)
    np.testing.assert_array_equal(drawn, encodings.arrow_offsets(frame.arrows))
    assert np.hypot(*drawn.T).max() <= encodings.ARROW_MAX


def test_painter_sends_the_layout_only_when_it_changes(frame):
    view = FakeView()
    p = paint.Painter(view)
    p.draw(frame, 7)
    p.draw(frame, 7)
    assert [c[0] for c in view.calls] == ["setLayout", "frame", "frame"]
    assert view.calls[1][2] == 7


def _rows(message):
    _, _, buf, _ = message
    return buf[:paint.HEADER], buf[paint.HEADER:].reshape(-1, paint.ROW)


def test_charts_send_new_rows_smoothed_with_their_ranges():
    h = History()
    for e in range(100):
        h.add("losses", e, 1.0 + 0.01 * e, 0.5)
        h.add("metrics", e, 4.0 + e * 0.1, 0.3)
        h.add("quality", e, 0.9, 0.4 + 0.005 * e)
    view = FakeView()
    charts = paint.Charts(view)
    charts.update(h)
    loss, div, pr = view.calls
    assert loss[1] == "chart-loss" and loss[3] is True and div[1] == "chart-div"
    # Precision and recall: their own chart, both on a fixed 0..1 scale.
    header, rows = _rows(pr)
    assert pr[1] == "chart-pr" and list(header) == [0.0, 1.0, 0.0, 1.0]
    np.testing.assert_array_equal(rows[:, :3], np.array(h.quality, dtype=float))
    np.testing.assert_array_equal(rows[:, 4], encodings.smooth(rows[:, 2])[0])
    header, rows = _rows(loss)
    assert rows.shape == (100, paint.ROW)
    np.testing.assert_array_equal(rows[:, :3], np.array(h.losses, dtype=float))
    np.testing.assert_array_equal(rows[:, 3], encodings.smooth(rows[:, 1])[0])
    # One shared scale for both losses, holding them.
    assert header[0] == header[2] == 0.0 and header[1] == header[3] >= 1.99
    # The divergence chart: KL on its own range, JS on 0..1.
    header, rows = _rows(div)
    kl = rows[:, 1]
    assert header[0] == 0 and kl.max() <= header[1] < kl.max() * 1.1 and list(header[2:]) == [0.0, 1.0]

    # Later: only the new rows, their smoothing going on where it stopped.
    for e in range(100, 110):
        h.add("losses", e, 2.0, math.nan)
    view.calls.clear()
    charts.update(h)
    assert len(view.calls) == 1                  # no new metrics or quality row: nothing sent
    _, rows = _rows(view.calls[0])
    assert view.calls[0][3] is False and rows.shape == (10, paint.ROW)
    whole = encodings.smooth(np.array(h.losses, dtype=float)[:, 1])[0]
    np.testing.assert_allclose(rows[:, 3], whole[100:])
    assert np.isnan(rows[:, 2]).all() and np.isnan(rows[:, 4]).all()


def test_charts_start_over_for_a_new_history_and_say_when_there_is_nothing():
    view = FakeView()
    charts = paint.Charts(view)
    h = History()
    h.add("losses", 0, 1.0, 1.0)
    charts.update(h)
    view.calls.clear()
    charts.update(History())                     # a reset: empty charts
    for _, _, buf, replace in view.calls:
        assert replace is True and buf.size == paint.HEADER and np.isnan(buf[:2]).all()


# ----- a big model's lighter picture while it trains ------------------------------------------
BIG = {"g_layers": 5, "g_units": 100, "d_layers": 5, "d_units": 100}


def _done(job):
    while True:
        try:
            next(job)
        except StopIteration as done:
            return done.value


def test_a_big_model_trains_with_a_lighter_picture_and_the_top_bar_says_so():
    t = Trainer(BIG)
    assert paint.in_pieces(t)
    full, light = _done(paint.frame_job(t)), _done(paint.frame_job(t, light=True))
    assert full.heat.shape == (30, 30) and len(full.manifold) == fields.MANIFOLD_RES ** 2
    assert light.heat.shape == (paint.LIGHT_RES,) * 2
    assert len(light.manifold) == len(light.grid) == paint.LIGHT_MANIFOLD ** 2
    # The lighter picture is the one the painter draws at those resolutions: the same numbers.
    np.testing.assert_allclose(light.heat, fields.frame(t, paint.LIGHT_RES).heat, atol=1e-12)
    work = lambda res, m: fields.frame_work(t, res, m)  # noqa: E731
    assert work(paint.LIGHT_RES, paint.LIGHT_MANIFOLD) < 0.7 * work(30, fields.MANIFOLD_RES)
    assert paint.view_note(light, 6) == (" · big model: coarser picture while training (20×20),"
                                         " redrawn every 6 frames")
    assert paint.view_note(full, 1) == " · big model: 30×30 background"
    assert paint.view_note(_done(paint.frame_job(Trainer())), 1) == ""


def test_a_curve_manifold_is_never_called_coarser():
    t = Trainer(dict(BIG, noise_dim=1))
    light = _done(paint.frame_job(t, light=True))
    assert light.shade.ndim == 1
    assert paint.view_note(light, 3) == " · big model: 20×20 background, redrawn every 3 frames"


def test_a_full_resolution_picture_has_no_note():
    fr = fields.frame(Trainer())
    assert paint.view_note(fr, 1) == paint.view_note(fr, 3) == ""
