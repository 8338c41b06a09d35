"""A trainer's state as a publication-quality figure (matplotlib): the page's
"Figure" export and `python -m ganlab figure` draw with this one module.

The figure holds the main view (the discriminator's verdict D(x) as the background,
with a colour bar labelled in words; real and fake samples; the manifold; gradient
lines; predictions: whichever of these `layers` names), the loss chart, the KL/JS
chart and the precision/recall chart, under a title that names the data set, the
key settings and the epoch. Every array comes from `fields.frame` and the history,
so the figure shows exactly what the page shows, in the page's colours
(static/paint.js).

matplotlib is imported inside the functions, never when ganlab is imported: the
page loads it only on the first export, and the command line works without it
until a figure is asked for (`MissingMatplotlib` then says how to install it).
Only `matplotlib.figure.Figure` is used, never pyplot: no global state, no GUI
backend, the same code under CPython and in Pyodide.
"""
from __future__ import annotations

import io
import math

import numpy as np

from . import fields
from .state import BY_NAME

# The page's palette (static/paint.js): PRGN from purple (looks fake) to green (looks real).
PRGN = ("#762a83", "#9970ab", "#c2a5cf", "#e7d4e8", "#f7f7f7",
        "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837")
REAL = "#1b7837"
FAKE = "#762a83"
ARROW = "#d6336c"
HEAT_LIGHTEN = 0.2          # the background is lightened towards white, as in the page
LOSS_COLOURS = ("#5e3c99", "#e66101")       # D loss, G loss (the page's loss chart)
DIV_COLOURS = ("#0571b0", "#ca0020")        # KL, JS
QUALITY_COLOURS = ("#0571b0", "#e66101")    # precision, recall
# Gradient lines as in the page: length 0.025 ln(1 + |g| / 0.5) of the square, at most 0.15.
ARROW_LOG, ARROW_G0, ARROW_MAX = 0.025, 0.5, 0.15

LAYERS = ("heat", "real", "fake", "manifold", "grad", "pred")
DEFAULT_LAYERS = ("heat", "real", "fake", "grad")     # the page's layers on load
FORMATS = ("png", "svg", "pdf")
DEFAULT_DPI = 150
MIN_DPI, MAX_DPI = 50, 600
SIZE = (10.0, 6.4)          # inches: 1500 x 960 pixels at 150 dpi
VIEW = (0.055, 0.175, None, 0.685)        # left, bottom, (square), height: figure fractions
CHARTS = (0.71, 0.235, 0.175)               # the charts' left, width, height
CHART_ROWS = (0.685, 0.39, 0.095)          # their bottoms, top to bottom
INSTALL_HINT = "pip install 'matplotlib==3.8.4' (or: pip install -e '.[figures]')"


class FigureError(ValueError):
    """A figure that cannot be made as asked (bad layers, format or dpi)."""


class MissingMatplotlib(FigureError):
    """matplotlib is not installed: the message says how to install it."""


def require_matplotlib() -> None:
    """Raise MissingMatplotlib (saying how to install it) unless matplotlib imports."""
    _matplotlib()


def _matplotlib():
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingMatplotlib(f"figures need matplotlib, which is not installed: "
                                f"{INSTALL_HINT}") from None
    return matplotlib, Figure


# ----- checking what was asked ------------------------------------------------------------
def parse_layers(text: str) -> tuple[str, ...]:
    """'heat,real,fake' -> ("heat", "real", "fake"); FigureError names an unknown layer."""
    names = [part.strip().lower() for part in str(text).split(",") if part.strip()]
    if not names:
        raise FigureError(f"--layers needs at least one of {','.join(LAYERS)}")
    return check_layers(names)


def check_layers(layers) -> tuple[str, ...]:
    out = []
    for name in layers:
        if name not in LAYERS:
            raise FigureError(f"unknown layer {name!r}: the layers are {', '.join(LAYERS)}")
        if name not in out:
            out.append(name)
    return tuple(out)


