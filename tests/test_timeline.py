"""ganlab.timeline: bounded snapshots of a run, equal to re-running to their epochs."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ganlab import fields, modelfile, timeline
from ganlab.gan import Trainer


def test_no_timeline_unless_asked():
    t = Trainer()
    assert t.timeline is None
    t.train(5)
    assert t.timeline is None


def test_snapshots_equal_a_rerun_to_their_epoch():
    t = Trainer({"seed": 7})
    t.start_timeline()
    t.train(300)
    tl = t.timeline
    assert tl.epochs[0] == 0 and tl.stride == 8 and tl.epochs[-1] == 296
    assert len(tl.snapshots) < timeline.CAP
    for epoch in (0, tl.epochs[len(tl.epochs) // 2], 296):
        snap = tl.nearest(epoch)
        assert snap.epoch == epoch
        rerun = Trainer({"seed": 7})
        rerun.train(epoch)
        np.testing.assert_array_equal(snap.fake, rerun.generate(rerun.show_noise))
        np.testing.assert_array_equal(snap.heat, fields.heatmap(rerun, timeline.RES))
        assert snap.d_loss == rerun.last_d_loss and snap.g_loss == rerun.last_g_loss
        row = rerun.history.metrics[-1]
        assert (snap.kl, snap.js) == (row[1], row[2])


def test_keeping_a_timeline_changes_no_number():
    a, b = Trainer({"seed": 2}), Trainer({"seed": 2})
    a.start_timeline()
    a.train(200)
    b.train(200)
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)


def test_memory_is_bounded_after_100000_epochs():
    # A cheap setup: epochs of no steps (k_d = k_g = 0) still end and are recorded.
    t = Trainer({"k_d": 0, "k_g": 0})
    t.record_metrics = False
    t.start_timeline()
    t.train(100_000)
    tl = t.timeline
    assert t.epoch_count == 100_000
    assert len(tl.snapshots) < timeline.CAP
    assert tl.nbytes < timeline.CAP * (200 * 2 + timeline.RES ** 2) * 8
    # Spread over the whole run, evenly, the last epoch a multiple of the stride.
    assert tl.epochs[0] == 0 and tl.epochs[-1] > 90_000
    assert all(e % tl.stride == 0 for e in tl.epochs)
    assert tl.stride == 2048


def test_thinning_keeps_every_stride():
    t = Trainer({"k_d": 0, "k_g": 0})
    tl = t.start_timeline()
    t.train(64)
    assert tl.stride == 2 and tl.epochs == list(range(0, 65, 2))
    t.train(1)
    assert tl.epochs[-1] == 64
    t.train(1)
    assert tl.epochs[-1] == 66


def test_a_reset_starts_a_new_timeline_when_kept():
    Trainer.keep_timeline = True
    try:
        t = Trainer()
        t.train(10)
        assert t.timeline.epochs[-1] == 10
        t.reset()
        assert t.timeline.epochs == [0]
    finally:
        Trainer.keep_timeline = False
    assert Trainer().timeline is None


def test_a_loaded_model_starts_its_timeline_at_its_epoch():
    t = Trainer()
    t.train(30)
    text = modelfile.to_json(t)
    Trainer.keep_timeline = True
    try:
        loaded = modelfile.from_json(text)
    finally:
        Trainer.keep_timeline = False
    assert loaded.timeline.epochs == [30]
    np.testing.assert_array_equal(loaded.timeline.snapshots[0].fake, t.generate(t.show_noise))
    loaded.train(2)
    assert loaded.timeline.epochs == [30, 31, 32]


def test_nearest():
    t = Trainer({"k_d": 0, "k_g": 0})
    tl = t.start_timeline()
    t.train(100)
    assert tl.nearest(37).epoch in (36, 38)
    assert tl.nearest(10_000).epoch == tl.epochs[-1]
    assert timeline.Timeline().nearest(5) is None


# ----- in model files -----------------------------------------------------------------------
def _saved(epochs: int = 300) -> tuple[Trainer, dict]:
    t = Trainer({"seed": 4})
    t.start_timeline()
    t.train(epochs)
    return t, json.loads(modelfile.to_json(t))


def test_a_model_file_carries_its_timeline_and_replays_it():
    t, d = _saved()
    assert "timeline" in d and len(json.dumps(d["timeline"])) < 600_000
    loaded = modelfile.from_dict(d)
    assert loaded.timeline.epochs == t.timeline.epochs and loaded.timeline.stride == t.timeline.stride
    for a, b in zip(loaded.timeline.snapshots, t.timeline.snapshots):
        np.testing.assert_allclose(a.fake, b.fake, atol=1e-5)
        np.testing.assert_allclose(a.heat, b.heat, atol=1e-5)
        assert (a.d_loss, a.g_loss, a.kl, a.js) == (b.d_loss, b.g_loss, b.kl, b.js)
    # It goes on recording as the original does.
    loaded.train(40)
    t.train(40)
    assert loaded.timeline.epochs == t.timeline.epochs


def test_files_without_a_timeline_still_load():
    t = Trainer()
    t.train(5)
    d = json.loads(modelfile.to_json(t))
    assert "timeline" not in d
    assert modelfile.from_dict(d).timeline is None


def _broken(change) -> str:
    _, d = _saved(100)
    change(d["timeline"])
    with pytest.raises(modelfile.ModelFileError) as err:
        modelfile.from_dict(d)
    return str(err.value)


@pytest.mark.parametrize("change, says", [
    (lambda tl: tl.update(stride=3), "power of 2"),
    (lambda tl: tl.update(stride=-1), "timeline.stride"),
    (lambda tl: tl.update(snapshots="x"), "fewer than 64"),
    (lambda tl: tl.update(snapshots=tl["snapshots"] * 3), "fewer than 64"),
    (lambda tl: tl["snapshots"][-1].update(epoch=10 ** 6), "timeline epoch"),
    (lambda tl: tl["snapshots"].reverse(), "must rise"),
    (lambda tl: tl["snapshots"][2].update(epoch=tl["snapshots"][2]["epoch"] + 1), "must rise"),
    (lambda tl: tl["snapshots"][1].update(fake=[0.5] * 6), "200 points"),
    (lambda tl: tl["snapshots"][1].update(fake=tl["snapshots"][1]["fake"][:-1] + [None]), "finite"),
    (lambda tl: tl["snapshots"][1].update(heat=[2.0] * 400), "from 0 to 1"),
    (lambda tl: tl["snapshots"][1].update(kl="a"), "timeline kl"),
    (lambda tl: tl.update(res=50), "timeline.res"),
    (lambda tl: tl["snapshots"].__setitem__(0, []), "must be an object"),
])
def test_a_bad_timeline_is_refused_in_words(change, says):
    assert says in _broken(change)
