"""The page's training worker, seen from the page (static/train-worker.js runs it).

While the page plays at full speed, the epochs are trained in a Web Worker with a
Pyodide of its own, so that the page's thread is left to draw. The page's trainer
stays the model the views, the charts and every control read: each frame, the
updates the worker sent make it exactly the worker's model (ganlab.remote.apply).

Anything else that touches the model (Pause, a Step, a new setting, Reset, a loaded
model) needs nothing from the worker: the page's copy is already exact. `step`
notices that the model is no longer the one it last copied into and starts the
worker again from it, and `halt` drops the updates still on their way. Until the
worker is up (it loads on the first Play), or if it cannot start, the page trains
by itself as before. A page that draws no frames (a hidden tab) takes no updates,
and the worker stops after INBOX_MOST of them, as training in the page would.

Why a plain module Worker with Pyodide, not PyScript's own workers: those compile
their hooks with Function(), which the page's Content-Security-Policy forbids
(static/pyscript-start.js drops that hook), and their synchronous calls need
SharedArrayBuffer, i.e. cross-origin isolation headers a static host may not send.
Messages (postMessage, the raw bytes transferred) need neither.
"""
from __future__ import annotations

import os

from pyscript import window
from pyscript.ffi import create_proxy, to_js

from .. import remote
from ..modelfile import ModelFileError

WORKER = "./static/train-worker.js"
# Updates waiting for a frame, at most (or this many bytes): beyond it the page is not
# drawing (a hidden tab has no frames, a long task holds them up), so the worker is
# told to stop; the next frame applies what came and starts it again from there.
INBOX_MOST, INBOX_BYTES = 32, 8 << 20


def _sources() -> dict:
    """The core's modules as the page has them (path -> text): the worker imports the
    very code the page runs."""
    here = os.path.dirname(remote.__file__)
    out = {}
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            with open(os.path.join(here, name), encoding="utf-8") as f:
                out[f"ganlab/{name}"] = f.read()
    return out




class TrainWorker:
    def __init__(self):
        self.state = "off"      # off -> loading -> ready; "broken" if it cannot run
        self.worker = None
        self.run = 0            # the training whose updates are wanted (0: none)
        self._runs = 0
        self._key = None        # remote.model_key of the model as the last update left it
        self._refused = None    # remote.model_key of a model that could not be sent (trained here)
        self.inbox: list = []   # updates of `run` not applied yet: (meta, raw bytes)
        self._inbox_bytes = 0
        self._full = False      # the inbox filled up: the worker was told to stop
        self.epochs = 0         # epochs trained in the worker, in all (for tests)
        self.full_stops = 0     # times it was stopped for a full inbox (for tests)
        self._on_message = create_proxy(self._message)
        self._on_error = create_proxy(self._error)

    def boot(self) -> None:
        """Start loading the worker (once): a second Pyodide, a few seconds."""
        if self.state != "off":
            return
        try:
            self.worker = window.Worker.new(WORKER, to_js({"type": "module"}))
            self.worker.onmessage = self._on_message
            self.worker.onerror = self._on_error
            self.worker.postMessage(to_js({"type": "boot", "files": _sources()}))
            self.state = "loading"
        except Exception as err:    # no workers here: the page trains by itself
            self._broken(f"cannot start: {err}")

    def step(self, t) -> int | None:
        """One frame while playing at full speed: the epochs the worker's updates brought
        to trainer `t`; None if the worker cannot train yet (the page trains itself)."""
        if self.state != "ready":
            self.boot()
            return None
        key = remote.model_key(t)
        if self.run and not remote.same_model(self._key, key):
            self.halt()                 # the model was changed here: start again from it
        if not self.run:
            if self._refused is not None and remote.same_model(self._refused, key):
                return None
            try:
                text = remote.start_text(t)
            except ModelFileError as err:   # a model no file can hold: train it here
                window.console.warn(f"ganlab worker: training in the page: {err}")
                self._refused = key
                return None
            self._runs += 1
            self.run = self._runs
            self.worker.postMessage(to_js({"type": "start", "run": self.run, "text": text}))
            self._key = key
            return 0
        gained = 0
        try:
            for meta, raw in self.inbox:
                gained += remote.apply(t, meta, raw)
        except ValueError as err:       # cannot happen unless the model changed unseen
            window.console.warn(f"ganlab worker: update dropped: {err}")
            self.halt()
        if self._full:                  # it was told to stop: go on from here next frame
            self.halt()
        self.inbox.clear()
        self._inbox_bytes = 0
        self._key = remote.model_key(t)     # the updates moved its counts on
        self.epochs += gained
        return gained

    def halt(self) -> None:
        """Stop training in the worker; updates still on their way are dropped."""
        if self.run and not self._full:
            self.worker.postMessage(to_js({"type": "halt"}))
        self.run, self._full = 0, False
        self.inbox.clear()
        self._inbox_bytes = 0

    def _message(self, event) -> None:
        d = event.data
        if d.type == "update":
            if d.run == self.run and not self._full:
                raw = d.raw.to_bytes()
                self.inbox.append((d.meta, raw))
                self._inbox_bytes += len(raw)
                if len(self.inbox) >= INBOX_MOST or self._inbox_bytes >= INBOX_BYTES:
                    # No frame has taken them: stop the worker, keep what came.
                    self.worker.postMessage(to_js({"type": "halt"}))
                    self._full = True
                    self.full_stops += 1
        elif d.type == "ready":
            self.state = "ready"
        elif d.type == "error":
            if d.run == self.run or not d.run:
                self._broken(d.message)

    def _error(self, event) -> None:
        event.preventDefault()
        self._broken(getattr(event, "message", "") or "failed to load")

    def _broken(self, why: str) -> None:
        """The worker cannot train: the page trains by itself from now on."""
        self.halt()
        self.state = "broken"
        window.console.warn(f"ganlab worker: {why}; training in the page instead")
