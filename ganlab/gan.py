"""The trainer: a generator G and a discriminator D learning against each other.

    G: noise z -> point x in the square (hidden layers, then a linear output layer
       whose bias starts at (0.5, 0.5), the square's centre; nothing squashes the
       output, so G's gradients never vanish at the edges, and the views and
       metrics clamp what falls outside);
    D: point x -> one logit l (D(x) = sigmoid(l) for the log losses).

One discriminator step (`d_step`): draw a fresh batch of n real points and n fakes
G(z), run D on all 2n rows at once, and move D's parameters down the gradient of
its loss. One generator step (`g_step`): draw fresh noise, run D(G(z)), and move
G's parameters down the gradient of the generator loss, back-propagated through
D into G (D's parameters stay as they are). One `epoch`: k_d D steps then k_g G
steps. The two steps as the equations, without the speed-ups below (and tested
to give the same numbers): `textbook.d_step` and `textbook.g_step`.

Everything random comes from one `numpy.random.Generator` seeded with the
`seed` setting, drawn in a fixed order, so the same settings give the same
numbers step for step, under CPython and in the browser. To keep the per-step
NumPy calls few, real points and noise are drawn POOL rows at a time and handed
out in slices (`_Pool`); a pool is redrawn from the same generator when used up.

Huge steps (a layer pass above PIECE_WORK multiply-adds: wide networks on big
batches) run in bounded pieces, block by block, whether taken whole or spread over
frames with `epoch_steps(pieces=True)`: the same numbers either way.

History: the D and G losses of the last step of each kind, every epoch; KL and
JS every METRICS_EVERY (10) epochs, often enough to draw an oscillation of 40
epochs; precision and recall every QUALITY_EVERY (50) epochs (they cost about
three times as much); each also at epoch 0. When a series reaches History.CAP
points, every other point is dropped and the recording stride doubles, so
memory stays bounded however long it trains. `record_metrics = False` turns the
metric series and the snapshots off (the benchmark measures what they cost).

Snapshots (the training replay, also what the page's "Look inside" scrubber shows):
every SNAP_EVERY (20) epochs, and at epoch 0, SNAP_FAKES fakes from the fixed shown
noise and D(x) on a SNAP_RES grid, thinned like the series (at most SNAP_CAP), so a
run of any length keeps them spread over all of it. `History.moment` gives one with
the losses and KL/JS the history holds for its epoch.

An epoch spread over several calls (`epoch_steps`: slow motion, or a slow epoch
spread over animation frames) keeps its position in `epoch_pos`, the steps of
the unfinished epoch already done; a model file stores it, so a model saved in
the middle of an epoch continues with the rest of that epoch when loaded. One saved
in the middle of a step in pieces holds the model as that step began (`draws`).
"""
from __future__ import annotations

import bisect
import math
from typing import NamedTuple

import numpy as np

from . import data, fields, losses, metrics, noise, optim
from .nn import MLP, Batch
from .steps import StepPlan
from .state import BY_NAME, SettingsError, make_settings

POOL = 4096             # rows drawn at once for real points and for noise
POOL_MAX = max(POOL, BY_NAME["batch"].hi)
N_SHOW_REAL = 400       # real points the views show
N_SHOW_FAKE = 200       # fakes the views show, from a fixed noise batch
N_METRIC_FAKE = 2500    # fakes behind the KL/JS histogram
N_METRIC_REAL = 5000    # reals behind the KL/JS histogram
METRICS_EVERY = 10      # epochs between KL/JS records
QUALITY_EVERY = 50      # epochs between precision/recall records
SNAP_EVERY = 20         # epochs between replay snapshots (History.snapshots)
SNAP_CAP = 64           # snapshots kept at most: thinned like the other series
SNAP_FAKES = 100        # fakes in a snapshot, from the first of the fixed shown noise
SNAP_RES = 12           # a snapshot's heatmap is SNAP_RES x SNAP_RES
G_OUT_SCALE = 0.15      # initial spread of the fakes, about 0.15 per axis
EXPLODED = 1e12         # squared parameter norm treated as blown up
# The most multiply-adds one piece of a step does (Trainer.epoch_steps(pieces=True)):
# about 6 ms in the browser (Pyodide's NumPy has no BLAS: ~1.5 ns per multiply-add).
# Steps with a layer pass above this also run in pieces when taken whole (see
# Trainer._in_pieces): batches of 150 with up to 118 units per layer never do.
PIECE_WORK = 1 << 22
# A KL/JS record whose generator pass over the N_METRIC_FAKE metric noise rows is
# bigger than this (~20 ms in the browser; at 5x100 it is 100 M) can be made in
# pieces: the epoch-0 record a page defers (Trainer.defer_big_record, record_pieces),
# and the record at the end of an epoch taken with epoch_steps(pieces=True).
RECORD_PIECES_WORK = 1 << 25


