"""ganlab.figure: the page's Figure export and `python -m ganlab figure`, checked by pixels.

Where D(x) is known (a discriminator set to say the same everywhere), the background
has the page's palette colour for it; real and fake marks sit where the points are;
the charts' axes are labelled; SVG and PDF files open.
"""
from __future__ import annotations

import io
import math
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from ganlab import figure
from ganlab.gan import Trainer

matplotlib = pytest.importorskip("matplotlib", reason="pip install -e '.[figures]'")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402  (Pillow comes with matplotlib)


def constant_d(trainer, d: float):
    """Make D say `d` for every point: zero weights, the output bias logit(d)."""
    trainer.D.params[:] = 0.0
    trainer.D.b[-1][:] = math.log(d / (1 - d))
    return trainer


@pytest.fixture(scope="module")
def trained():
    t = Trainer({"preset": "ring", "seed": 3})
    t.train(120)
    return t


def pixels(fig):
    """The figure drawn by Agg: (rgba array with row 0 at the top, its height)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    img = np.asarray(canvas.buffer_rgba())
    return img, img.shape[0]


def at(img, height, ax, x, y):
    """The RGB of the pixel at data point (x, y) of axes `ax`."""
    px, py = ax.transData.transform((x, y))
    return tuple(int(c) for c in img[int(round(height - py)), int(round(px)), :3])


def close(rgb, want, tol=3):
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


def hexrgb(c):
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))


# ----- colours -------------------------------------------------------------------------------
def test_the_palette_is_the_pages():
    table = figure.lut(0.0)
    assert tuple(table[0]) == hexrgb(figure.PRGN[0])        # looks fake: purple
    assert tuple(table[255]) == hexrgb(figure.PRGN[-1])     # looks real: green
    assert figure.REAL == figure.PRGN[-1] and figure.FAKE == figure.PRGN[0]
    # The page lightens the background 20% towards white (canvas.js buildLut(0.2)).
    light = figure.lut()
    assert tuple(light[255]) == tuple(round(v + (255 - v) * 0.2) for v in hexrgb(figure.REAL))
    # The same stops and colours as static/canvas.js.
    from pathlib import Path
    js = (Path(__file__).resolve().parents[1] / "static" / "canvas.js").read_text()
    for c in figure.PRGN + (figure.ARROW,):
        assert f'"{c}"' in js


@pytest.mark.parametrize("d", [0.1, 0.5, 0.93])
def test_a_heatmap_pixel_where_d_is_known_has_the_palettes_colour(d):
    t = constant_d(Trainer({"seed": 1}), d)
    fig = figure.make(t, layers=("heat",))
    img, h = pixels(fig)
    view = fig.axes[0]
    want = figure.heat_colour(d)
    for x, y in [(0.5, 0.5), (0.1, 0.9), (0.85, 0.2)]:
        assert close(at(img, h, view, x, y), want), (x, y, at(img, h, view, x, y), want)
    # purple where D says fake, green where it says real
    r, g, b = want
    if d != 0.5:
        assert (g > r) == (d > 0.5)


def test_the_colour_bar_is_labelled_in_words(trained):
    fig = figure.make(trained, layers=("heat",))
    bar = fig.axes[1]
    words = [t.get_text() for t in bar.get_yticklabels()]
    assert words == ["looks fake", "unsure", "looks real"]
    assert "D(x)" in bar.get_ylabel()


def test_real_and_fake_marks_sit_where_the_points_are(trained):
    for layer, pts, colour in (("real", trained.show_real, figure.REAL),
                               ("fake", trained.generate(trained.show_noise), figure.FAKE)):
        fig = figure.make(trained, layers=(layer,))
        img, h = pixels(fig)
        view = fig.axes[0]
        inside = [(x, y) for x, y in pts if 0.02 < x < 0.98 and 0.02 < y < 0.98]
        assert len(inside) > 50
        hits = sum(close(at(img, h, view, x, y), hexrgb(colour), tol=12) for x, y in inside)
        assert hits >= 0.95 * len(inside), (layer, hits, len(inside))
        # and not elsewhere: a corner far from every point stays white
        far = np.array([0.02, 0.98])
        if np.min(np.hypot(*(pts - far).T)) > 0.05:
            assert close(at(img, h, view, *far), (255, 255, 255))


def test_fakes_are_drawn_over_the_background_and_reals(trained):
    fig = figure.make(trained, layers=("heat", "real", "fake"))
    img, h = pixels(fig)
    view = fig.axes[0]
    fake = trained.generate(trained.show_noise)
    alone = [p for p in fake if np.min(np.hypot(*(trained.show_real - p).T)) > 0.03
             and 0.02 < p[0] < 0.98 and 0.02 < p[1] < 0.98]
    assert alone
    hits = sum(close(at(img, h, view, *p), hexrgb(figure.FAKE), tol=12) for p in alone)
    assert hits >= 0.9 * len(alone)


def test_every_layer_draws(trained):
    fig = figure.make(trained, layers=figure.LAYERS)
    view = fig.axes[0]
    labels = [t.get_text() for t in view.get_legend().get_texts()]
    assert any("manifold" in s for s in labels) and any("gradient" in s for s in labels)
    assert any("D(x)" in s for s in labels)
    assert view.collections    # manifold quads, dots, arrows


def test_the_charts_axes_are_labelled(trained):
    fig = figure.make(trained)
    labels = {(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes}
    assert ("x", "y") in labels
    assert ("epoch", "loss") in labels
    assert ("epoch", "KL (bits)") in labels
    assert ("epoch", "precision, recall") in labels
    assert any(ax.get_ylabel().startswith("JS") for ax in fig.axes)
    titles = {ax.get_title(loc="left") for ax in fig.axes}
    assert {"Losses", "Distance to the real data", "Precision and recall"} <= titles


def test_the_title_names_data_set_settings_and_epoch(trained):
    text = figure.title(trained)
    assert "ring" in text and "epoch 120" in text and "log loss" in text
    assert "1×8 ReLU" in text and "lr 0.1" in text and "batch 150" in text
    pts = np.random.default_rng(0).random((30, 2))
    mine = Trainer({"preset": "points"}, pts)
    assert figure.title(mine).startswith("your points (30)")


def test_a_png_is_150_dpi_and_wide_enough(trained):
    data = figure.render(trained)
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == (1500, 960)
    big = Image.open(io.BytesIO(figure.render(trained, dpi=300)))
    assert big.size == (3000, 1920)


def test_svg_parses_and_keeps_its_text(trained):
    data = figure.render(trained, figure.LAYERS, fmt="svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    text = data.decode("utf-8")
    for words in ("looks real", "looks fake", "Losses", "epoch 120", "precision"):
        assert words in text


def test_pdf_opens(trained):
    data = figure.render(trained, fmt="pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") >= 1


def test_the_same_state_gives_the_same_png(trained):
    assert figure.render(trained) == figure.render(trained)      # no date, no version inside


def test_a_fresh_model_and_a_diverged_one_still_draw():
    t = Trainer({"seed": 2})
    assert figure.render(t)[:8] == b"\x89PNG\r\n\x1a\n"
    t.G.params[:] = np.nan
    assert figure.render(t, figure.LAYERS)[:8] == b"\x89PNG\r\n\x1a\n"


# ----- what is asked --------------------------------------------------------------------------
def test_layers_formats_and_dpi_are_checked():
    assert figure.parse_layers("heat, real,real") == ("heat", "real")
    with pytest.raises(figure.FigureError, match="unknown layer 'foo'"):
        figure.parse_layers("heat,foo")
    with pytest.raises(figure.FigureError, match="at least one"):
        figure.parse_layers(" , ")
    assert figure.format_of("a/b.PNG") == "png"
    for bad in ("a.gif", "a", "a.png.txt"):
        with pytest.raises(figure.FigureError, match=r"\.png, \.svg or \.pdf"):
            figure.format_of(bad)
    for bad in (10, 5000, 1.5, True, "150"):
        with pytest.raises(figure.FigureError):
            figure.check_dpi(bad)


def test_importing_ganlab_does_not_import_matplotlib():
    code = ("import sys, ganlab.figure, ganlab.cli, ganlab.gan, ganlab.fields; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_matplotlib_the_error_says_how_to_install_it():
    t = Trainer({"seed": 1})
    saved = {k: v for k, v in sys.modules.items() if k == "matplotlib" or k.startswith("matplotlib.")}
    try:
        for k in saved:
            sys.modules[k] = None
        sys.modules["matplotlib"] = None
        with pytest.raises(figure.MissingMatplotlib, match=r"pip install"):
            figure.render(t)
    finally:
        sys.modules.update(saved)


# ----- the training replay ------------------------------------------------------------------
def test_the_replay_is_a_gif_with_one_frame_per_snapshot(trained):
    snaps = trained.history.snapshots
    assert [s[0] for s in snaps] == list(range(0, 121, 20))
    gif = Image.open(io.BytesIO(figure.animate(trained)))
    assert gif.format == "GIF" and gif.n_frames == len(snaps)
    # the last frame's fakes are where the snapshot put them: purple pixels present
    gif.seek(gif.n_frames - 1)
    px = np.asarray(gif.convert("RGB")).reshape(-1, 3).astype(int)
    assert np.any(np.all(np.abs(px - hexrgb(figure.FAKE)) <= 12, axis=1))


def test_a_replay_needs_snapshots():
    t = Trainer({"seed": 1})
    t.history.snapshots = []
    with pytest.raises(figure.FigureError, match="no training snapshots"):
        figure.animate(t)
