"""ganlab.remote: a model trained elsewhere and copied home update by update is, at
every update, the model trained here, bit for bit; and it trains on from there."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ganlab import gan, modelfile, remote
from ganlab.gan import Trainer
from test_gan import CONFIGS, POINTS, assert_same_state

CASES = {**{name: (s, None) for name, s in CONFIGS.items()},
         "points": ({"preset": "points", "optimizer_d": "adam"}, POINTS)}


def _pair(settings, points=None):
    """The page's copy, a trainer trained straight through, and the worker's runner."""
    home, whole = Trainer(settings, points), Trainer(settings, points)
    return home, whole, remote.Runner(remote.start_text(home))


@pytest.mark.parametrize("name", CASES)
def test_the_copy_is_the_model_at_every_update_and_trains_on_from_there(name):
    settings, points = CASES[name]
    home, whole, runner = _pair(settings, points)
    for n in (1, 7, 3, 25, 9):      # updates of different sizes
        assert remote.apply(home, *runner.train_for(math.inf, most=n)) == n
        whole.train(n)
        assert_same_state(home, whole)
        assert home.metric_fakes[0] == whole.metric_fakes[0]
        np.testing.assert_array_equal(home.metric_fakes[1], whole.metric_fakes[1])
    # Home again: it trains on exactly (its pools were known by their state only) ...
    home.train(31)
    whole.train(31)
    assert_same_state(home, whole)
    # ... saves the same model file, and a new worker started from it goes on the same.
    assert modelfile.to_json(home) == modelfile.to_json(whole)
    runner = remote.Runner(remote.start_text(home))
    remote.apply(home, *runner.train_for(math.inf, most=12))
    whole.train(12)
    assert_same_state(home, whole)


def test_a_model_file_saved_between_updates_is_the_one_trained_straight(tmp_path):
    home, whole, runner = _pair({"optimizer_g": "adam"})
    remote.apply(home, *runner.train_for(math.inf, most=40))
    whole.train(40)
    assert modelfile.to_dict(home)["pools"] == modelfile.to_dict(whole)["pools"]
    assert modelfile.to_json(home) == modelfile.to_json(whole)


def test_thinned_series_arrive_whole_and_equal():
    # Small batches, so 4,200 epochs are quick: the losses pass their 4,096-row cap and
    # the snapshots theirs (64) several times, between one update and the next.
    settings = {"batch": 8, "k_d": 1}
    home, whole, runner = _pair(settings)
    sent = []
    for n in (700, 1, 2600, 900):
        meta, raw = runner.train_for(math.inf, most=n)
        sent.append(json.loads(meta)["history"])
        remote.apply(home, meta, raw)
    whole.train(4201)
    assert_same_state(home, whole)
    assert whole.history.stride["losses"] == 2 and whole.history.stride["snapshots"] > 20
    # The thinned series came whole (with their stride); the others as new rows only.
    assert "stride" in sent[2]["snapshots"] and "stride" in sent[3]["losses"]
    assert "stride" not in sent[1]["losses"] and len(sent[1]["losses"]["rows"]) == 1


def test_an_update_the_model_no_longer_continues_from_is_refused_and_changes_nothing():
    home, whole, runner = _pair({})
    meta, raw = runner.train_for(math.inf, most=5)
    home.epoch()                    # the page trained meanwhile (a Step)
    whole.epoch()
    with pytest.raises(ValueError, match="continues from"):
        remote.apply(home, meta, raw)
    assert_same_state(home, whole)


def test_an_update_whose_arrays_do_not_fit_is_refused():
    home, _, runner = _pair({})
    meta, raw = runner.train_for(math.inf, most=2)
    with pytest.raises(ValueError, match="do not fit"):
        remote.apply(home, meta, raw[:-8])
    other = Trainer({"d_units": 9})
    with pytest.raises(ValueError, match="do not fit"):
        remote.apply(other, meta, raw)
    # Arrays the model has no place for (Adam's memory, sent to an SGD model).
    adam = remote.Runner(remote.start_text(Trainer({"optimizer_d": "adam"})))
    with pytest.raises(ValueError, match="do not fit"):
        remote.apply(Trainer({}), *adam.train_for(math.inf, most=1))


def test_divergence_in_the_worker_comes_home_with_its_reason():
    settings = {"loss": "least_squares", "lr_d": 10, "lr_g": 10}
    home, whole = Trainer(settings), Trainer(settings)
    whole.train(500)
    assert whole.diverged
    runner = remote.Runner(remote.start_text(home))
    for _ in range(50):
        remote.apply(home, *runner.train_for(math.inf, most=20))
        if home.diverged:
            break
    assert home.diverged == whole.diverged
    assert_same_state(home, whole)
    # A diverged runner trains no further and says the same.
    meta, _ = runner.train_for(math.inf, most=20)
    assert json.loads(meta)["counts"] == [home.epoch_count, home.d_steps, home.g_steps]


def test_a_pool_known_by_its_state_is_drawn_only_when_needed():
    home, whole, runner = _pair({})
    remote.apply(home, *runner.train_for(math.inf, most=60))   # past a pool's end
    assert home._real.later is not None and home._real.rows is None
    whole.train(60)
    rows = home._real.take(home.rng, 5)
    np.testing.assert_array_equal(rows, whole._real.take(whole.rng, 5))
    assert home.rng.bit_generator.state == whole.rng.bit_generator.state
    assert home._real.later is None


def test_a_runner_starts_from_a_model_file_and_takes_time_not_epochs():
    home = Trainer({})
    runner = remote.Runner(remote.start_text(home))
    meta = json.loads(runner.train_for(0.0)[0])     # no time at all: one epoch still
    assert meta["counts"][0] == 1
    assert isinstance(runner.t, gan.Trainer) and runner.t is not home


def test_the_model_key_tells_every_change_and_nothing_else():
    t = Trainer({})
    key = remote.model_key(t)
    assert remote.same_model(key, remote.model_key(t))
    # Equal numbers that are different objects (ints above 256 are not shared).
    t.generation = int("1000")
    key = remote.model_key(t)
    t.generation = int("10") * 100
    assert t.generation is not key[4] and remote.same_model(key, remote.model_key(t))
    for change in (lambda: t.epoch(), lambda: t.d_step(), lambda: t.update({"lr_d": 0.05}),
                   lambda: t.update({}), lambda: t.reset(), lambda: t.set_points(POINTS)):
        before = remote.model_key(t)
        change()
        assert not remote.same_model(before, remote.model_key(t))
    other = Trainer({})
    assert not remote.same_model(remote.model_key(Trainer({})), remote.model_key(other))
