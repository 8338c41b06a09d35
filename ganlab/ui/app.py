"""The page's wiring: connects the buttons, the data set picker, the model graph and the
settings to a Trainer.

Every run button maps onto one trainer method (Step discriminator -> d_step, Step
generator -> g_step, Step both -> epoch, Reset -> reset); settings changes go
through Trainer.update (ui/controls.py), which validates first, so a bad value
changes nothing and the page says why beside the field. Only `ui/` touches the
browser, through PyScript's API (ui/dom.py).
"""
from __future__ import annotations

import asyncio
import json
import time

import numpy as np
from pyscript import document, fetch, window

from .. import modelfile
from ..data import DataError
from ..gan import Trainer
from ..modelfile import ModelFileError
from ..state import (BY_NAME, RECIPES, SettingsError, from_query, make_settings, recipe,
                     summarise, to_query)
from . import overview, paint
from .inside import Inside
from .controls import Controls
from .figures import Figures
from .dom import el, on, proxy, say
from .graph import Graph
from .lessons import Lessons
from .loop import SLOW_MOTION, SLOW_STEP_S, Loop
from .points_io import PointsIO

LAYERS = ("heat", "real", "fake", "manifold", "grad", "pred")
MIN_DRAWN = 10          # fewer points than this is no data set to learn
UNDO_S = 8              # how long "Reset: Undo" stays offered
METRICS_TEXT_S = 0.25   # while playing, the KL/JS sentence is rewritten at most this often


