"""A big model's KL/JS record in pieces: the epoch-0 record a page defers
(Trainer.defer_big_record, record_pieces) and the record at the end of an epoch taken
with epoch_steps(pieces=True). The same history either way, bit for bit."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ganlab import modelfile
from ganlab.gan import PIECE_WORK, Trainer
from test_gan import assert_same_state

BIG = {"g_layers": 5, "g_units": 100, "d_layers": 5, "d_units": 100}


@pytest.fixture
def deferring(monkeypatch):
    """New models defer a big epoch-0 record, as in the page."""
    monkeypatch.setattr(Trainer, "defer_big_record", True)


def test_under_cpython_the_epoch_0_record_is_made_at_once():
    t = Trainer(BIG)
    assert not t.record_pending and len(t.history.metrics) == 1 and t._big_record()


def test_a_small_model_never_defers_its_record(deferring):
    t = Trainer()
    assert not t._big_record() and not t.record_pending and len(t.history.metrics) == 1


def test_a_deferred_record_made_in_pieces_is_the_record(deferring):
    t = Trainer(BIG)
    assert t.record_pending and t.history.metrics == [] and t.history.snapshots == []
    work = list(t.record_pieces())
    assert len(work) > 4 and max(work) <= PIECE_WORK
    assert not t.record_pending and list(t.record_pieces()) == []
    Trainer.defer_big_record = False
    assert_same_state(t, Trainer(BIG))


@pytest.mark.parametrize("how", ["epoch", "d_step", "g_step", "epoch_steps", "step_pieces",
                                 "save"])
def test_anything_that_trains_or_saves_makes_a_pending_record_first(deferring, how):
    t = Trainer(BIG)
    pieces = t.record_pieces()
    next(pieces)                        # a page started making it, then the learner acted
    if how == "save":
        text = modelfile.to_json(t)
        assert json.loads(text)["history"]["metrics"] and not t.record_pending
    elif how in ("epoch_steps", "step_pieces"):
        steps = t.epoch_steps(pieces=True) if how == "epoch_steps" else t.step_pieces("d")
        next(steps)
        list(steps)
    else:
        getattr(t, how)()
    assert list(pieces) == [] and len(t.history.metrics) == 1    # made once, not twice
    Trainer.defer_big_record = False
    u = Trainer(BIG)
    if how == "save":
        assert_same_state(t, u)
    elif how in ("epoch_steps", "epoch"):
        u.epoch()
        assert_same_state(t, u)
    else:
        (u.d_step if how in ("d_step", "step_pieces") else u.g_step)()
        assert_same_state(t, u)


def test_a_loaded_model_has_nothing_pending(deferring):
    Trainer.defer_big_record = False
    text = modelfile.to_json(Trainer(BIG))
    Trainer.defer_big_record = True
    t = modelfile.from_json(text)
    assert not t.record_pending and list(t.record_pieces()) == []
    assert len(t.history.metrics) == 1


def test_a_reset_while_the_record_is_made_drops_it(deferring):
    t = Trainer(BIG)
    pieces = t.record_pieces()
    next(pieces)
    t.reset()
    assert list(pieces) == [] and t.record_pending and t.history.metrics == []


def test_the_records_of_epochs_in_pieces_are_made_in_pieces_with_the_same_numbers():
    """Ten epochs in pieces (the 10th records KL/JS, the big pass in bounded pieces)
    against ten whole epochs."""
    a, b = Trainer(BIG), Trainer(BIG)
    a.train(10)
    most = 0
    for _ in range(10):
        for piece in b.epoch_steps(pieces=True):
            most = max(most, piece.work)
    assert most <= PIECE_WORK
    assert [row[0] for row in b.history.metrics] == [0, 10]
    assert_same_state(a, b)
    np.testing.assert_array_equal(a.metric_fakes[1], b.metric_fakes[1])