class Piece(NamedTuple):
    """One bounded piece of a step (see Trainer.epoch_steps)."""
    kind: str           # "d" or "g": the step it belongs to
    step_done: bool     # True for the step's last piece (its update)
    work: int           # multiply-adds it did (or array elements, for loss and update)


class _Pool:
    """Samples drawn POOL at a time from the trainer's generator, handed out in slices.

    `state` remembers the generator's state just before the current pool was
    drawn, so a saved trainer can redraw exactly the same pool when loaded.
    A pool can also be known by that state alone (`later`, see defer): it is
    redrawn the first time it is needed.
    """

    def __init__(self, draw):
        self.draw = draw
        self.rows = None
        self.pos = 0
        self.state = None
        self.later = None

    def take(self, rng: np.random.Generator, n: int) -> np.ndarray:
        pos, rows = self.pos, self.rows
        if rows is None or pos + n > len(rows):
            if self.later is not None:
                # Known by its state only: redraw it, leaving the generator where it is.
                now, saved, self.later = rng.bit_generator.state, self.later, None
                self.load(rng, saved)
                rng.bit_generator.state = now
                return self.take(rng, n)
            self.state = rng.bit_generator.state
            self.rows = rows = self.draw(rng, max(POOL, n))
            pos = 0
        self.pos = pos + n
        return rows[pos:pos + n]

    def to_dict(self):
        if self.later is not None:
            return dict(self.later)
        if self.rows is None:
            return None
        return {"state": self.state, "size": len(self.rows), "pos": self.pos}

    def defer(self, saved) -> None:
        """Become the pool `saved` (a to_dict()) without drawing it yet: it is drawn
        when first needed. The page's copy of a model trained in its worker gets a new
        pool this way many times a second, and needs it only if training comes home."""
        if saved == self.to_dict():
            return                      # the same pool: it is where it should be
        if (saved is not None and self.rows is not None and self.later is None
                and saved["state"] == self.state and saved["size"] == len(self.rows)):
            self.pos = saved["pos"]     # the same rows, further on
            return
        self.rows, self.pos, self.later = None, 0, None if saved is None else dict(saved)

    def load(self, rng: np.random.Generator, saved) -> None:
        self.later = None
        if saved is None:
            self.rows, self.state, self.pos = None, None, 0
            return
        size = saved["size"]
        if type(size) is not int or not 1 <= size <= POOL_MAX:
            raise ValueError(f"pool size must be a whole number from 1 to {POOL_MAX}")
        rng.bit_generator.state = saved["state"]
        self.state = saved["state"]
        self.rows = self.draw(rng, size)
        self.pos = saved["pos"]
        if type(self.pos) is not int or not 0 <= self.pos <= len(self.rows):
            raise ValueError("pool position out of range")


class Moment(NamedTuple):
    """One snapshot of the replay, with what the history holds for its epoch."""
    epoch: int
    fake: np.ndarray            # (SNAP_FAKES, 2) G(z) of the first of the fixed shown noise
    heat: np.ndarray            # (SNAP_RES, SNAP_RES) D(x), row 0 at the top
    d_loss: float | None        # the losses, KL/JS and precision/recall of the latest
    g_loss: float | None        # rows at or before the epoch (the series are thinned:
    kl: float | None            # maybe a little older; precision/recall every 50 epochs)
    js: float | None
    precision: float | None = None
    recall: float | None = None


