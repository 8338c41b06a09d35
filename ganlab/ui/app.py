"""The page's wiring: connects the controls (generated from the settings table) to a Trainer.

This module and `loop` are the only code that touches the browser. Every button
maps onto one trainer method (Step discriminator -> d_step, Step generator ->
g_step, Step both -> epoch, Reset -> reset); settings changes go through
Trainer.update, which validates first, so a bad value changes nothing and the
page says why. Event callbacks are wrapped in proxies once, at start-up.
"""
from __future__ import annotations

import json

import js
import numpy as np
from pyodide.ffi import create_proxy

from .. import fields, modelfile
from ..data import DataError
from ..gan import Trainer
from ..modelfile import ModelFileError
from ..state import (BY_NAME, RECOMMENDED, SETTINGS, SettingsError, from_query, make_settings,
                     summarise, to_query)
from . import overview, paint
from .loop import SLOW_MOTION, SLOW_STEP_S, Loop

LAYERS = ("heat", "real", "fake", "manifold", "grad", "pred")


def el(id_: str):
    return js.document.getElementById(id_)


class App:
    def __init__(self):
        self.view = js.window.ganlabView
        self._proxies = []          # every callback proxy, kept alive for the page's life
        changes, problems = from_query(js.window.location.hash)
        try:
            self.trainer = Trainer(changes)
        except SettingsError as err:
            problems.append(str(err))
            self.trainer = Trainer({k: v for k, v in changes.items() if k != "preset"})
        self.charts = paint.Charts(self.view)
        self._metrics_key = None
        self.flags = 0
        self.loop = Loop(self)
        self._wire()
        self._sync_controls()
        self._read_layers()
        if problems:
            self.say("Ignored from the link: " + summarise(problems))
            self._write_url()       # the address now says what the page really uses

    # ----- helpers -----------------------------------------------------------------------
    def _on(self, target, event: str, fn) -> None:
        proxy = create_proxy(fn)
        self._proxies.append(proxy)
        target.addEventListener(event, proxy)

    def say(self, text: str) -> None:
        """Show a short message under the run controls (plain text, never HTML)."""
        el("message").textContent = text

    def _sync_controls(self) -> None:
        for s in SETTINGS:
            el(f"set-{s.name}").value = str(self.trainer.settings[s.name])
        self._sync_overview()

    def _sync_overview(self) -> None:
        """The overview graph's labels: each network's shape and update rule, the loss."""
        for id_, text in overview.labels(self.trainer.settings).items():
            el(id_).textContent = text

    def explain_step(self, kind: str) -> None:
        """Slow motion: light up the step just taken and say what it did."""
        self.show_phase(kind)
        el("explain").textContent = overview.explanation(kind, self.trainer.settings)

    def show_phase(self, phase: str) -> None:
        """Light up in the overview the parts that the last action used: "d", "g",
        "epoch" (both), "play" (both, animated) or "" (nothing)."""
        el("overview").dataset.phase = phase

    def follow_address(self) -> None:
        """The address changed (a pasted link, Back, Forward): use the settings it names.

        A link says every setting that differs from the defaults, so the settings
        become the defaults plus the link's. Bad pairs are ignored and reported; a
        drawn point set is kept when the link names no data set (points cannot
        travel in a link).
        """
        changes, problems = from_query(js.window.location.hash)
        if self.trainer.settings["preset"] == "points" and "preset" not in changes:
            changes["preset"] = "points"
        if changes.get("preset") == "points" and self.trainer.points is None:
            problems.append("preset points needs a drawn or imported point set")
            del changes["preset"]
        wanted = make_settings(changes)
        diff = {k: v for k, v in wanted.items() if v != self.trainer.settings[k]}
        was_reset = bool(diff) and self.trainer.update(diff)
        self._sync_controls()
        self._write_url()
        if diff:
            what = ", ".join(f"{k} {v}" for k, v in diff.items())
            text = f"Settings from the address: {what}" + (" (a new model)." if was_reset else ".")
        else:
            text = "The address names the settings already in use."
        if problems:
            text += " Ignored: " + summarise(problems)
        if was_reset:
            self._after_reset(text)
        else:
            self.say(text)
            self.loop.dirty = True

    def _write_url(self) -> None:
        """Put the settings in the address (a point set cannot travel in a link)."""
        settings = dict(self.trainer.settings)
        if settings["preset"] == "points":
            settings["preset"] = BY_NAME["preset"].default
        query = to_query(settings)
        js.window.history.replaceState(None, "", ("#" + query) if query else js.window.location.pathname)

    # ----- wiring --------------------------------------------------------------------------
    def _wire(self) -> None:
        for s in SETTINGS:
            self._on(el(f"set-{s.name}"), "change", self._setting_handler(s.name))
        self._on(el("play"), "click", lambda e: self.toggle_play())
        self._on(el("step-d"), "click", lambda e: self.step("d"))
        self._on(el("step-g"), "click", lambda e: self.step("g"))
        self._on(el("step-both"), "click", lambda e: self.step("both"))
        self._on(el("reset"), "click", lambda e: self.reset())
        self._on(el("recommended"), "click", lambda e: self.use_recommended())
        self._on(el("speed"), "change", lambda e: self.set_speed(int(el("speed").value)))
        for layer in LAYERS:
            self._on(el(f"show-{layer}"), "change", lambda e: self._read_layers())
        self._on(el("draw"), "click", lambda e: self.set_drawing(el("draw").getAttribute("aria-pressed") != "true"))
        self._on(el("apply-drawing"), "click", lambda e: self.apply_drawing())
        self._on(el("clear-drawing"), "click", lambda e: self.clear_drawing())
        self._on(el("save-model"), "click", lambda e: self.save_model())
        self._on(js.document, "keydown", self._key)
        self._on(js.window, "resize", lambda e: setattr(self.loop, "dirty", True))
        self._on(js.window, "hashchange", lambda e: self.follow_address())
        api = js.Object.new()
        api.snapshot = create_proxy(self.snapshot)
        api.train = create_proxy(self.train)
        api.loadModel = create_proxy(self.load_model)
        api.loadModelFailed = create_proxy(lambda why: self.say(f"Model not loaded: {why}."))
        self._proxies += [api.snapshot, api.train, api.loadModel, api.loadModelFailed]
        js.window.ganlab = api

    def _setting_handler(self, name: str):
        def handler(event):
            control = el(f"set-{name}")
            try:
                was_reset = self.trainer.update({name: control.value})
            except SettingsError as err:
                self.say(f"Not applied: {err}")
                control.value = str(self.trainer.settings[name])
                return
            control.value = str(self.trainer.settings[name])
            self._sync_overview()
            if was_reset:
                self._after_reset(f"New model: {name} is now {self.trainer.settings[name]}.")
            else:
                self.say(f"{name} is now {self.trainer.settings[name]}; training goes on.")
            self._write_url()
            self.loop.dirty = True
        return handler

    def _read_layers(self) -> None:
        self.flags = sum(paint.FLAGS[k] for k in LAYERS if el(f"show-{k}").checked)
        self.loop.dirty = True

    def _key(self, event) -> None:
        tag = (event.target.tagName or "").lower()
        if tag in ("input", "select", "textarea") or event.ctrlKey or event.metaKey or event.altKey:
            return
        key = event.key
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

    def set_playing(self, on: bool) -> None:
        if on and self.trainer.diverged:
            self.say("Training has diverged: press Reset first.")
            on = False
        self.loop.playing = on
        self.show_phase("play" if on else "")
        button = el("play")
        button.textContent = "Pause" if on else "Play"
        button.setAttribute("aria-label", "Pause" if on else "Play")

    def step(self, which: str) -> None:
        t = self.trainer
        {"d": t.d_step, "g": t.g_step, "both": t.epoch}[which]()
        if not self.loop.playing:
            self.show_phase("epoch" if which == "both" else which)
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
        self.trainer.train(int(epochs))
        self.check_diverged()
        self.loop.dirty = True
        return self.trainer.epoch_count

    def use_recommended(self) -> None:
        """Switch to settings that train every preset (state.RECOMMENDED): a new model."""
        changed = {k: v for k, v in RECOMMENDED.items() if self.trainer.settings[k] != v}
        if not changed:
            self.say("Already using the recommended settings.")
            return
        if not self.trainer.update(changed):
            self.trainer.reset()
        self._sync_controls()
        self._write_url()
        self._after_reset("Recommended settings (Adam, beta1 0.5, 2 x 32 units): a new model. "
                          "Changed: " + ", ".join(f"{k} {v}" for k, v in changed.items()) + ".")

    def reset(self) -> None:
        self.trainer.reset()
        self._after_reset("Reset: a new model at epoch 0.")

    def _after_reset(self, message: str) -> None:
        el("diverged").hidden = True
        self.say(message)
        self.loop.dirty = True

    def check_diverged(self) -> None:
        reason = self.trainer.diverged
        if reason and el("diverged").hidden:
            self.set_playing(False)
            self.say("")
            el("diverged").textContent = reason
            el("diverged").hidden = False

    # ----- your own data -------------------------------------------------------------------------
    def set_drawing(self, on: bool) -> None:
        el("draw").setAttribute("aria-pressed", "true" if on else "false")
        el("draw").textContent = "Stop drawing" if on else "Draw"
        self.view.setDrawing(on)
        if on:
            self.say("Drawing: drag on the view to add points, then press Apply drawing.")
        self.loop.dirty = True

    def apply_drawing(self) -> None:
        flat = np.array(self.view.drawnPoints().to_py(), dtype=float)
        if flat.size == 0:
            self.say("Nothing to apply: the drawing is empty. Press Draw and drag on the view "
                     "to add points; your current data and model are unchanged.")
            return
        try:
            self.trainer.set_points(flat.reshape(-1, 2))
        except DataError as err:
            self.say(f"Drawing not applied: {err}. Your current data and model are unchanged.")
            return
        el("set-preset").value = "points"
        self.set_drawing(False)
        self._write_url()
        self._after_reset(f"Training on your {len(self.trainer.points)} drawn points (new model).")

    def clear_drawing(self) -> None:
        self.view.clearDrawing()
        self.say("Drawing cleared (the training data is unchanged until you apply a drawing).")
        self.loop.dirty = True

    # ----- model files ------------------------------------------------------------------------
    def save_model(self) -> None:
        """Download the model as JSON (everything needed to continue exactly here)."""
        try:
            text = modelfile.to_json(self.trainer)
        except ModelFileError as err:
            self.say(f"Not saved: {err}.")
            return
        name = f"ganlab-{self.trainer.settings['preset']}-epoch{self.trainer.epoch_count}.json"
        self.view.download(name, text)
        self.say(f"Saved {name}.")

    def load_model(self, name: str, text: str) -> None:
        """Replace the model with one loaded from a file; a bad file changes nothing."""
        try:
            trainer = modelfile.from_json(str(text))
        except ModelFileError as err:
            self.say(f"Model not loaded: {name}: {err}. The current model is unchanged.")
            return
        self.set_playing(False)
        self.trainer = trainer
        self._sync_controls()
        self._write_url()
        el("diverged").hidden = True
        self.check_diverged()
        if not trainer.diverged:
            self.say(f"Loaded {name}: epoch {trainer.epoch_count}, data {trainer.settings['preset']}.")
        self.loop.dirty = True

    # ----- rendering -------------------------------------------------------------------------------
    def render(self) -> None:
        t = self.trainer
        with_manifold = bool(self.flags & paint.FLAGS["manifold"])
        if t.diverged and not np.isfinite(t.G.params).all():
            return      # nothing sensible to draw; the message says why
        fr = fields.frame(t, with_manifold=with_manifold)
        paint.draw(self.view, fr, self.flags, t.settings["noise_dim"])
        self.charts.update(t.history)
        self._metrics_text()

    def _metrics_text(self) -> None:
        """The latest KL/JS (and mode coverage) in words, when a new value is recorded."""
        t = self.trainer
        row = t.history.metrics[-1] if t.history.metrics else None
        key = (id(t.history), None if row is None else row[0])
        if row is None or key == self._metrics_key:
            return
        self._metrics_key = key
        text = f"At epoch {row[0]:,}: KL {row[1]:.2f} bits, JS {row[2]:.3f} bits."
        modes = t.mode_coverage()
        if modes:
            text += (f" Modes covered: {modes['covered']} of {modes['modes']} "
                     f"({modes['in_modes']:.0%} of fakes near a mode).")
        el("metrics-now").textContent = text

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
            "points": None if t.points is None else len(t.points),
            "fake": fake.tolist() if np.isfinite(fake).all() else None,
            "real": t.show_real.tolist(),
            "wasm_bytes": _wasm_bytes(),
        })


def _wasm_bytes() -> int:
    """The interpreter's WebAssembly memory (it only grows: the soak test watches it).
    `pyodide_js` is Pyodide's own module; PyScript offers no equivalent."""
    import pyodide_js
    return int(pyodide_js._module.HEAPU8.length)


def start() -> App:
    """Build the app, start the animation loop and mark the page ready."""
    app = App()
    for node in js.document.querySelectorAll("button, input, select"):
        node.disabled = False
    app.loop.start()
    el("loading").hidden = True
    js.window.ganlabReadyAt = js.performance.now()     # for the start-up benchmark
    js.document.body.dataset.state = "ready"
    return app
