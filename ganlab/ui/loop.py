"""The play/pause runner: a time budget per animation frame.

Each animation frame trains as many epochs as fit in the budget (or the fixed
number the speed control asks for), then redraws every view and chart once.
The budget adapts: a frame should take about one display refresh (16.7 ms), so
the training budget is what is left after the last frame's drawing and the
browser's own share. On top of that a cap backs off by a quarter whenever a
frame arrives late because of our own work (a slow canvas, a long epoch; not
a machine busy with something else) and creeps back up while frames are on
time. An epoch longer than STEPWISE_S (huge networks or batches) is spread over
frames a step at a time (Trainer.epoch_steps), so Pause and the other controls
still answer; every new model's first epoch goes that way until
it has been timed. A model so big that one frame's views would hold the page up
gets its picture made over several frames, piece by piece, training waiting
meanwhile (paint.frame_job), and so is its first KL/JS record (queued as a job:
Trainer.record_pieces). While it trains, that picture is a lighter one, and a new
one is started VIEW_EVERY_S after the last began (training getting at least a
fifth of the frames), so the views move ten times a second or more. Playing at
full speed, epochs under WORKER_EPOCH_S are trained in a Web Worker once it is up
(ui/trainworker.py), and this thread only copies its model home and draws. One
proxy for the frame callback is made at start-up and reused; nothing grows per
frame.
"""
from __future__ import annotations

import time
from collections import deque

from pyscript import document, window
from pyscript.ffi import create_proxy

from . import paint
from .trainworker import TrainWorker

FRAME_MS = 16.7
MIN_BUDGET_MS, MAX_BUDGET_MS = 2.0, 10.0
SLOW_MOTION = -1    # the speed control's value for slow motion
SLOW_STEP_S = 1.5   # slow motion: one step every 1.5 s, with its explanation
STEPWISE_S = 0.04   # an epoch longer than this is spread over frames, piece by piece
MARGIN_MS = 5.0   # the browser's own work per frame: compositing, the painter's canvas calls
VIEW_EVERY_S = 0.08  # a big model's picture, while it trains: a new one this often, at most
# Epochs this quick are trained in the worker while playing at full speed (it sends
# the model after each batch of whole epochs, so longer ones would show no progress
# for that long: they go on here, step by step, as before).
WORKER_EPOCH_S = 0.25