class App:
    def __init__(self):
        self.view = window.ganlabView
        # A huge model's epoch-0 KL/JS record is made over the next frames (the loop
        # runs Trainer.record_pieces), not while the click that made the model waits.
        Trainer.defer_big_record = True
        changes, problems = from_query(window.location.hash)
        try:
            self.trainer = Trainer(changes)
        except SettingsError as err:
            problems.append(str(err))
            self.trainer = Trainer({k: v for k, v in changes.items() if k != "preset"})
        self.painter = paint.Painter(self.view)
        self.charts = paint.Charts(self.view)
        self._metrics_key = None
        self._metrics_at = -1e9         # when the sentence was last written (time.monotonic)
        self._undo = None           # (trainer, deadline) after a Reset, for "Undo"
        self._note = ""
        self.flags = 0
        self.loop = Loop(self)
        self.controls = Controls(self)
        self.graph = Graph(self)
        self.inside = Inside(self)
        self.lessons = Lessons(self)
        self._wire()
        self.points_io = PointsIO(self)     # CSV in and out
        self.figures = Figures(self)        # the Figure export (matplotlib on first use)
        self._draw_tiles()
        self._read_layers()
        self._problems = problems
        start = el("ganlab-start")
        # The pre-trained models (build.py: their file, settings, epochs, figures).
        self.pretrained = json.loads(start.textContent)["pretrained"] if start else {}
        self._loading = 0           # counts model loads: only the latest one lands

    def say(self, text: str, near: str | None = None, **kw) -> None:
        say(text, near, **kw)

    # ----- keeping the page in step with the trainer ------------------------------------
    def sync(self) -> None:
        """Controls, graph labels and data set picker show the settings in use."""
        self.controls.sync()
        self.settings_changed()

    def settings_changed(self) -> None:
        self.graph.sync_labels()
        preset = self.trainer.settings["preset"]
        for tile in document.querySelectorAll("#dataset-tiles .tile"):
            tile.setAttribute("aria-checked", "true" if tile.dataset.preset == preset else "false")
        self._write_url()
        self.loop.dirty = True

    def _draw_tiles(self) -> None:
        for preset, points in paint.tile_points().items():
            self.view.drawTile(preset, points.ravel())

    def explain_step(self, kind: str, i: int, k: int) -> None:
        """Slow motion: light up the step just taken and say what it did."""
        self.show_phase(kind)
        self.view.markStep(kind)
        el("explain").textContent = overview.explanation(kind, self.trainer.settings, i, k)
        el("explain-sr").textContent = overview.sr_sentence(kind, i, k)

    def show_phase(self, phase: str) -> None:
        """Light up in the graph the parts that the last action used: "d", "g",
        "epoch" (both), "play" (both, animated) or "" (nothing)."""
        el("overview").dataset.phase = phase

    def follow_address(self) -> None:
        """The address changed (a pasted link, Back, Forward): use the settings it names.

        A link says every setting that differs from the defaults, so the settings
        become the defaults plus the link's. Bad pairs are ignored and reported; a
        drawn point set is kept when the link names no data set (points cannot
        travel in a link).
        """
        changes, problems = from_query(window.location.hash)
        if self.trainer.settings["preset"] == "points" and "preset" not in changes:
            changes["preset"] = "points"
        if changes.get("preset") == "points" and self.trainer.points is None:
            problems.append("the data set 'your points' needs a drawing or an imported point set")
            del changes["preset"]
        wanted = make_settings(changes)
        diff = {k: v for k, v in wanted.items() if v != self.trainer.settings[k]}
        was_reset = bool(diff) and self.trainer.update(diff)
        self.sync()
        if diff:
            what = ", ".join(f"{BY_NAME[k].title} {BY_NAME[k].shown(v)}" for k, v in diff.items())
            text = f"Settings from the address: {what}" + (" (a new model)." if was_reset else ".")
        else:
            text = "The address names the settings already in use."
        if problems:
            text += " Ignored: " + summarise(problems)
        if was_reset:
            self.after_reset(text, near="topbar")
        else:
            self.say(text, near="topbar")

    def _write_url(self) -> None:
        """Put the settings in the address (a point set cannot travel in a link)."""
        settings = dict(self.trainer.settings)
        if settings["preset"] == "points":
            settings["preset"] = BY_NAME["preset"].default
        query = to_query(settings)
        # The full address without its hash, not the path alone: a path such as
        # "//index.html" would be read as another host, and the browser refuses that.
        here = str(window.location.href).split("#")[0]
        window.history.replaceState(None, "", here + ("#" + query if query else ""))

    # ----- wiring --------------------------------------------------------------------------
    def _wire(self) -> None:
        on(el("play"), "click", lambda e: self.toggle_play())
        on(el("step-d"), "click", lambda e: self.step("d"))
        on(el("step-g"), "click", lambda e: self.step("g"))
        on(el("step-both"), "click", lambda e: self.step("both"))
        on(el("reset"), "click", lambda e: self.reset())
        on(el("message-action"), "click", lambda e: self.undo_reset())
        on(el("recommended"), "click", lambda e: self.use_recommended())
        on(el("pretrained"), "change", lambda e: self._pretrained_changed())
        on(el("speed"), "change", lambda e: self.set_speed(int(el("speed").value)))
        for layer in LAYERS:
            on(el(f"show-{layer}"), "change", lambda e: self._read_layers())
        for tile in document.querySelectorAll("#dataset-tiles .tile"):
            on(tile, "click", self._tile_handler(tile.dataset.preset))
        on(el("draw"), "click", lambda e: self.set_drawing(el("draw").getAttribute("aria-pressed") != "true"))
        on(el("apply-drawing"), "click", lambda e: self.apply_drawing())
        on(el("clear-drawing"), "click", lambda e: self.clear_drawing())
        on(el("save-model"), "click", lambda e: self.save_model())
        on(document, "keydown", self._key)
        on(window, "resize", lambda e: self._resized())
        on(window, "hashchange", lambda e: self.follow_address())
        window.ganlab = _object(snapshot=proxy(self.snapshot), train=proxy(self.train),
                                loadModel=proxy(self.load_model),
                                loadModelFailed=proxy(lambda why: self.say(f"Model not loaded: {why}.",
                                                                           near="model-file")))

    def _resized(self) -> None:
        self.view.layoutEdges()
        self.loop.dirty = True

    def _tile_handler(self, preset: str):
        def handler(event):
            if preset == "points":
                if self.trainer.points is not None:
                    self._change({"preset": "points"}, f"tile-{preset}")
                else:
                    self.set_drawing(True)
                return
            if self.pretrained_on() and preset in self.pretrained:
                asyncio.ensure_future(self.load_pretrained(preset, near=f"tile-{preset}"))
                return
            self._change({"preset": preset}, f"tile-{preset}")
        return handler

    def _change(self, changes: dict, near: str) -> None:
        """Apply settings changes made by a button (never invalid): a new model if needed."""
        was_reset = self.trainer.update(changes)
        self.sync()
        what = ", ".join(BY_NAME[k].choice_label(v) if BY_NAME[k].choices else str(v)
                         for k, v in changes.items())
        if was_reset:
            self.after_reset(f"Data set: {what}, a new model.", near=near)

    def _read_layers(self) -> None:
        self.flags = sum(paint.FLAGS[k] for k in LAYERS if el(f"show-{k}").checked)
        self.loop.dirty = True

    def _key(self, event) -> None:
        target = event.target
        tag = (target.tagName or "").lower()
        if event.key == "Escape":
            if el("draw").getAttribute("aria-pressed") == "true":
                self.set_drawing(False)
            elif self.graph.close():
                pass
            return
        typing = tag in ("input", "select", "textarea") or bool(target.isContentEditable)
        if typing or event.ctrlKey or event.metaKey or event.altKey:
            return          # never while typing, never a browser shortcut
        key = event.key.lower()         # Caps Lock on: the same keys
        if key == " ":
            if tag == "button":
                return          # the focused button handles its own Space
            event.preventDefault()
            self.toggle_play()
        elif key in ("d", "g", "b"):
            self.step({"d": "d", "g": "g", "b": "both"}[key])
        elif key == "r":
            self.reset()

    # ----- actions ---------------------------------------------------------------------------
    def set_speed(self, per_frame: int) -> None:
        self.loop.set_speed(per_frame)
        if per_frame == SLOW_MOTION:
            el("explain").textContent = ("Slow motion: one training step every "
                                         f"{SLOW_STEP_S:g} seconds, each explained here. Press Play.")
        else:
            el("explain").textContent = ""
            if self.loop.playing:
                self.show_phase("play")

    def toggle_play(self) -> None:
        self.set_playing(not self.loop.playing)

    def set_playing(self, on_: bool) -> None:
        s = self.trainer.settings
        if on_ and self.trainer.diverged:
            self.say("Training has diverged: press Reset first.", near="play")
            on_ = False
        elif on_ and s["k_d"] == 0 and s["k_g"] == 0:
            self.say("Nothing to train: D steps and G steps per epoch are both 0. "
                     "Set either above 0 (in the update loops of the model graph).", near="play")
            on_ = False
        self.loop.playing = on_
        if not on_:
            self.loop.worker.halt()     # what it trains after the click is not wanted
        if on_ and self.loop.per_frame != SLOW_MOTION:
            self.view.clearMarks()
        self.show_phase("play" if on_ else "")
        if not on_:
            self._metrics_text()        # the sentence reads the model as it stopped
        button = el("play")
        label = "Pause" if on_ else "Play"
        el("play-text").textContent = label
        button.setAttribute("aria-label", label)

    def _long(self, epochs: float) -> bool:
        """Whether `epochs` epochs (fractions for single steps) would hold the page
        up for more than a frame or two: then they run over frames, in pieces."""
        t, loop = self.trainer, self.loop
        return t.is_huge() or loop.mid_step or bool(loop.jobs) or epochs * loop.epoch_s > 0.05

    def step(self, which: str) -> None:
        t = self.trainer
        s = t.settings
        if not self.loop.playing:
            self.show_phase("epoch" if which == "both" else which)
            self.view.markStep({"both": "g"}.get(which, which))
        share = 1.0 if which == "both" else 1.0 / max(1, s["k_d"] + s["k_g"])
        if self._long(share):
            work = t.epoch_steps(pieces=True) if which == "both" else t.step_pieces(which)
            self.loop.queue(work, self.check_diverged)
            return
        {"d": t.d_step, "g": t.g_step, "both": t.epoch}[which]()
        self.check_diverged()
        self.loop.dirty = True

    MAX_TRAIN = 100_000     # window.ganlab.train(n) blocks the page: keep n sane

    def train(self, epochs) -> int:
        """Run `epochs` epochs now (for automation); returns the epoch reached.

        Anything but a whole number from 0 to MAX_TRAIN runs nothing and says why.
        """
        if (isinstance(epochs, bool) or not isinstance(epochs, (int, float))
                or not 0 <= epochs <= self.MAX_TRAIN or epochs != int(epochs)):
            self.say(f"train(n): n must be a whole number from 0 to {self.MAX_TRAIN:,}, "
                     f"got {epochs!r}")
            return self.trainer.epoch_count
        n = int(epochs)
        if n and self._long(n):
            # Long: over the next frames, in pieces; the caller gets a promise of the epoch.
            import asyncio
            t, result = self.trainer, asyncio.get_event_loop().create_future()

            def work():
                for _ in range(n):
                    if t.diverged or t is not self.trainer:
                        return
                    yield from t.epoch_steps(pieces=True)

            def done():
                self.check_diverged()
                result.set_result(self.trainer.epoch_count)
            self.loop.queue(work(), done)
            return result
        self.trainer.train(n)
        self.check_diverged()
        self.loop.dirty = True
        return self.trainer.epoch_count

    def use_recommended(self) -> None:
        """Switch to the recipe of the current data set (state.RECIPES): a new model."""
        preset = self.trainer.settings["preset"]
        changed = {k: v for k, v in recipe(preset).items() if self.trainer.settings[k] != v}
        about = RECIPES[preset].about
        if not changed:
            self.say(f"Already using this data set's recipe: {about}.", near="recommended")
            return
        if not self.trainer.update(changed):
            self.trainer.reset()
        self.sync()
        self.after_reset(f"This data set's recipe ({about}): a new model. It learns in about "
                         f"{RECIPES[preset].epochs:,} epochs.", near="recommended", seconds=10)

    def reset(self, message: str = "Reset: a new model at epoch 0.", near: str = "reset") -> None:
        """A new model; the old one can be had back for UNDO_S seconds."""
        old = self.trainer
        self.trainer = Trainer(old.settings, old.points)
        self.trainer.generation = old.generation + 1
        self._undo = (old, window.performance.now() + UNDO_S * 1000)
        self.after_reset(message, near=near, seconds=UNDO_S, action="Undo")

    # ----- pre-trained models -------------------------------------------------------------------
    def pretrained_on(self) -> bool:
        """Whether "Use pre-trained model" is ticked."""
        return bool(el("pretrained").checked)

    def set_pretrained(self, on_: bool) -> None:
        """Tick or untick "Use pre-trained model" (the model in use stays)."""
        el("pretrained").checked = bool(on_)

    def opens_pretrained(self) -> str | None:
        """The data set whose pre-trained model the page opens on: the default's when the
        address names no settings, or the one whose settings the address names exactly
        (a reload keeps the trained picture); None: the address asks for a new model."""
        address = str(window.location.hash).lstrip("#")
        changes, _ = from_query(address)
        preset = changes.get("preset", BY_NAME["preset"].default)
        entry = self.pretrained.get(preset)
        if entry is None:
            return None
        if not address or make_settings(changes) == make_settings(from_query(entry["hash"])[0]):
            return preset
        return None

    def _pretrained_changed(self) -> None:
        preset = self.trainer.settings["preset"]
        if not self.pretrained_on():
            self.reset("Pre-trained model off: a new, untrained model with the same settings.",
                       near="pretrained")
        elif preset in self.pretrained:
            asyncio.ensure_future(self.load_pretrained(preset, near="pretrained"))
        else:
            self.set_pretrained(False)
            self.say("There is no pre-trained model for your own points: choose a data set "
                     "with a picture, or train this one.", near="pretrained")

    async def load_pretrained(self, preset: str, near: str | None = None, quiet: bool = False) -> bool:
        """Replace the model with `preset`'s pre-trained one (static/pretrained/); if it
        cannot be fetched, a new model of that data set instead, and the page says why."""
        entry = self.pretrained[preset]
        self._loading += 1
        ticket, before = self._loading, self.trainer

        def still_wanted() -> bool:
            # Meanwhile the learner may have chosen again, unticked the toggle, reset or
            # started a lesson: then this load is stale and must not replace their model.
            return ticket == self._loading and self.trainer is before and self.pretrained_on()
        try:
            text = await _prefetched(entry["file"])
            if text is None:
                response = await fetch(f"./static/pretrained/{entry['file']}")
                if not response.ok:
                    raise ModelFileError(f"the site answered {response.status}")
                text = await response.text()
            trainer = modelfile.from_json(text)
        except Exception as err:    # a network failure arrives as a JavaScript error
            if still_wanted():
                self.set_pretrained(False)
                self._change({"preset": preset}, near or "pretrained")
                self.say(f"The pre-trained model for {BY_NAME['preset'].choice_label(preset)} "
                         f"could not be loaded ({err}): a new model instead.", near=near or "topbar")
            return False
        if not still_wanted():
            return False
        trainer.generation = self.trainer.generation + 1
        self.trainer = trainer
        self.sync()
        el("diverged").hidden = True
        if not quiet:
            self.after_reset(f"Pre-trained model: {BY_NAME['preset'].choice_label(preset)}, "
                             f"{entry['epochs']:,} epochs ({entry['recipe']}). Press Play to "
                             "go on training it, or untick \"Use pre-trained model\" for a new one.",
                             near=near, seconds=10)
        self.loop.dirty = True
        return True

    def undo_reset(self) -> None:
        if not self._undo or window.performance.now() > self._undo[1]:
            self.say("Too late to undo that reset.", near="reset")
            return
        self.trainer, self._undo = self._undo[0], None
        self.sync()
        self.check_diverged()
        self.say(f"Undone: back at epoch {self.trainer.epoch_count:,}.", near="reset")

    def after_reset(self, message: str, near: str | None = None, **kw) -> None:
        el("diverged").hidden = True
        self.view.clearMarks()
        self.show_phase("play" if self.loop.playing else "")
        self.say(message, near, **kw)
        self.loop.dirty = True

    def check_diverged(self) -> None:
        reason = self.trainer.diverged
        if reason and el("diverged").hidden:
            self.set_playing(False)
            self.say("")
            el("diverged").textContent = reason
            el("diverged").hidden = False

    # ----- your own data -------------------------------------------------------------------------
    def set_drawing(self, on_: bool) -> None:
        el("draw").setAttribute("aria-pressed", "true" if on_ else "false")
        el("draw").textContent = "Stop drawing" if on_ else "Draw"
        self.view.setDrawing(on_)
        if on_:
            self.say("Drawing: drag on the view to add points (at least "
                     f"{MIN_DRAWN}), then press Apply drawing. Esc stops.", near="draw")
        self.loop.dirty = True

    def apply_drawing(self) -> None:
        flat = np.array(self.view.drawnPoints().to_py(), dtype=float)
        if flat.size < 2 * MIN_DRAWN:
            have = flat.size // 2
            self.say(f"A drawing needs at least {MIN_DRAWN} points; it has {have}. Press Draw and "
                     "drag on the view to add more; your current data and model are unchanged.",
                     near="apply-drawing")
            return
        try:
            self.trainer.set_points(flat.reshape(-1, 2))
        except DataError as err:
            self.say(f"Drawing not applied: {err}. Your current data and model are unchanged.",
                     near="apply-drawing")
            return
        self.set_drawing(False)
        self.sync()
        self.after_reset(f"Training on your {len(self.trainer.points)} drawn points (new model).",
                         near="apply-drawing")

    def clear_drawing(self) -> None:
        self.view.clearDrawing()
        self.say("Drawing cleared (the training data is unchanged until you apply a drawing).",
                 near="clear-drawing")
        self.loop.dirty = True

    # ----- model files ------------------------------------------------------------------------
    def save_model(self) -> None:
        """Download the model as JSON (everything needed to continue exactly here)."""
        try:
            text = modelfile.to_json(self.trainer)
        except ModelFileError as err:
            self.say(f"Not saved: {err}.", near="save-model")
            return
        name = f"ganlab-{self.trainer.settings['preset']}-epoch{self.trainer.epoch_count}.json"
        self.view.download(name, text)
        self.say(f"Saved {name}.", near="save-model")

    def load_model(self, name: str, text: str) -> None:
        """Replace the model with one loaded from a file; a bad file changes nothing."""
        try:
            trainer = modelfile.from_json(str(text))
        except ModelFileError as err:
            self.say(f"Model not loaded: {name}: {err}. The current model is unchanged.",
                     near="model-file", seconds=12)
            return
        self.set_playing(False)
        self.trainer = trainer
        self.sync()
        el("diverged").hidden = True
        self.check_diverged()
        if not trainer.diverged:
            self.say(f"Loaded {name}: epoch {trainer.epoch_count}, data {trainer.settings['preset']}.",
                     near="model-file")
        self.loop.dirty = True

    # ----- rendering -------------------------------------------------------------------------------
    def render(self, fr=None) -> None:
        """Draw frame `fr` (made in pieces for a big model) or, by default, the model now."""
        t = self.trainer
        if t.diverged and not np.isfinite(t.G.params).all():
            return      # nothing sensible to draw; the message says why
        if fr is None:
            fr = paint.frame_of(t)
        note = paint.view_note(fr, self.loop.redraw_frames if self.loop.playing else 1)
        if note != self._note:
            self._note = el("view-note").textContent = note
        self.painter.draw(fr, self.flags)
        self.lessons.render(fr)
        self.graph.show_losses(t.last_d_loss, t.last_g_loss)
        self.charts.update(t.history)
        self._metrics_text()
        self.inside.render()

    def _metrics_text(self) -> None:
        """The latest KL/JS (and precision/recall) in words, when a new value is recorded;
        while playing at most every METRICS_TEXT_S seconds (set_playing brings it up to
        date on Pause)."""
        t = self.trainer
        row = t.history.metrics[-1] if t.history.metrics else None
        key = (id(t.history), None if row is None else row[0])
        if row is None or key == self._metrics_key:
            return
        # Playing at full speed a new KL/JS row comes every frame: a sentence rewritten
        # 60 times a second cannot be read, and each rewrite costs the page a layout.
        now = time.monotonic()
        if self.loop.playing and now - self._metrics_at < METRICS_TEXT_S:
            return
        self._metrics_key, self._metrics_at = key, now
        el("metrics-now").textContent = overview.metrics_sentence(t)

    def snapshot(self) -> str:
        """The page's state as JSON, for tests and embedding."""
        t = self.trainer
        summary = t.summary()
        fake = t.generate(t.show_noise)
        return json.dumps({
            "epoch": t.epoch_count, "d_steps": t.d_steps, "g_steps": t.g_steps,
            "d_loss": summary["d_loss"], "g_loss": summary["g_loss"],
            "kl": summary["kl"], "js": summary["js"], "diverged": summary["diverged"],
            "reason": t.diverged, "settings": t.settings, "playing": self.loop.playing,
            "budget_ms": self.loop.budget_ms, "draw_ms": self.loop.draw_ms,
            # the training worker: off, loading, ready or broken; epochs it trained
            "worker": self.loop.worker.state, "worker_epochs": self.loop.worker.epochs,
            "worker_full_stops": self.loop.worker.full_stops,
            "points": None if t.points is None else len(t.points),
            "fake": fake.tolist() if np.isfinite(fake).all() else None,
            "real": t.show_real.tolist(),
            "wasm_bytes": _wasm_bytes(),
        })


