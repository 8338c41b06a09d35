"""The play/pause runner: a time budget per animation frame.

Each animation frame trains as many epochs as fit in the budget (or the fixed
number the speed control asks for), then redraws every view and chart once.
The budget adapts: a frame should take about one display refresh (16.7 ms), so
the training budget is what is left after the last frame's drawing and the
browser's own share. On top of that a cap backs off by a quarter whenever a
frame arrives late (a busy machine, a slow canvas) and creeps back up while
frames are on time. An epoch longer than STEPWISE_S (huge networks or batches)
is spread over frames a step at a time (Trainer.epoch_steps), so Pause and the
other controls still answer; every new model's first epoch goes that way until
it has been timed. One proxy for the frame callback is made at start-up and
reused; nothing grows per frame.
"""
from __future__ import annotations

import time

from pyscript import document, window
from pyscript.ffi import create_proxy

FRAME_MS = 16.7
MIN_BUDGET_MS, MAX_BUDGET_MS = 2.0, 10.0
SLOW_MOTION = -1    # the speed control's value for slow motion
SLOW_STEP_S = 1.5   # slow motion: one step every 1.5 s, with its explanation
STEPWISE_S = 0.25   # an epoch longer than this is spread over frames, a step at a time
MARGIN_MS = 5.0   # the browser's own work per frame: compositing, the painter's canvas calls


class Loop:
    def __init__(self, app):
        self.app = app
        self.playing = False
        self.dirty = True
        self.per_frame = 0            # 0: as many epochs as fit in the budget
        self.budget_ms = 8.0
        self.cap_ms = MAX_BUDGET_MS
        self._last_now = None
        self.draw_ms = 0.0            # the last frame's drawing time (views and charts)
        self.epoch_s = 0.0            # how long the last epoch took
        self._steps = self._steps_of = self._model = None
        self._steps_s = 0.0
        self._steps_epoch = -1
        self._slow_at = 0.0
        self._slow_counts = {"d": 0, "g": 0}
        self._proxy = create_proxy(self._tick)
        self._window_start = time.perf_counter()
        self._window_frames = 0
        self._window_epochs = 0
        self._shown_epoch = -1

    def start(self) -> None:
        window.requestAnimationFrame(self._proxy)

    def set_speed(self, per_frame: int) -> None:
        """Epochs per frame: 0 = as many as fit the budget, SLOW_MOTION = one step
        every SLOW_STEP_S seconds, each explained."""
        self.per_frame = per_frame

    def _one_step(self, t) -> str | None:
        """Take the next step of the epoch in progress (starting one if needed).

        Returns "d" or "g" for the step taken, or None if there was none to take
        (the epoch ended early: divergence, a reset, or k_d = k_g = 0).
        """
        if self._steps is None or self._steps_of is not t:
            self._steps, self._steps_of, self._steps_s = t.epoch_steps(), t, 0.0
            self._steps_epoch = t.epoch_count
        start = time.perf_counter()
        kind = next(self._steps, None)
        self._steps_s += time.perf_counter() - start
        if kind is None or t.epoch_count != self._steps_epoch:
            # That was the epoch's last step (or it stopped): time it, start afresh.
            self.epoch_s = self._steps_s
            self._steps = None
        return kind

    def _slow_motion(self, t) -> int:
        now = time.perf_counter()
        if now - self._slow_at < SLOW_STEP_S:
            return 0
        self._slow_at = now
        before = t.epoch_count
        fresh = self._steps is None or self._steps_of is not t
        kind = self._one_step(t)
        if kind is None:
            fresh, kind = True, self._one_step(t)        # a fresh epoch
        if fresh:
            self._slow_counts = {"d": 0, "g": 0}
        if kind:
            self._slow_counts[kind] += 1
            k = t.settings["k_d" if kind == "d" else "k_g"]
            self.app.explain_step(kind, self._slow_counts[kind], k)
        return max(0, t.epoch_count - before)

    def _train(self) -> int:
        """Train for this frame's budget; return the epochs completed."""
        t = self.app.trainer
        if self.per_frame == SLOW_MOTION:
            return self._slow_motion(t)
        if self.per_frame:
            return t.train(self.per_frame)
        clock = time.perf_counter
        budget = self.budget_ms / 1000.0
        deadline = clock() + budget
        before = t.epoch_count
        model = (id(t), t.generation, id(t.settings))
        if model != self._model:
            # A new model or new settings: its first epoch goes step by step (it
            # might be a huge one), and is timed before whole epochs are trusted.
            self._model, self.epoch_s, self._steps = model, float("inf"), None
        if self.epoch_s < STEPWISE_S:
            # Whole epochs until the budget is spent (at least one per frame: an
            # epoch up to a quarter second long still beats many slow frames).
            while clock() < deadline:
                start = clock()
                if not t.epoch():
                    break
                self.epoch_s = clock() - start
        else:
            # One epoch takes far longer than a frame (big networks, big batches):
            # spread it over frames a step at a time, so the page stays responsive.
            while clock() < deadline:
                if self._one_step(t) is None or self._steps is None:
                    break       # the epoch ended: whole epochs again if it was quick
        return max(0, t.epoch_count - before)

    def _tick(self, now=None) -> None:
        try:
            if now is not None and self._last_now is not None and self.playing:
                late = now - self._last_now > 1.4 * FRAME_MS
                self.cap_ms = (max(MIN_BUDGET_MS, self.cap_ms * 0.75) if late
                               else min(MAX_BUDGET_MS, self.cap_ms + 0.05))
            self._last_now = now
            epochs = 0
            if self.playing:
                epochs = self._train()
                self.app.check_diverged()
                self.dirty = True
            if self.dirty:
                self.dirty = False
                start = time.perf_counter()
                self.app.render()
                draw_ms = self.draw_ms = (time.perf_counter() - start) * 1000.0
                self.budget_ms = min(self.cap_ms, max(MIN_BUDGET_MS, FRAME_MS - draw_ms - MARGIN_MS))
                self._window_frames += 1
            self._window_epochs += epochs
            self._readouts()
        except Exception as err:    # a bug: keep the page alive, say so, and log it loudly
            self.app.set_playing(False)
            self.app.say(f"Something went wrong while training: {err}")
            window.console.error(f"ganlab loop: {err!r}")
        finally:
            window.requestAnimationFrame(self._proxy)

    def _readouts(self) -> None:
        epoch = self.app.trainer.epoch_count
        if epoch != self._shown_epoch:
            document.getElementById("epoch").textContent = str(epoch)
            self._shown_epoch = epoch
        now = time.perf_counter()
        span = now - self._window_start
        if span >= 0.5:
            document.getElementById("eps").textContent = f"{self._window_epochs / span:,.0f}"
            document.getElementById("fps").textContent = f"{self._window_frames / span:.0f}"
            self._window_start, self._window_frames, self._window_epochs = now, 0, 0