class Loop:
    def __init__(self, app):
        self.app = app
        self.playing = False
        self.dirty = True
        self.per_frame = 0            # 0: as many epochs as fit in the budget
        self.budget_ms = 8.0
        self.cap_ms = MAX_BUDGET_MS
        self.ceiling_ms = MAX_BUDGET_MS   # the cap that last made a frame late, less 5 %
        self._last_now = None
        self.draw_ms = 0.0            # the last frame's drawing time (views and charts)
        self._work_ms = 0.0           # the last tick's own time: training, drawing, readouts
        self.epoch_s = 0.0            # how long the last epoch took
        self._steps = self._steps_of = self._model = None
        self._steps_gen = -1
        self._steps_s = 0.0
        self._steps_epoch = -1
        self._slow_at = 0.0
        self.mid_step = False         # the epoch in progress is inside a step
        self.jobs = deque()           # queued work (a huge Step, train(n)): (pieces, done)
        self._skip = 0                # frames left before the views are redrawn
        self._view = None             # a picture in the making: (pieces, trainer, generation, light)
        self._view_ticks = 0          # frames it has taken so far
        self._view_started = 0.0      # when it was started (perf_counter seconds)
        self._record_of = None        # (trainer, generation) whose pending record is queued
        self.redraw_frames = 1        # frames between two redraws of the views, about
        self._frame_ms = self.budget_ms   # this frame's training budget
        self.worker = TrainWorker()   # trains while playing at full speed, once loaded
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

    def _pull(self, t, deadline: float, stop_at_step: bool = False) -> list:
        """Work on the epoch in progress (starting one if needed) piece by piece
        (Trainer.epoch_steps(pieces=True): each piece a few milliseconds at most)
        until `deadline`, the epoch's end, or with `stop_at_step` a step's end.
        Returns the kinds ("d"/"g") of the steps completed."""
        clock = time.perf_counter
        done = []
        while True:
            if self._steps is None or self._steps_of is not t:
                self._steps, self._steps_of, self._steps_s = t.epoch_steps(pieces=True), t, 0.0
                self._steps_epoch, self._steps_gen = t.epoch_count, t.generation
            start = clock()
            piece = next(self._steps, None)
            self._steps_s += clock() - start
            if piece is None:                   # the epoch ended early (divergence, reset)
                self._steps, self.mid_step = None, False
                return done
            self.mid_step = not piece.step_done
            if piece.step_done:
                done.append(piece.kind)
                if t.epoch_count != self._steps_epoch:     # that finished the epoch
                    self.epoch_s, self._steps = self._steps_s, None
                    return done
                if stop_at_step:
                    return done
            if clock() >= deadline:
                return done

    def _slow_motion(self, t) -> int:
        now = time.perf_counter()
        if now - self._slow_at < SLOW_STEP_S and not self.mid_step:
            return 0
        before = t.epoch_count
        done = self._pull(t, now + self._frame_ms / 1000.0, stop_at_step=True)
        if done:
            self._slow_at = time.perf_counter()
            kind = done[-1]
            s = t.settings
            k = s["k_d"] if kind == "d" else s["k_g"]
            pos = t.epoch_pos       # steps done in the epoch; 0 once it is over
            i = (pos if pos else s["k_d"]) if kind == "d" else (pos - s["k_d"] if pos else k)
            self.app.explain_step(kind, i, k)
        return max(0, t.epoch_count - before)

    def drop_epoch(self) -> None:
        """Forget the epoch in progress (the model it belonged to was replaced): queued
        work waits while a step is in progress, and only playing would end that one."""
        self._steps, self.mid_step = None, False

    def queue(self, work, done=None) -> None:
        """Run `work` (an iterator of bounded pieces) over the next frames, within
        their budgets, then call done(). Play waits meanwhile."""
        self._queue_record()        # a new model's pending record goes first
        self.jobs.append((work, done))
        self.dirty = True

    def _queue_record(self) -> None:
        """Queue a new huge model's epoch-0 record (Trainer.defer_big_record), once:
        made over the next frames, before any training (play waits for jobs)."""
        t = self.app.trainer
        if t.record_pending and self._record_of != (t, t.generation):
            self._record_of = (t, t.generation)
            self.jobs.append((t.record_pieces(), None))
            self.dirty = True

    def _run_jobs(self, deadline: float) -> None:
        clock = time.perf_counter
        while self.jobs:
            work, done = self.jobs[0]
            for _ in work:
                if clock() >= deadline:
                    return
            self.jobs.popleft()
            if done is not None:
                done()
            self.dirty = True

    def _train(self) -> int:
        """Train for this frame's budget; return the epochs completed."""
        t = self.app.trainer
        if self.per_frame == SLOW_MOTION:
            return self._slow_motion(t)
        clock = time.perf_counter
        deadline = clock() + self._frame_ms / 1000.0
        before = t.epoch_count
        # The objects themselves (a new settings dict could reuse a freed one's id);
        # settings compare by value: the same values cost the same.
        model = (t, t.generation, t.settings)
        if model != self._model:
            # A new model or new settings: its first epoch goes in pieces (it might
            # be a huge one), and is timed before whole epochs are trusted.
            self._model, self.epoch_s, self._steps = model, float("inf"), None
            self.ceiling_ms = MAX_BUDGET_MS     # its epochs cost what they cost: learn anew
        if (self.per_frame == 0 and self.epoch_s < WORKER_EPOCH_S and not self.mid_step
                and not t.epoch_pos and not t.record_pending and not t.diverged):
            # As fast as it goes: the worker trains whole epochs, this thread draws.
            got = self.worker.step(t)
            if got is not None:
                return got
        else:
            self.worker.halt()
        if self.epoch_s < STEPWISE_S and not self.mid_step:
            if self.per_frame:
                return t.train(self.per_frame)
            # Whole epochs until the budget is spent.
            while clock() < deadline:
                start = clock()
                if not t.epoch():
                    break
                self.epoch_s = clock() - start
        else:
            # One epoch takes longer than a frame should (big networks, big batches):
            # go on with it piece by piece, so the page keeps answering.
            self._pull(t, deadline)
        return max(0, t.epoch_count - before)

    def _tick(self, now=None) -> None:
        try:
            t = self.app.trainer
            if self.mid_step and (self._steps_of is not t or self._steps_gen != t.generation):
                # The model was replaced (Reset, a lesson, a loaded or pre-trained model)
                # in the middle of a step: that step is gone, and must not hold up Steps.
                self.drop_epoch()
            if now is not None and self._last_now is not None and self.playing:
                # Back off only when the late frame was our own doing (our last tick's
                # work took most of a frame): a busy machine or another tab makes frames
                # late too, and training less would not bring them back on time.
                # After a late frame the cap that caused it, less a little, is a
                # ceiling: the cap comes back up to it quickly and passes it only
                # slowly, so a busy page settles just under the budget that keeps
                # frames on time instead of being late again every second or so.
                late = now - self._last_now > 1.4 * FRAME_MS
                ours = self._work_ms > 0.5 * FRAME_MS
                if late and ours:
                    self.ceiling_ms = max(MIN_BUDGET_MS, 0.95 * self.cap_ms)
                    self.cap_ms = max(MIN_BUDGET_MS, 0.85 * self.cap_ms)
                else:
                    rise = 0.25 if self.cap_ms < self.ceiling_ms else 0.005
                    self.cap_ms = min(MAX_BUDGET_MS, self.cap_ms + rise)
            self._last_now = now
            tick_start = time.perf_counter()
            if not (self.playing and self.per_frame == 0) or self.jobs:
                # Paused, slower speeds, or a Step to take here: the copy is exact.
                self.worker.halt()
            epochs = 0
            self._queue_record()
            # A frame that will not redraw the views may train for longer.
            self._frame_ms = (self.budget_ms if self._skip <= 1
                              else min(self.cap_ms, FRAME_MS - MARGIN_MS))
            if self._view is not None:
                # A picture of a big model in the making: this frame's time goes to it,
                # and training waits, so that the picture shows one moment.
                self._view_ticks += 1
                fr = self._advance_view(time.perf_counter() + self._frame_ms / 1000.0)
                if fr is not None:
                    # Frames of training until the next picture is due (VIEW_EVERY_S
                    # after this one began), at least a quarter as many as it took and
                    # one; _skip counts this frame too.
                    due = VIEW_EVERY_S - (time.perf_counter() - self._view_started)
                    train = max(1, -(-self._view_ticks // 4), round(due * 1000.0 / FRAME_MS))
                    if self.worker.run:
                        train = 1   # the worker trains meanwhile: one frame to take its updates
                    self._skip = min(12, train) + 1
                    self.redraw_frames = self._view_ticks + self._skip - 1
                    self._paint(fr)
            elif self.jobs and not self.mid_step:
                before = self.app.trainer.epoch_count
                self._run_jobs(time.perf_counter() + self._frame_ms / 1000.0)
                epochs = max(0, self.app.trainer.epoch_count - before)
                self.app.check_diverged()
            elif self.playing:
                epochs = self._train()
                self.app.check_diverged()
                self.dirty = True
            # A view that takes long to draw (a big discriminator over the grid) is
            # redrawn every few frames while training, so the frames keep coming.
            self._skip -= 1
            if (self._view is None and self.dirty
                    and (self._skip <= 0 or not (self.playing or self.jobs))):
                self._skip = min(6, int(self.draw_ms // 8) + 1)
                self.dirty = False
                t = self.app.trainer
                if paint.in_pieces(t):
                    # One frame's passes would hold the page up: make the picture over
                    # the next frames, piece by piece (fields.frame_pieces).
                    job = paint.frame_job(t, light=self.playing)
                    self._view, self._view_ticks = (job, t, t.generation, self.playing), 0
                    self._view_started = time.perf_counter()
                else:
                    self.redraw_frames = self._skip
                    self._paint(None)
            self._window_frames += 1
            self._window_epochs += epochs
            self._readouts()
            self._work_ms = (time.perf_counter() - tick_start) * 1000.0
        except Exception as err:    # a bug: keep the page alive, say so, and log it loudly
            self.app.set_playing(False)
            self.app.say(f"Something went wrong while training: {err}")
            window.console.error(f"ganlab loop: {err!r}")
        finally:
            window.requestAnimationFrame(self._proxy)

    def _paint(self, fr) -> None:
        """Draw the views and charts (of frame `fr`, made piece by piece, or of now),
        and fit the next frames' training budget to what drawing took."""
        start = time.perf_counter()
        self.app.render(fr)
        draw_ms = self.draw_ms = (time.perf_counter() - start) * 1000.0
        self.budget_ms = min(self.cap_ms, max(MIN_BUDGET_MS, FRAME_MS - draw_ms - MARGIN_MS))

    def _advance_view(self, deadline: float):
        """Work on the picture in the making until `deadline`; return its Frame once
        done, else None. A picture of a model since replaced is dropped (and redone)."""
        job, of, generation, light = self._view
        t = self.app.trainer
        if of is not t or generation != t.generation:
            self._view, self.dirty = None, True
            return None
        clock = time.perf_counter
        try:
            while clock() < deadline:
                next(job)
        except StopIteration as done:
            self._view = None
            if light and not self.playing:
                self.dirty = True       # paused meanwhile: the full picture follows
            return done.value
        return None

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