class History:
    """Loss and metric series with bounded memory (see the module docstring)."""

    CAP = 4096
    CAPS = {"snapshots": SNAP_CAP}      # a snapshot is larger: fewer of them

    def __init__(self):
        self.losses: list[list] = []    # [epoch, d_loss, g_loss]
        self.metrics: list[list] = []   # [epoch, kl, js]
        self.quality: list[list] = []   # [epoch, precision, recall]
        # [epoch, fakes (2 * SNAP_FAKES floats, x y x y ...), heatmap (SNAP_RES^2, row 0 at
        # the top)]: a training replay (`python -m ganlab figure --animate`)
        self.snapshots: list[list] = []
        self.stride = {"losses": 1, "metrics": METRICS_EVERY, "quality": QUALITY_EVERY,
                       "snapshots": SNAP_EVERY}

    def due(self, series: str, epoch: int) -> bool:
        """Whether `series` records a row at `epoch` (its stride divides the epoch)."""
        return epoch % self.stride[series] == 0

    def add(self, series: str, epoch: int, *values) -> None:
        stride = self.stride[series]
        if epoch % stride:
            return
        rows = getattr(self, series)
        rows.append([epoch, *values])
        if len(rows) >= self.CAPS.get(series, self.CAP):
            stride *= 2
            self.stride[series] = stride
            rows[:] = [r for r in rows if r[0] % stride == 0]

    def thin(self, most: int) -> None:
        """Keep at most `most` rows per series, by doubling strides as a long run does
        (a shipped model's history is kept short this way)."""
        for series in self.stride:
            rows = getattr(self, series)
            while len(rows) > most:
                self.stride[series] *= 2
                rows[:] = [r for r in rows if r[0] % self.stride[series] == 0]

    def latest(self, series: str, epoch: int) -> list | None:
        """The last row of `series` at or before `epoch`; None if there is none."""
        rows = getattr(self, series)
        i = bisect.bisect_right(rows, epoch, key=lambda r: r[0])
        return rows[i - 1] if i else None

    def moment(self, i: int) -> Moment:
        """Snapshot i (IndexError if there is none) as arrays, with the losses, KL/JS and
        precision/recall recorded at or before its epoch."""
        epoch, fake, heat = self.snapshots[i]
        res = math.isqrt(len(heat))
        losses, kl_js = self.latest("losses", epoch), self.latest("metrics", epoch)
        quality = self.latest("quality", epoch)
        return Moment(epoch, np.reshape(fake, (-1, 2)), np.reshape(heat, (res, res)),
                      *(losses[1:] if losses else (None, None)),
                      *(kl_js[1:] if kl_js else (None, None)),
                      *(quality[1:] if quality else (None, None)))

    def to_dict(self) -> dict:
        return {"losses": self.losses, "metrics": self.metrics, "quality": self.quality,
                "snapshots": self.snapshots, "stride": self.stride}