def format_of(path: str) -> str:
    """The figure format named by a file's extension (png, svg or pdf)."""
    ext = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    if ext not in FORMATS:
        raise FigureError(f"{path}: the file name must end in .png, .svg or .pdf")
    return ext


def check_dpi(dpi) -> int:
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or dpi != int(dpi) \
            or not MIN_DPI <= dpi <= MAX_DPI:
        raise FigureError(f"dpi must be a whole number from {MIN_DPI} to {MAX_DPI}, got {dpi!r}")
    return int(dpi)


# ----- colours ------------------------------------------------------------------------------
def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def lut(lighten: float = HEAT_LIGHTEN) -> np.ndarray:
    """The page's 256-entry colour table (paint.js buildLut): (256, 3) uint8, index 0 =
    looks fake (purple), 255 = looks real (green), lightened towards white."""
    stops = np.array([_hex(c) for c in PRGN], dtype=float)
    t = np.arange(256) / 255 * (len(stops) - 1)
    k = np.minimum(len(stops) - 2, np.floor(t).astype(int))
    f = (t - k)[:, None]
    v = stops[k] * (1 - f) + stops[k + 1] * f
    v = v + (255 - v) * lighten
    return np.clip(np.rint(v), 0, 255).astype(np.uint8)   # as Uint8ClampedArray rounds


def heat_colour(d: float, lighten: float = HEAT_LIGHTEN) -> tuple[int, int, int]:
    """The background colour of a point where D(x) = d, as (r, g, b) bytes."""
    i = max(0, min(255, int(math.floor(d * 256)) if math.isfinite(d) else 0))
    return tuple(int(c) for c in lut(lighten)[i])


def _cmap(lighten: float = HEAT_LIGHTEN):
    from matplotlib.colors import ListedColormap
    return ListedColormap(lut(lighten) / 255.0, name="ganlab-prgn")


# ----- the figure ---------------------------------------------------------------------------
def title(trainer) -> str:
    """Data set, key settings and epoch, in the page's words."""
    s = trainer.settings
    preset = "your points" if s["preset"] == "points" else BY_NAME["preset"].choice_label(s["preset"])
    if s["preset"] == "points" and trainer.points is not None:
        preset += f" ({len(trainer.points):,})"

    def net(n):
        act = BY_NAME[f"{n}_activation"].choice_label(s[f"{n}_activation"])
        return f"{s[f'{n}_layers']}×{s[f'{n}_units']} {act}"

    def opt(n):
        return (f"{BY_NAME[f'optimizer_{n}'].choice_label(s[f'optimizer_{n}'])} "
                f"lr {s[f'lr_{n}']:g}")

    loss = BY_NAME["loss"].choice_label(s["loss"])
    return (f"{preset} · epoch {trainer.epoch_count:,}\n"
            f"G {net('g')}, {opt('g')}, {s['k_g']} step · D {net('d')}, {opt('d')}, "
            f"{s['k_d']} steps · {loss} · batch {s['batch']} · "
            f"{s['noise_dim']}D {s['noise']} noise · seed {s['seed']}")


def make(trainer, layers=DEFAULT_LAYERS, res: int = fields.HEAT_RES):
    """The figure (a matplotlib Figure, not yet saved) of `trainer` now."""
    layers = check_layers(layers)
    _, Figure = _matplotlib()
    fr = fields.frame(trainer, res=res, with_manifold="manifold" in layers)
    # A fixed layout for the fixed size (a layout engine would double the drawing time).
    fig = Figure(figsize=SIZE)
    fig.suptitle(title(trainer), fontsize=10.5, y=0.985, va="top")
    side = VIEW[3] * SIZE[1] / SIZE[0]         # the view is square
    view = fig.add_axes((VIEW[0], VIEW[1], side, VIEW[3]))
    bar = (VIEW[0] + side + 0.015, VIEW[1] + 0.09 * VIEW[3], 0.016, 0.82 * VIEW[3])
    _main_view(fig, view, fr, layers, trainer.settings["loss"], bar)
    rows = [fig.add_axes((CHARTS[0], bottom, CHARTS[1], CHARTS[2])) for bottom in CHART_ROWS]
    _loss_chart(rows[0], trainer.history.losses)
    _divergence_chart(rows[1], trainer.history.metrics)
    _quality_chart(rows[2], trainer.history.quality)
    return fig


