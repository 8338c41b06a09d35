"""History.snapshots, the one training timeline (the replay GIF and the "Look inside"
scrubber): equal to re-running to their epochs, bounded, spread over the whole run,
and kept in model files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ganlab import fields, modelfile
from ganlab.gan import SNAP_CAP, SNAP_EVERY, SNAP_FAKES, SNAP_RES, History, Trainer


def _epochs(t: Trainer) -> list[int]:
    return [row[0] for row in t.history.snapshots]


def test_snapshots_equal_a_rerun_to_their_epoch():
    t = Trainer({"seed": 7})
    t.train(1400)
    h = t.history
    # Thinned once (64 snapshots at epoch 1260): every 40 epochs since.
    assert h.stride["snapshots"] == 2 * SNAP_EVERY
    assert _epochs(t) == list(range(0, 1401, 40))
    for i in (0, 16, len(h.snapshots) - 1):             # epochs 0, 640 and 1400
        snap = h.moment(i)
        rerun = Trainer({"seed": 7})
        rerun.train(snap.epoch)
        assert rerun.epoch_count == snap.epoch
        np.testing.assert_array_equal(
            snap.fake, np.round(rerun.generate(rerun.show_noise[:SNAP_FAKES]), 4))
        np.testing.assert_array_equal(snap.heat, np.round(fields.heatmap(rerun, SNAP_RES), 4))
        assert snap.fake.shape == (SNAP_FAKES, 2) and snap.heat.shape == (SNAP_RES, SNAP_RES)
        assert (snap.d_loss, snap.g_loss) == (rerun.last_d_loss, rerun.last_g_loss)
        row = rerun.history.metrics[-1]
        assert row[0] == snap.epoch and (snap.kl, snap.js) == (row[1], row[2])


def test_memory_is_bounded_after_100000_epochs():
    # A cheap setup: epochs of no steps (k_d = k_g = 0) still end and are recorded;
    # KL/JS and precision/recall only at epoch 0 (their strides out of reach).
    t = Trainer({"k_d": 0, "k_g": 0})
    t.history.stride.update(metrics=10 * 2 ** 30, quality=50 * 2 ** 30)
    t.train(100_000)
    h = t.history
    assert t.epoch_count == 100_000
    assert len(h.snapshots) < SNAP_CAP
    assert all(len(fake) == 2 * SNAP_FAKES and len(heat) == SNAP_RES ** 2
               for _, fake, heat in h.snapshots)
    assert len(json.dumps(h.snapshots)) < SNAP_CAP * (2 * SNAP_FAKES + SNAP_RES ** 2) * 10
    # Spread over the whole run, evenly, each on the stride.
    stride = h.stride["snapshots"]
    assert stride == SNAP_EVERY * 128
    epochs = _epochs(t)
    assert epochs[0] == 0 and epochs[-1] > 90_000
    assert epochs == list(range(0, 100_001, stride))


def test_thinning_keeps_them_spread_over_the_whole_run():
    t = Trainer({"k_d": 0, "k_g": 0})
    t.train(SNAP_EVERY * (SNAP_CAP - 1) - 1)
    assert _epochs(t) == list(range(0, SNAP_EVERY * (SNAP_CAP - 1), SNAP_EVERY))
    t.train(1)              # the 64th snapshot: every other one goes, the stride doubles
    assert t.history.stride["snapshots"] == 2 * SNAP_EVERY
    assert _epochs(t) == list(range(0, SNAP_EVERY * SNAP_CAP, 2 * SNAP_EVERY))
    t.train(SNAP_EVERY)
    assert _epochs(t)[-1] == SNAP_EVERY * SNAP_CAP
    for _ in range(5):      # however long it runs: the first and the latest stay
        t.train(20_000)
        e = _epochs(t)
        assert e[0] == 0 and t.epoch_count - e[-1] < t.history.stride["snapshots"]
        assert len(e) > SNAP_CAP // 2 - 1


def test_snapshots_change_no_number():
    a, b = Trainer({"seed": 2}), Trainer({"seed": 2})
    b.history.stride["snapshots"] = SNAP_EVERY * 2 ** 30     # only the one at epoch 0
    a.train(200)
    b.train(200)
    assert len(a.history.snapshots) == 11 and len(b.history.snapshots) == 1
    np.testing.assert_array_equal(a.G.params, b.G.params)
    np.testing.assert_array_equal(a.D.params, b.D.params)


def test_a_reset_starts_them_again():
    t = Trainer()
    t.train(40)
    assert _epochs(t) == [0, 20, 40]
    t.reset()
    assert _epochs(t) == [0]


def test_latest_is_the_row_at_or_before():
    h = History()
    h.losses = [[0, 1.0, 2.0], [4, 3.0, 4.0], [8, 5.0, 6.0]]
    assert h.latest("losses", 0) == [0, 1.0, 2.0]
    assert h.latest("losses", 7) == [4, 3.0, 4.0]
    assert h.latest("losses", 100) == [8, 5.0, 6.0]
    assert h.latest("metrics", 5) is None


def test_a_moment_takes_losses_and_kl_from_thinned_series():
    h = History()
    fake, heat = [0.5] * (2 * SNAP_FAKES), [0.25] * SNAP_RES ** 2
    h.snapshots = [[0, fake, heat], [40, fake, heat]]
    h.losses = [[0, None, None], [32, 0.7, 0.8]]
    h.metrics = [[0, 3.0, 0.5], [30, 2.0, 0.4], [50, 1.0, 0.3]]
    h.quality = [[0, 0.1, 0.2]]
    m = h.moment(1)
    assert (m.epoch, m.d_loss, m.g_loss, m.kl, m.js) == (40, 0.7, 0.8, 2.0, 0.4)
    assert (m.precision, m.recall) == (0.1, 0.2)        # every 50 epochs: epoch 0's row
    assert m.fake.shape == (SNAP_FAKES, 2) and m.heat.shape == (SNAP_RES, SNAP_RES)
    first = h.moment(0)
    assert (first.d_loss, first.g_loss, first.kl) == (None, None, 3.0)
    h.quality = []
    assert (h.moment(1).precision, h.moment(1).recall) == (None, None)
    with pytest.raises(IndexError):
        h.moment(2)


# ----- in model files -----------------------------------------------------------------------
def test_a_model_file_carries_them_and_goes_on_recording_alike():
    t = Trainer({"seed": 4})
    t.train(300)
    d = json.loads(modelfile.to_json(t))
    assert "timeline" not in d
    loaded = modelfile.from_dict(d)
    assert loaded.history.snapshots == t.history.snapshots
    a, b = loaded.history.moment(7), t.history.moment(7)
    assert (a.epoch, a.d_loss, a.g_loss, a.kl, a.js) == (b.epoch, b.d_loss, b.g_loss, b.kl, b.js)
    loaded.train(100)
    t.train(100)
    assert loaded.history.snapshots == t.history.snapshots


def test_a_timeline_key_of_early_builds_is_ignored():
    t = Trainer()
    t.train(40)
    d = json.loads(modelfile.to_json(t))
    d["timeline"] = {"stride": 3, "snapshots": "anything"}
    loaded = modelfile.from_dict(d)
    assert loaded.history.snapshots == t.history.snapshots
    assert not hasattr(loaded, "timeline")


def _refused(change) -> str:
    t = Trainer()
    t.train(100)
    d = json.loads(modelfile.to_json(t))
    change(d["history"])
    with pytest.raises(modelfile.ModelFileError) as err:
        modelfile.from_dict(d)
    return str(err.value)


@pytest.mark.parametrize("change, says", [
    (lambda h: h["stride"].update(snapshots=30), "20 times a power of 2"),
    (lambda h: h.update(snapshots=h["snapshots"] * 13), "fewer than 64"),
    (lambda h: h["snapshots"].reverse(), "must rise"),
    (lambda h: h["snapshots"][-1].__setitem__(0, 10 ** 6), "epoch"),
    (lambda h: h["snapshots"][1].__setitem__(1, [0.5] * 6), "200 fake coordinates"),
    (lambda h: h["snapshots"][1].__setitem__(2, [2.0] * 144), "between 0 and 1"),
    (lambda h: h["snapshots"].__setitem__(0, []), "rows must be"),
])
def test_bad_snapshots_are_refused_in_words(change, says):
    assert says in _refused(change)