class Trainer:
    """A GAN on 2D points: settings, both networks, their optimisers and the history."""

    record_metrics = True       # False: no KL/JS, precision/recall or snapshots in the history
    # True (the page sets it): a new model whose epoch-0 KL/JS pass is big leaves its
    # epoch-0 record pending (record_pending) for record_pieces(), so that making a
    # huge model does not hold the page up; anything that trains, or saves the model,
    # makes it first. Under CPython it is made at once.
    defer_big_record = False

    def __init__(self, settings: dict | None = None, points=None, record: bool = True):
        """A new model. `record=False`: without its epoch-0 KL/JS record, for a caller
        about to put a saved history in place (loading a model file: the record is a
        generator pass over 2,500 points, wasted there)."""
        self.settings = make_settings(settings or {})
        self.points = None if points is None else data.check_points(points)
        if self.settings["preset"] == "points" and self.points is None:
            raise SettingsError("the data set 'your points' needs a point set: draw or import points")
        self.generation = 0
        self.reset(record)

    # ----- building a fresh model -------------------------------------------------
    def reset(self, record: bool = True) -> None:
        """A new model from the current settings and seed: epoch 0, empty history (with
        its epoch-0 record unless `record` is False: see __init__)."""
        s = self.settings
        rng = self.rng = np.random.default_rng(s["seed"])
        self.G = MLP([s["noise_dim"]] + [s["g_units"]] * s["g_layers"] + [2],
                     s["g_activation"], rng, out_bias=0.5, out_scale=G_OUT_SCALE)
        self.D = MLP([2] + [s["d_units"]] * s["d_layers"] + [1], s["d_activation"], rng,
                     centre=0.5)
        self.show_noise = noise.sample(rng, s["noise"], N_SHOW_FAKE, s["noise_dim"])
        self.show_real = self.sample_real(rng, N_SHOW_REAL)
        # The metric noise with a column of ones appended, as G's first layer reads it
        # (see nn.MLP.bind): the KL/JS record, every 10 epochs, then copies nothing.
        self._metric_rows = np.ones((N_METRIC_FAKE, s["noise_dim"] + 1))
        self._metric_rows[:, :-1] = noise.sample(rng, s["noise"], N_METRIC_FAKE, s["noise_dim"])
        self.metric_noise = self._metric_rows[:, :-1]
        metric_real = self.sample_real(rng, N_METRIC_REAL)
        self.real_hist = metrics.histogram(metric_real)
        self._real_ref = metrics.Reference(self.real_hist)
        self.metric_fakes: tuple[int, np.ndarray] | None = None   # (epoch, G of the metric noise)
        # Precision and recall use the first PR_POINTS of the same reals and fakes.
        self.pr_real = metric_real[:metrics.PR_POINTS].copy()
        self.pr_real_radii = metrics.knn_radii(self.pr_real)
        self._real = _Pool(self.sample_real)
        self._noise = _Pool(self._sample_noise_rows)
        self.opt_d = self._optimizer("d")
        self.opt_g = self._optimizer("g")
        self._work: dict = {}
        self._pieces_key, self._pieces = None, False
        self._step_kit = (None,)
        self._step_start = None     # a step in pieces under way: the draws it began from
        self.epoch_count = self.d_steps = self.g_steps = self.epoch_pos = 0
        self.last_d_loss = self.last_g_loss = None
        self.diverged: str | None = None
        self.history = History()
        self.record_pending = record and self.defer_big_record and self._big_record()
        if record and not self.record_pending:
            self._record(0)
        self.generation += 1          # counts resets, so epoch_steps() can notice one

    def _sample_noise_rows(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n noise vectors with a column of ones appended: G's first layer reads them
        as they are (see nn.MLP.bind)."""
        s = self.settings
        rows = np.ones((n, s["noise_dim"] + 1))
        rows[:, :-1] = noise.sample(rng, s["noise"], n, s["noise_dim"])
        return rows

    def sample_real(self, rng: np.random.Generator, n: int) -> np.ndarray:
        s = self.settings
        return data.sample(s["preset"], rng, n, self.points, s["jitter"])

    def _optimizer(self, net: str):
        """A fresh optimiser for `net` ("d" or "g"), configured from the settings."""
        model = self.D if net == "d" else self.G
        return optim.make(self.settings, net, model.params, model.grad)

    # ----- training ----------------------------------------------------------------
    def d_step(self, want_loss: bool = True) -> bool:
        """One discriminator update on a fresh batch; G is unchanged. False if diverged.
        As the equations, real and fake samples apart: `textbook.d_step`.

        `want_loss`: also compute the loss value and look for a blow-up (NaN/inf
        loss, exploding weights); an epoch asks for both on its last D step only.
        """
        if self.diverged:
            return False
        if self.record_pending:
            self.settle()
        objective, plan = self._kit()
        if plan is None:        # a huge step: the same numbers, block by block
            for _ in self._d_pieces(want_loss):
                pass
            return not self.diverged
        return self._d_update(objective, plan.d_pass(want_loss), want_loss)

    def _d_update(self, objective, loss, want_loss: bool) -> bool:
        """The end of a D step, once D's gradient is in D.grad: the update and the checks."""
        self.opt_d.step()
        objective.after_d_step(self.D, self.settings)       # e.g. WGAN's weight clipping
        self.d_steps += 1
        if want_loss:       # the last D step of an epoch: also look for a blow-up
            self.last_d_loss = loss
            self._check("d", loss)
        return not self.diverged

    def g_step(self, want_loss: bool = True) -> bool:
        """One generator update through the (fixed) discriminator. False if diverged.
        As the equations: `textbook.g_step`.

        `want_loss` as for d_step; an epoch asks for it on its last G step only.
        """
        if self.diverged:
            return False
        if self.record_pending:
            self.settle()
        plan = self._kit()[1]
        if plan is None:
            for _ in self._g_pieces(want_loss):
                pass
            return not self.diverged
        return self._g_update(plan.g_pass(want_loss), want_loss)

    def _g_update(self, loss, want_loss: bool) -> bool:
        """The end of a G step, once G's gradient is in G.grad: the update and the checks."""
        self.opt_g.step()
        self.g_steps += 1
        if want_loss:       # the last G step of an epoch: also look for a blow-up
            self.last_g_loss = loss
            self._check("g", loss)
        return not self.diverged

    def _kit(self):
        """(the loss object, the StepPlan: None when steps run in pieces), made again
        when the settings, the model or its parameter arrays change: in the browser
        every lookup in a step costs time (see steps.py)."""
        kit = self._step_kit
        if (kit[0] is not self.settings or kit[1] != self.generation
                or kit[2] is not self.D.params or kit[3] is not self.G.params):
            s = self.settings
            n = s["batch"]
            objective = losses.get(s["loss"])
            plan = None if self._in_pieces(n) else StepPlan(
                self.G, self.D, n, objective, losses.targets(n), self.rng,
                self._real.take, self._noise.take)
            kit = self._step_kit = (s, self.generation, self.D.params, self.G.params,
                                    objective, plan)
        return kit[4:]

    def epoch(self) -> bool:
        """k_d discriminator steps, then k_g generator steps. False if diverged."""
        if self.diverged:
            return False
        if self.epoch_pos:      # finish an epoch left unfinished (slow motion, a loaded file)
            for _ in self.epoch_steps():
                pass
            return not self.diverged
        s = self.settings
        k_d, k_g = s["k_d"], s["k_g"]
        self.settle()
        # d_step and g_step, with what they check before a step checked once: each
        # step runs the plan's pass and its update, or (huge steps) in pieces.
        objective, plan = self._kit()
        for i in range(k_d):
            want = i == k_d - 1     # the loss and the blow-up check: last steps only
            if not (self._d_update(objective, plan.d_pass(want), want) if plan
                    else self.d_step(want)):
                return False
        for i in range(k_g):
            want = i == k_g - 1
            if not (self._g_update(plan.g_pass(want), want) if plan else self.g_step(want)):
                return False
        self._end_epoch()
        return True

    def epoch_steps(self, pieces: bool = False):
        """One epoch, a little at a time, for a caller that spreads a slow epoch over
        several animation frames, or shows it slowly. The same numbers as epoch();
        the epoch is counted (epoch_count, history) with the last piece of its last step.

        pieces=False: yields "d" or "g" after each whole step.

        pieces=True: yields a `Piece` after each bounded piece of work: a layer's
        forward or backward pass on a block of rows (or, for dL/dW, of columns), the
        loss, or the update; no piece does more than PIECE_WORK multiply-adds, at any
        size the settings allow (a few milliseconds in the browser), so a caller can
        pull pieces until its frame's budget is spent and carry on next frame.
        `piece.step_done` marks the last piece of each D or G step, `piece.kind` says
        which ("d" or "g"), `piece.work` its multiply-adds. Steps small enough to be
        one piece per layer pass still come in several pieces.

            steps = trainer.epoch_steps(pieces=True)
            for piece in steps:             # or next(steps, None) once per slice of time
                if out_of_time():
                    break                   # keep `steps`; call next(steps) next frame

        Either way the generator stops early on divergence (the step that diverged
        is not yielded), or if the model is reset meanwhile (the unfinished epoch is
        then dropped, not counted). Other changes of settings apply from the next step.
        The pieces use their own buffers, so the views may be drawn between pieces;
        but no other training (d_step, epoch, ...) should run before the generator is
        exhausted: the step in progress would mix it into its gradient. A generator
        dropped in the middle of a step loses that step (its samples stay drawn). A
        model saved in the middle of a step is the model before that step, and its
        copy takes that step's samples again (`draws`): saved and loaded, it goes on
        exactly as this one does.

        An epoch left unfinished between steps is not lost: `epoch_pos` counts its
        steps done, and the next epoch_steps() (or epoch()) carries on from there,
        also after a save and load. A second caller that moved the epoch on
        meanwhile ends this one.
        """
        self.settle()
        generation = self.generation
        k_d, k_g = self.settings["k_d"], self.settings["k_g"]
        kinds = "d" * k_d + "g" * k_g
        last = len(kinds) - 1
        start = min(self.epoch_pos, len(kinds))
        if start == len(kinds):
            self._end_epoch()   # k_d = k_g = 0 (an epoch of nothing), or k changed mid-epoch
            return
        for i in range(start, len(kinds)):
            kind = kinds[i]
            want_loss = i == k_d - 1 or i == last       # the last D and the last G step
            if self.generation != generation or self.diverged or self.epoch_pos != i:
                return
            if not pieces:
                if not (self.d_step if kind == "d" else self.g_step)(want_loss):
                    return
                self.epoch_pos = i + 1
                if i == last:
                    self._end_epoch()
                yield kind
                continue
            step = self._d_pieces(want_loss) if kind == "d" else self._g_pieces(want_loss)
            for piece in step:
                if piece.step_done:
                    if self.diverged:
                        return
                    self.epoch_pos = i + 1
                    if i == last:
                        # The epoch's KL/JS record, when big, in pieces too (before it
                        # is counted: a caller that drops us here loses nothing).
                        fake = yield from self._metric_fake_pieces(
                            self.epoch_count + 1, lambda w, k=kind: Piece(k, False, w),
                            lambda: self.generation == generation)
                        if self.generation != generation:
                            return
                        self._end_epoch(fake)
                yield piece
                if self.generation != generation:
                    return

    # ----- huge steps in pieces ------------------------------------------------------
    def _in_pieces(self, n: int) -> bool:
        """Whether a step at batch n does any layer pass in more than one piece; such
        steps always run block by block (as epoch_steps(pieces=True) runs them), so
        that whole steps and pieces give the very same numbers."""
        key = (n, self.generation)
        if self._pieces_key != key:
            self._pieces_key = key
            self._pieces = any(rows * w.size > PIECE_WORK
                               for net, rows in ((self.D, 2 * n), (self.G, n)) for w in net.Wb)
        return self._pieces

    def _workspace(self, net: str, n: int) -> Batch:
        """Buffers for stepping network `net` in pieces on n rows, apart from the ones
        forward() uses (the views may draw between two pieces). A step takes them
        out of the store and gives them back when done (`_return`), so a step started
        meanwhile gets buffers of its own."""
        b = self._work.pop((net, n), None)
        return b if b is not None else Batch(self.D if net == "d" else self.G, n)

    def _return(self, net: str, b: Batch) -> None:
        if len(self._work) >= 4:
            self._work.clear()
        self._work[(net, len(b.aug[0]))] = b

    def step_pieces(self, kind: str):
        """One discriminator ("d") or generator ("g") step, the same as d_step() or
        g_step(), in bounded pieces: a generator of Piece (see epoch_steps)."""
        if self.diverged:
            return
        self.settle()
        yield from (self._d_pieces(True) if kind == "d" else self._g_pieces(True))

    def is_huge(self) -> bool:
        """Whether a step at the current batch size needs more than one piece for some
        layer pass (then a page should spread it over frames)."""
        return self._in_pieces(self.settings["batch"])

    def draws(self) -> tuple:
        """(generator state, real pool, noise pool) to save: as they are, or, while a
        step in pieces is under way, as they were when it began. That step has drawn
        its samples but changed no parameter yet (its update is its last piece), so a
        model saved then is the model before it, and a loaded copy takes the same
        samples again: training goes on exactly (modelfile.to_dict)."""
        start = self._step_start
        if start is not None and start[0] == self._step_key():
            return start[1]
        return self._draws_now()

    def _draws_now(self) -> tuple:
        return (self.rng.bit_generator.state, self._real.to_dict(), self._noise.to_dict())

    def _step_key(self) -> tuple:
        """What a finished step (or a new model) changes: a step start no longer holds."""
        return (self.generation, self.d_steps, self.g_steps)

    def _tracked(self, step):
        """Step generator `step` (not started yet), with the draws it begins from kept
        for `draws` until it is done or dropped (a dropped step's samples are lost:
        see epoch_steps)."""
        self._step_start = (self._step_key(), self._draws_now())
        try:
            yield from step
        finally:
            self._step_start = None

    def _d_pieces(self, want_loss: bool):
        """d_step in pieces: a generator of Piece (see epoch_steps)."""
        return self._tracked(self._d_pieces_body(want_loss))

    def _g_pieces(self, want_loss: bool):
        """g_step in pieces: a generator of Piece (see epoch_steps)."""
        return self._tracked(self._g_pieces_body(want_loss))

    def _d_pieces_body(self, want_loss: bool):
        s, rng, G, D = self.settings, self.rng, self.G, self.D
        n = s["batch"]
        wd, wg = self._workspace("d", 2 * n), self._workspace("g", n)
        x, x_points = wd.aug[0], wd.inner[0]
        x_points[:n] = self._real.take(rng, n)
        for work in G.forward_pieces(wg, self._noise.take(rng, n), x_points[n:], PIECE_WORK):
            yield Piece("d", False, work)
        logits = np.empty((2 * n, 1))
        for work in D.forward_pieces(wd, x, logits, PIECE_WORK):
            yield Piece("d", False, work)
        objective = losses.get(s["loss"])
        loss, dl = objective.d_loss(logits, losses.targets(n), want_loss)
        yield Piece("d", False, 2 * n)
        for work in D.backward_pieces(wd, dl, PIECE_WORK):
            yield Piece("d", False, work)
        self._return("d", wd)
        self._return("g", wg)
        self._d_update(objective, loss, want_loss)
        yield Piece("d", True, D.params.size)

    def _g_pieces_body(self, want_loss: bool):
        s, rng, G, D = self.settings, self.rng, self.G, self.D
        n = s["batch"]
        wd, wg = self._workspace("d", n), self._workspace("g", n)
        x = wd.aug[0]
        for work in G.forward_pieces(wg, self._noise.take(rng, n), wd.inner[0], PIECE_WORK):
            yield Piece("g", False, work)
        logits = np.empty((n, 1))
        for work in D.forward_pieces(wd, x, logits, PIECE_WORK):
            yield Piece("g", False, work)
        loss, dl = losses.get(s["loss"]).g_loss(logits, losses.targets(n), want_loss)
        yield Piece("g", False, n)
        pull = np.empty((n, 2))         # dL/d(fakes): the loss's pull through D
        for work in D.backward_pieces(wd, dl, PIECE_WORK, params=False, input_grad=pull):
            yield Piece("g", False, work)
        for work in G.backward_pieces(wg, pull, PIECE_WORK):
            yield Piece("g", False, work)
        self._return("d", wd)
        self._return("g", wg)
        self._g_update(loss, want_loss)
        yield Piece("g", True, G.params.size)

    def _end_epoch(self, fake: np.ndarray | None = None) -> None:
        self.epoch_count = e = self.epoch_count + 1
        self.epoch_pos = 0
        self.history.add("losses", e, self.last_d_loss, self.last_g_loss)
        self._record(e, fake)

    def _record(self, e: int, fake: np.ndarray | None = None) -> None:
        """KL/JS, precision/recall and snapshots into the history, when their strides say
        so (`fake`: the metric fakes, when made already, in pieces)."""
        if not self.record_metrics:
            return
        h = self.history
        if h.due("metrics", e):
            fake = self._metric_fake() if fake is None else fake
            # Kept (a fresh array) for the page's readout, whose mode count reads them.
            self.metric_fakes = (e, fake)
            h.add("metrics", e, *self.kl_js(fake))
        if h.due("quality", e):
            h.add("quality", e, *self.precision_recall())
        if h.due("snapshots", e):
            snap = self.snapshot()
            if snap is not None:
                h.add("snapshots", e, *snap)

    def _big_record(self) -> bool:
        """Whether the KL/JS record's generator pass is big (RECORD_PIECES_WORK)."""
        return self.G.params.size * N_METRIC_FAKE > RECORD_PIECES_WORK

    def _metric_fake_pieces(self, e: int, piece=int, alive=lambda: True):
        """The KL/JS record's generator pass for epoch `e` in pieces, when the record is
        due then and the pass is big: a generator yielding piece(multiply-adds) for each
        piece, whose return value is the fakes (None when there is nothing to do in
        pieces, or when alive() turned false after a piece: it stops there).
        The same numbers as _metric_fake(): rows are independent."""
        if not (self.record_metrics and self.history.due("metrics", e) and self._big_record()):
            return None
        fake = np.empty((N_METRIC_FAKE, 2))
        for work in self.G.forward_pieces(Batch(self.G, N_METRIC_FAKE), self._metric_rows,
                                          fake, PIECE_WORK):
            yield piece(work)
            if not alive():
                return None
        return fake

    def record_pieces(self):
        """The pending epoch-0 record (record_pending, see defer_big_record) in pieces: a
        generator yielding each piece's multiply-adds; at its end the history holds what
        the record would have held. Nothing if none is pending, or if the model was reset
        or trained meanwhile (that made the record itself)."""
        if not self.record_pending:
            return
        generation = self.generation

        def alive() -> bool:
            return self.record_pending and self.generation == generation
        fake = yield from self._metric_fake_pieces(0, alive=alive)
        if alive():
            self.record_pending = False
            self._record(0, fake)

    def settle(self) -> None:
        """Make a pending epoch-0 record now, whole: before the model changes."""
        if self.record_pending:
            self.record_pending = False
            self._record(0)

    def snapshot(self) -> tuple[list, list] | None:
        """The replay's picture of now: SNAP_FAKES fakes from the fixed shown noise and
        D(x) on a SNAP_RES grid, rounded to 4 decimals (a model file keeps them); None
        once the model gives non-finite numbers."""
        with np.errstate(all="ignore"):
            fake = self.generate(self.show_noise[:SNAP_FAKES])
            heat = fields.heatmap(self, SNAP_RES)
        if not (np.isfinite(fake).all() and np.isfinite(heat).all()):
            return None
        return np.round(fake, 4).ravel().tolist(), np.round(heat, 4).ravel().tolist()

    def train(self, epochs: int) -> int:
        """Run up to `epochs` epochs; stop early on divergence. Returns epochs run."""
        for done in range(epochs):
            if not self.epoch():
                return done
        return epochs

    def _check(self, net: str, loss) -> None:
        """Stop training with a readable reason if a loss or a parameter blew up."""
        model = self.D if net == "d" else self.G
        sq = float(model.params @ model.params)
        if sq < EXPLODED and (loss is None or math.isfinite(loss)):
            return
        who = "discriminator" if net == "d" else "generator"
        if loss is not None and not math.isfinite(loss):
            what = f"the {who}'s loss became infinite or NaN"
        else:                      # the weights' squared norm is too big, or NaN
            what = f"the {who}'s weights blew up (their size passed {math.sqrt(EXPLODED):g})"
        s = self.settings
        # In the page's words (the settings' labels), never the code names.
        hint = f"lower the {BY_NAME[f'lr_{net}'].label} (now {s[f'lr_{net}']:g})"
        if s[f"optimizer_{net}"] != "adam":
            hint += f" or switch the {BY_NAME[f'optimizer_{net}'].label} to Adam"
        steps = self.d_steps if net == "d" else self.g_steps
        self.diverged = f"Training stopped: {what} after {steps} {who} steps. Try: {hint}, then Reset."

    # ----- measuring ------------------------------------------------------------------
    def generate(self, z: np.ndarray) -> np.ndarray:
        """G(z) without touching anything the training uses."""
        return self.G.forward(z)

    def sample_fakes(self, n: int, seed: int = 0) -> np.ndarray:
        """n fakes G(z) from noise drawn with a generator of its own, seeded `seed` (the
        training's random stream is untouched): the same points as `python -m ganlab
        sample -n n --seed seed`. G's last layer is linear, so a few can land just
        outside the square: they are put on its edge, as the views show them, so the
        points always read back as a point set. DataError if G gives non-finite points."""
        s = self.settings
        with np.errstate(all="ignore"):     # a blown-up generator is reported below
            pts = self.generate(noise.sample(np.random.default_rng(seed), s["noise"], n,
                                             s["noise_dim"]))
        if not np.isfinite(pts).all():
            raise data.DataError("the generator gives points that are not finite numbers "
                                 "(the model diverged): nothing to sample")
        return np.clip(pts, 0.0, 1.0)

    def sample_reals(self, n: int, seed: int = 0) -> np.ndarray:
        """n samples of the training data from a generator of their own, seeded `seed`."""
        s = self.settings
        return data.sample(s["preset"], np.random.default_rng(seed), n, self.points, s["jitter"])

    def _metric_fake(self) -> np.ndarray:
        """G of the fixed metric noise (a new array), read as stored: no copy."""
        return self.G.forward(self._metric_rows, augmented=True)

    def kl_js(self, fake: np.ndarray | None = None) -> tuple[float, float]:
        """KL(real || fake) and JS(real, fake) on the 30x30 grid, of the fixed metric
        fakes (`fake`, when the caller has just made them)."""
        return self._real_ref.kl_js(metrics.histogram(self._metric_fake() if fake is None else fake))

    def precision_recall(self) -> tuple[float, float]:
        """Precision and recall (metrics.precision_recall) of PR_POINTS fixed fakes
        against PR_POINTS fixed reals."""
        fake = self.generate(self.metric_noise[:metrics.PR_POINTS])
        return metrics.precision_recall(self.pr_real, fake, real_radii=self.pr_real_radii)

    def mode_coverage(self, fake: np.ndarray | None = None) -> dict | None:
        """Mode coverage of the fixed metric fakes (`fake`, when the caller has them
        already), for presets with known modes."""
        modes = data.modes(self.settings["preset"])
        if modes is None:
            return None
        return metrics.mode_coverage(self._metric_fake() if fake is None else fake, modes)

    def summary(self) -> dict:
        """The figures a learner or a script wants after training (None where unknown)."""
        # A diverged generator's output is meaningless (or infinite): no metrics then.
        finite = not self.diverged and bool(np.isfinite(self.G.params).all())
        kl, js = self.kl_js() if finite else (None, None)
        precision, recall = self.precision_recall() if finite else (None, None)
        modes = self.mode_coverage() if finite else None
        return {"epochs": self.epoch_count, "d_steps": self.d_steps, "g_steps": self.g_steps,
                "d_loss": _finite_or_none(self.last_d_loss),
                "g_loss": _finite_or_none(self.last_g_loss),
                "kl": kl, "js": js, "precision": precision, "recall": recall, "modes": modes,
                "verdict": (metrics.verdict(precision, recall, modes) if finite else None),
                "diverged": self.diverged is not None, "reason": self.diverged}

    def readout(self) -> dict:
        """What the page's readout shows now: KL, JS, precision, recall, the modes and
        the learner's sentence (`metrics.verdict`); None values when diverged."""
        out = self.summary()
        return {k: out[k] for k in ("epochs", "kl", "js", "precision", "recall", "modes",
                                    "verdict")}

    # ----- changing settings and data -------------------------------------------------
    def update(self, changes: dict) -> bool:
        """Apply settings changes; validate all first, so a bad one changes nothing.

        Changes that need a new model (architecture, data, noise, seed) reset it;
        the others (learning rates, k, loss, batch, optimisers) apply at once and
        training carries on. Returns True if the model was reset.
        """
        new = make_settings(self.settings, **changes)
        if new["preset"] == "points" and self.points is None:
            raise SettingsError("the data set 'your points' needs a point set: draw or import points")
        old, self.settings = self.settings, new
        if any(new[k] != old[k] for k in new if BY_NAME[k].resets):
            self.reset()
            return True
        for net, opt in (("d", self.opt_d), ("g", self.opt_g)):
            if new[f"optimizer_{net}"] != old[f"optimizer_{net}"]:
                setattr(self, f"opt_{net}", self._optimizer(net))
            else:               # every hyperparameter the optimiser declares, memory kept
                opt.configure(new, net)
        return False

    def set_points(self, points) -> None:
        """Make `points` the training data (preset 'points') and reset the model.

        Raises DataError, leaving everything as it was, if the points are unusable.
        """
        self.points = data.check_points(points)
        self.settings = dict(self.settings, preset="points")
        self.reset()


def _finite_or_none(v):
    return v if v is not None and math.isfinite(v) else None