def render(trainer, layers=DEFAULT_LAYERS, fmt: str = "png", dpi: int = DEFAULT_DPI) -> bytes:
    """The figure as the bytes of a PNG, SVG or PDF file."""
    if fmt not in FORMATS:
        raise FigureError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    dpi = check_dpi(dpi)
    matplotlib, _ = _matplotlib()
    buf = io.BytesIO()
    # Fixed metadata: the same state gives the same file (no creation date, no version).
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[fmt]
    # Text stays text in SVG and PDF (editable and searchable in a paper's figure).
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "svg.hashsalt": "ganlab"}):
        fig = make(trainer, layers)
        fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return buf.getvalue()


def _main_view(fig, ax, fr: fields.Frame, layers, loss: str, bar_box) -> None:
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Data space", fontsize=10, loc="left")
    handles = []
    if "heat" in layers:
        # Row 0 of the grid is the top (y near 1): origin="upper" puts it there.
        img = ax.imshow(np.nan_to_num(fr.heat, nan=0.0), extent=(0, 1, 0, 1), origin="upper",
                        cmap=_cmap(), vmin=0.0, vmax=1.0, interpolation="bilinear", zorder=0)
        bar = fig.colorbar(img, cax=fig.add_axes(bar_box), ticks=[0, 0.5, 1])
        bar.ax.set_yticklabels(["looks fake", "unsure", "looks real"])
        score = "D(x), the critic's score scaled to the view" if loss == "wasserstein" \
            else "D(x): the discriminator's verdict"
        bar.set_label(score, fontsize=9)
    pred = "pred" in layers
    if "manifold" in layers and fr.manifold is not None and len(fr.manifold):
        _manifold(ax, fr, LineCollection, PolyCollection)
        handles.append(Patch(facecolor=FAKE, alpha=0.35, label="manifold (darker: denser)"))
    if "real" in layers and len(fr.real):
        _dots(ax, fr.real, REAL, fr.d_real if pred else None, size=9, z=3)
        handles.append(Line2D([], [], ls="", marker="o", ms=4, color=REAL, label="real samples"))
    if "grad" in layers and len(fr.fake):
        g = np.hypot(fr.arrows[:, 0], fr.arrows[:, 1])
        ok = np.isfinite(g) & (g > 1e-9)
        if ok.any():
            k = np.minimum(ARROW_MAX, ARROW_LOG * np.log1p(g[ok] / ARROW_G0)) / g[ok]
            v = fr.arrows[ok] * k[:, None]
            ax.quiver(fr.fake[ok, 0], fr.fake[ok, 1], v[:, 0], v[:, 1], angles="xy",
                      scale_units="xy", scale=1, color=ARROW, width=0.0028, headwidth=3.5,
                      headlength=4, headaxislength=3.5, zorder=4)
        handles.append(Line2D([], [], color=ARROW, lw=1.5, label="gradient (G's pull)"))
    if "fake" in layers and len(fr.fake):
        _dots(ax, fr.fake, FAKE, fr.d_fake if pred else None, size=12, z=5)
        handles.append(Line2D([], [], ls="", marker="o", ms=4, color=FAKE, label="fake samples"))
    if pred:
        handles.append(Line2D([], [], ls="", marker="o", ms=5, mfc=PRGN[6], mec="#444",
                              label="filled with D(x)"))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.085), ncol=3,
                  fontsize=8, frameon=False)


