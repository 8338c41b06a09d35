"""The page's "Figure" export: the current state drawn by ganlab.figure (matplotlib) and
downloaded as PNG, SVG or PDF, or the training replay as an animated GIF.

matplotlib is not loaded at start-up (it would add seconds to every visit). The first
export installs it with micropip, which finds matplotlib and its ten dependencies in
the runtime's lock file (pyodide-lock.json) and loads the wheels that build.py vendored
beside it, from this site: no request leaves the origin. A message says what is
loading meanwhile; later exports find it installed and start at once.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

import numpy as np
from pyscript import window

from .. import figure
from .dom import el, on, proxy

MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "gif": "image/gif"}
NEAR = "figure-export"


async def install_matplotlib(progress) -> float:
    """Install matplotlib through micropip from the site's own wheels and load its fonts;
    returns the seconds it took. `progress(text)` is awaited before each stage."""
    start = time.perf_counter()
    import pyodide_js       # Pyodide's own module: loadPackage resolves from the lock file
    await progress("Loading micropip (first figure only)…")
    await pyodide_js.loadPackage("micropip")
    import micropip
    await progress("Installing matplotlib and its 10 packages from this site (first figure "
                   "only: about 12 MB)…")
    await micropip.install("matplotlib")
    await progress("Preparing matplotlib's fonts (first figure only)…")
    # The first import builds matplotlib's font list (a few seconds in the browser) and
    # logs a warning saying so, which would reach the console as an error: quieted.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    import matplotlib.font_manager  # noqa: F401
    return time.perf_counter() - start


class Figures:
    """The Figure control: format picker and export button beside the view."""

    def __init__(self, app):
        self.app = app
        self.installed = False
        self.busy = False
        self.timings: dict = {}     # what the last exports took, for the benchmark
        on(el("export-figure"), "click", lambda e: asyncio.ensure_future(self.export()))
        window.ganlab.figureTimings = proxy(lambda: json.dumps(self.timings))

    def layers(self) -> tuple[str, ...]:
        """The main view's layers switched on in the page."""
        return tuple(k for k in figure.LAYERS if el(f"show-{k}").checked)

    async def export(self, fmt: str | None = None) -> str:
        """Render the current state and download it; returns the file name ("" if not)."""
        if self.busy:
            self.app.say("A figure is already being made: one moment.", near=NEAR)
            return ""
        fmt = fmt or str(el("figure-format").value)
        if fmt not in MIME:
            self.app.say(f"Pick a format: {', '.join(MIME)}.", near=NEAR)
            return ""
        self.busy = True
        button = el("export-figure")
        button.disabled = True
        try:
            if not self.installed:
                try:
                    seconds = await install_matplotlib(self._progress)
                except Exception as err:       # a failed download: say it, never a traceback
                    self.app.say(f"Figure not made: matplotlib could not be loaded from this "
                                 f"site ({type(err).__name__}). Reload the page and try again.",
                                 near=NEAR, seconds=12)
                    return ""
                self.installed = True
                self.timings["install_s"] = round(seconds, 3)
            t = self.app.trainer
            replay = fmt == "gif"
            await self._progress(f"Drawing the replay: {len(t.history.snapshots)} frames…"
                                 if replay else "Drawing the figure…")
            start = time.perf_counter()
            try:
                data = figure.animate(t) if replay else figure.render(t, self.layers(), fmt)
            except (figure.FigureError, ValueError, FloatingPointError) as err:
                self.app.say(f"Figure not made: {err}.", near=NEAR, seconds=10)
                return ""
            self.timings["gif_s" if replay else "render_s"] = round(time.perf_counter() - start, 3)
            self.timings["renders"] = self.timings.get("renders", 0) + 1
            name = f"ganlab-{t.settings['preset']}-epoch{t.epoch_count}{'-replay' if replay else ''}.{fmt}"
            window.ganlabPoints.downloadBytes(name, np.frombuffer(data, dtype=np.uint8), MIME[fmt])
            extra = {"png": f", {figure.DEFAULT_DPI} dpi",
                     "gif": f", {len(t.history.snapshots)} frames"}.get(fmt, "")
            self.app.say(f"Saved {name} ({len(data) / 1024:,.0f} KB{extra}).", near=NEAR)
            return name
        finally:
            self.busy = False
            button.disabled = False

    async def _progress(self, text: str) -> None:
        """Say what is happening, and let the page show it before the work goes on."""
        self.app.say(text, near=NEAR, seconds=120)
        await asyncio.sleep(0.03)
