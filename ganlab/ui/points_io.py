"""CSV of points in and out of the page.

In: a file chosen with "Import CSV…", a file dropped onto the view, or rows pasted into
the paste box. Each is read by `data.parse_csv`, the command line's own parser, so the
page accepts exactly what `python -m ganlab train --points` accepts and says the same
thing (which line, and why) about what it refuses; a refused file changes nothing.
Imported points become the data set "your points", as an applied drawing does (they are
then saved in model files with the model).

Out: "Export CSV" downloads x,y rows (header `x,y`, numbers written so they read back
exactly) of real samples, fakes (n of them, seeded, from the current generator: the
same points as `python -m ganlab sample -n n --seed 0` on the saved model), your points
or the drawing. Every export imports back unchanged.
"""
from __future__ import annotations

import numpy as np
from pyscript import window

from .. import data
from ..data import DataError
from .dom import el, on, proxy

EXPORTS = ("real", "fake", "points", "drawing")
EXPORT_SEED = 0             # as `python -m ganlab sample`'s default --seed
NEAR = {"file": "points-io", "drop": "view-wrap", "paste": "paste-csv"}


class PointsIO:
    """Import and export of point sets as CSV (see the module docstring)."""

    def __init__(self, app):
        self.app = app
        on(el("use-pasted"), "click", lambda e: self.import_text("pasted rows", el("paste-csv").value, "paste"))
        on(el("export-csv"), "click", lambda e: self.export())
        on(el("export-what"), "change", lambda e: self._what_changed())
        el("paste-csv").disabled = False
        window.ganlab.importCsv = proxy(self.import_text)
        window.ganlab.importCsvFailed = proxy(
            lambda why, source: self.app.say(f"Not imported: {why}. Your data and model are "
                                             "unchanged.", near=NEAR.get(source, "points-io"),
                                             seconds=12))
        self._what_changed()

    # ----- in ----------------------------------------------------------------------------------
    def import_text(self, name: str, text: str, source: str = "file") -> bool:
        """Make the points in CSV `text` the training data; a bad text changes nothing."""
        near = NEAR.get(str(source), "points-io")
        try:
            points = data.parse_csv(str(text))
            self.app.trainer.set_points(points)
        except DataError as err:
            self.app.say(f"Not imported: {name}: {err}. Your data and model are unchanged.",
                         near=near, seconds=12)
            return False
        app = self.app
        app.set_playing(False)
        app.set_drawing(False)
        app.sync()
        el("diverged").hidden = True
        n = len(app.trainer.points)
        app.after_reset(f"Training on your {n:,} imported point{'s' if n != 1 else ''} from "
                        f"{name} (new model).", near=near)
        return True

    # ----- out ---------------------------------------------------------------------------------
    def _what_changed(self) -> None:
        """The count applies to sampled points only."""
        el("export-n").disabled = str(el("export-what").value) not in ("real", "fake")

    def points(self, what: str, n: int) -> np.ndarray:
        """The points an export of `what` writes (DataError if there are none)."""
        t = self.app.trainer
        if what == "real":
            return t.sample_reals(n, EXPORT_SEED)
        if what == "fake":
            return t.sample_fakes(n, EXPORT_SEED)
        if what == "points":
            if t.points is None:
                raise DataError("no point set yet: draw and apply, or import one")
            return t.points
        flat = np.array(self.app.view.drawnPoints().to_py(), dtype=float)
        if not flat.size:
            raise DataError("the drawing is empty: press Draw and drag on the view")
        return data.check_points(flat.reshape(-1, 2))

    def export(self) -> str:
        """Download the chosen points as CSV; returns the file name ("" if nothing)."""
        what = str(el("export-what").value)
        if what not in EXPORTS:
            return ""
        n = 0
        if what in ("real", "fake"):
            raw = str(el("export-n").value).strip()
            try:
                n = int(raw)
            except ValueError:
                n = -1
            if not 1 <= n <= data.MAX_POINTS:
                self.app.say(f"How many points: a whole number from 1 to {data.MAX_POINTS:,} "
                             f"(got {raw or 'nothing'}).", near="export-n")
                return ""
        try:
            pts = self.points(what, n)
        except DataError as err:
            self.app.say(f"Nothing exported: {err}.", near="export-csv")
            return ""
        t = self.app.trainer
        label = {"real": "real", "fake": "fake", "points": "points", "drawing": "drawing"}[what]
        name = f"ganlab-{t.settings['preset']}-{label}-{len(pts)}.csv"
        if what == "fake":
            name = f"ganlab-{t.settings['preset']}-epoch{t.epoch_count}-fake-{len(pts)}.csv"
        window.ganlabPoints.downloadText(name, data.to_csv(pts), "text/csv")
        self.app.say(f"Saved {name}: {len(pts):,} rows x,y.", near="export-csv")
        return name