def _dots(ax, pts, colour, verdict, size, z) -> None:
    inside = np.isfinite(pts).all(axis=1)
    pts = pts[inside]
    if verdict is None:
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=colour, linewidths=0, zorder=z)
        return
    # Predictions: filled with the full-strength palette colour of D's verdict,
    # outlined in the sample's own colour (as the page draws them).
    table = lut(0.0) / 255.0
    v = np.nan_to_num(verdict[inside], nan=0.0)
    fill = table[np.clip((v * 256).astype(int), 0, 255)]
    ax.scatter(pts[:, 0], pts[:, 1], s=size * 1.6, c=fill, edgecolors=colour, linewidths=0.8,
               zorder=z)


def _manifold(ax, fr, LineCollection, PolyCollection) -> None:
    pts, shade = fr.manifold, np.nan_to_num(fr.shade, nan=0.0)
    if shade.ndim == 1:         # 1D noise: a curve, darker where it is denser
        segs = np.stack([pts[:-1], pts[1:]], axis=1)
        colours = [(118 / 255, 42 / 255, 131 / 255, 0.15 + 0.7 * s) for s in shade]
        ax.add_collection(LineCollection(segs, colors=colours, linewidths=2.5, zorder=2))
        return
    r = int(round(math.sqrt(len(pts))))
    p = pts.reshape(r, r, 2)
    quads = np.stack([p[:-1, :-1], p[:-1, 1:], p[1:, 1:], p[1:, :-1]], axis=2).reshape(-1, 4, 2)
    alpha = 0.04 + 0.07 * np.minimum(7, np.floor(shade.ravel() * 8))
    faces = np.zeros((len(quads), 4))
    faces[:, :3] = (118 / 255, 42 / 255, 131 / 255)
    faces[:, 3] = alpha
    ax.add_collection(PolyCollection(quads, facecolors=faces, edgecolors=(118 / 255, 42 / 255,
                                                                          131 / 255, 0.25),
                                     linewidths=0.4, zorder=2))


def _smooth(y: np.ndarray) -> np.ndarray:
    """The page's trend line: an exponential moving average spanning ~1/40 of the chart."""
    alpha = min(1.0, 2.0 / (len(y) / 40 + 1))
    out = np.empty_like(y)
    ema = math.nan
    for i, v in enumerate(y):
        if math.isfinite(v):
            ema = v if not math.isfinite(ema) else ema + alpha * (v - ema)
        out[i] = ema if math.isfinite(v) else math.nan
    return out


def _series(ax, rows, names, colours, smooth=True):
    arr = np.array(rows, dtype=float).reshape(-1, 1 + len(names)) if rows else np.zeros((0, 3))
    for j, (name, colour) in enumerate(zip(names, colours), start=1):
        x, y = arr[:, 0], arr[:, j]
        if smooth and len(y) > 2:
            ax.plot(x, y, color=colour, lw=0.8, alpha=0.3)
            ax.plot(x, _smooth(y), color=colour, lw=1.6, label=name)
        else:
            ax.plot(x, y, color=colour, lw=1.6, label=name, marker="o" if len(y) < 3 else None,
                    ms=3)
    return arr


def _robust_top(values: np.ndarray):
    v = values[np.isfinite(values)]
    if not len(v):
        return None
    return float(np.quantile(v, 0.98))


def _chart(ax, ylabel: str) -> None:
    ax.set_xlabel("epoch", fontsize=8.5)
    ax.set_ylabel(ylabel, fontsize=8.5)
    ax.tick_params(labelsize=8)
    ax.grid(True, color="#e4e4e4", lw=0.6)


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=8.5,
            color="#777")


def _loss_chart(ax, rows) -> None:
    _chart(ax, "loss")
    ax.set_title("Losses", fontsize=10, loc="left")
    arr = _series(ax, rows, ("D loss", "G loss"), LOSS_COLOURS)
    if not len(arr):
        _empty(ax, "no training yet")
        return
    vals = arr[:, 1:].ravel()
    top = _robust_top(vals)
    if top is not None:
        low = min(0.0, float(np.nanmin(vals[np.isfinite(vals)])))
        ax.set_ylim(low, top if top > low else low + 1)
    ax.legend(fontsize=8, loc="upper right", framealpha=0.9)