def _object(**members):
    """A plain JavaScript object with these members."""
    obj = window.Object.new()
    for key, value in members.items():
        setattr(obj, key, value)
    return obj


async def _prefetched(file: str) -> str | None:
    """The text of pre-trained model `file` if static/first-frame.js fetched it while
    Python was loading (once: later loads fetch again); None if it did not, or failed."""
    pre = getattr(window, "ganlabPrefetch", None)
    if not pre or str(pre.file) != file:
        return None
    window.ganlabPrefetch = None
    try:
        return str(await pre.text)
    except Exception:       # a network failure: the caller fetches again and reports it
        return None


def _wasm_bytes() -> int:
    """The interpreter's WebAssembly memory (it only grows: the soak test watches it).
    `pyodide_js` is Pyodide's own module; PyScript offers no equivalent."""
    import pyodide_js
    return int(pyodide_js._module.HEAPU8.length)


async def start() -> App:
    """Build the app, load the pre-trained model it opens on, start the animation loop
    and mark the page ready."""
    app = App()
    preset = app.opens_pretrained()
    if preset is None or not await app.load_pretrained(preset, quiet=True):
        app.set_pretrained(False)
    for node in document.querySelectorAll("button, input, select"):
        node.disabled = False
    app.sync()
    app.view.layoutEdges()
    app.loop.start()
    el("loading").hidden = True
    window.ganlabReadyAt = window.performance.now()     # for the start-up benchmark
    document.body.dataset.state = "ready"
    if app._problems:
        app.say("Ignored from the link: " + summarise(app._problems), near="topbar", seconds=12)
        app._write_url()       # the address now says what the page really uses
    return app
