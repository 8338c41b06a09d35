"""A training timeline: snapshots of the views at a bounded number of epochs.

Each snapshot holds what the main view needs to replay that moment: the fakes
G(z) of the fixed noise batch the view shows, a low-resolution heatmap of D(x),
and the losses and latest KL/JS at that epoch. Snapshots are taken every `stride`
epochs; when CAP of them are kept, every other one is dropped and the stride
doubles (as `gan.History` thins its series), so memory stays bounded however long
the model trains, and a long run keeps snapshots spread over all of it.

A trainer keeps a timeline only when asked (`Trainer.keep_timeline`, or
`Trainer.start_timeline()`): then every finished epoch costs one modulo and, every
`stride` epochs, one G pass over the shown noise and one D pass over the grid.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import fields

CAP = 64            # snapshots kept at most
RES = 20            # the heatmap's side


@dataclass
class Snapshot:
    epoch: int
    fake: np.ndarray            # (m, 2) G(z) for the view's fixed noise batch
    heat: np.ndarray            # (RES, RES) D(x) as the view shows it, row 0 at the top
    d_loss: float | None
    g_loss: float | None
    kl: float | None            # the latest KL/JS recorded at or before this epoch
    js: float | None

    @property
    def nbytes(self) -> int:
        return self.fake.nbytes + self.heat.nbytes


class Timeline:
    """Snapshots of one trainer's run (see the module docstring)."""

    def __init__(self, trainer=None, cap: int = CAP, res: int = RES):
        self.cap, self.res = cap, res
        self.stride = 1
        self.snapshots: list[Snapshot] = []
        if trainer is not None:
            self.take(trainer)

    def due(self, epoch: int) -> bool:
        return epoch % self.stride == 0

    def record(self, trainer) -> None:
        """Called at the end of each epoch: a snapshot if the stride says so."""
        if trainer.epoch_count % self.stride == 0:
            self.take(trainer)

    def take(self, trainer) -> Snapshot:
        """A snapshot of the trainer now (replacing one at the same epoch); thins when full."""
        e = trainer.epoch_count
        fake = trainer.generate(trainer.show_noise).copy()
        heat = fields.heatmap(trainer, self.res).copy()
        row = trainer.history.metrics[-1] if trainer.history.metrics else [None, None, None]
        snap = Snapshot(e, fake, heat, trainer.last_d_loss, trainer.last_g_loss, row[1], row[2])
        snaps = self.snapshots
        while snaps and snaps[-1].epoch >= e:   # an older future (after a load): drop it
            snaps.pop()
        snaps.append(snap)
        if len(snaps) >= self.cap:
            self.stride *= 2
            # Keep the first snapshot whatever its epoch (a loaded model's start).
            snaps[:] = [s for i, s in enumerate(snaps) if i == 0 or s.epoch % self.stride == 0]
        return snap

    def nearest(self, epoch: int) -> Snapshot | None:
        """The snapshot closest to `epoch` (the later one on a tie)."""
        if not self.snapshots:
            return None
        return min(reversed(self.snapshots), key=lambda s: abs(s.epoch - epoch))

    @property
    def epochs(self) -> list[int]:
        return [s.epoch for s in self.snapshots]

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.snapshots)

    def to_dict(self, digits: int = 5) -> dict:
        """The timeline for a model file. Positions and heat are rounded to `digits`
        decimals: they are only drawn, and this keeps a file's timeline under ~0.5 MB."""
        return {"stride": self.stride, "res": self.res,
                "snapshots": [{"epoch": s.epoch, "fake": np.round(s.fake, digits).ravel().tolist(),
                               "heat": np.round(s.heat, digits).ravel().tolist(),
                               "d_loss": s.d_loss, "g_loss": s.g_loss, "kl": s.kl, "js": s.js}
                              for s in self.snapshots]}