def _divergence_chart(ax, rows) -> None:
    _chart(ax, "KL (bits)")
    ax.set_title("Distance to the real data", fontsize=10, loc="left")
    arr = np.array(rows, dtype=float).reshape(-1, 3) if rows else np.zeros((0, 3))
    js_ax = ax.twinx()
    js_ax.set_ylim(0, 1)
    js_ax.set_ylabel("JS (bits, 0 to 1)", fontsize=8.5)
    js_ax.tick_params(labelsize=8)
    if not len(arr):
        _empty(ax, "no measurement yet")
        return
    kl_line, = ax.plot(arr[:, 0], arr[:, 1], color=DIV_COLOURS[0], lw=1.6, label="KL")
    js_line, = js_ax.plot(arr[:, 0], arr[:, 2], color=DIV_COLOURS[1], lw=1.6, label="JS")
    top = _robust_top(arr[:, 1])
    if top is not None:
        ax.set_ylim(0, top * 1.05 if top > 0 else 1)
    ax.legend(handles=[kl_line, js_line], fontsize=8, loc="upper right", framealpha=0.9)


def _quality_chart(ax, rows) -> None:
    _chart(ax, "precision, recall")
    ax.set_title("Precision and recall", fontsize=10, loc="left")
    arr = _series(ax, rows, ("precision", "recall"), QUALITY_COLOURS, smooth=False)
    ax.set_ylim(0, 1.02)
    if not len(arr):
        _empty(ax, "no measurement yet")
        return
    ax.legend(fontsize=8, loc="lower right", framealpha=0.9)


def save(trainer, path: str, layers=DEFAULT_LAYERS, dpi: int = DEFAULT_DPI) -> None:
    """Write the figure to `path`, its format named by the extension."""
    from . import files
    fmt = format_of(path)
    data = render(trainer, layers, fmt, dpi)
    files.write_bytes(path, data)


# ----- a training replay ------------------------------------------------------------------------
ANIMATE_FPS = 6


def animate(trainer, fps: int = ANIMATE_FPS, dpi: int = 80) -> bytes:
    """The training replay as the bytes of an animated GIF (matplotlib.animation, written
    by Pillow): one frame per snapshot in the history (fakes from fixed noise over a
    low-resolution D(x)), the real samples for reference, the epoch in the title.
    FigureError if the history has no snapshots."""
    h = trainer.history
    if not h.snapshots:
        raise FigureError("this model has no training snapshots to replay (train it, then "
                          "save it with this version)")
    _, Figure = _matplotlib()
    from matplotlib.animation import FuncAnimation, PillowWriter

    fig = Figure(figsize=(5.2, 5.6), facecolor="white")
    ax = fig.add_axes((0.1, 0.08, 0.82, 0.82 * 5.2 / 5.6))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    img = ax.imshow(h.moment(0).heat, extent=(0, 1, 0, 1), origin="upper",
                    cmap=_cmap(), vmin=0, vmax=1, interpolation="bilinear")
    real = trainer.show_real
    ax.scatter(real[:, 0], real[:, 1], s=6, c=REAL, linewidths=0)
    fakes = ax.scatter([], [], s=10, c=FAKE, linewidths=0)
    head = fig.suptitle("", fontsize=10)
    name = title(trainer).split(" · epoch")[0]

    def draw(i):
        moment = h.moment(i)
        img.set_data(moment.heat)
        fakes.set_offsets(moment.fake)
        head.set_text(f"{name} · epoch {moment.epoch:,}\nreal (green), fake (purple), D(x) behind")
        return img, fakes, head

    anim = FuncAnimation(fig, draw, frames=len(h.snapshots), blit=False)
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:     # PillowWriter writes to a path
        path = os.path.join(folder, "replay.gif")
        anim.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
        with open(path, "rb") as f:
            return f.read()
