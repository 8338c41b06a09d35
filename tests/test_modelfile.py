"""ganlab.modelfile: saving and loading (continuing number for number), and every
way a model file can be broken or hostile, each refused with a plain message."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from ganlab import modelfile
from ganlab.gan import Trainer
from ganlab.modelfile import ModelFileError
from ganlab.state import RECOMMENDED
from test_gan import CONFIGS, POINTS, assert_same_state


# ----- save, load, continue -----------------------------------------------------------------
RESUME = {
    "sgd": ({}, None),
    "adam": (dict(RECOMMENDED), None),
    "momentum": (CONFIGS["momentum"], None),
    "adam+momentum": ({"optimizer_d": "adam", "optimizer_g": "momentum"}, None),
    "points": ({"preset": "points", "optimizer_d": "adam"}, POINTS),
    "big batch": (CONFIGS["big batch"], None),
}


@pytest.mark.parametrize("name", RESUME)
@pytest.mark.parametrize("at", [0, 1, 23, 50])
def test_to_json_from_json_then_continue_equals_uninterrupted(name, at):
    settings, points = RESUME[name]
    whole = Trainer(settings, points)
    whole.train(at + 77)
    part = Trainer(settings, points)
    part.train(at)
    text = modelfile.to_json(part)
    resumed = modelfile.from_json(text)
    assert modelfile.to_json(resumed) == text
    assert_same_state(resumed, part)
    resumed.train(77)
    assert_same_state(resumed, whole)


@pytest.mark.parametrize("name", RESUME)
def test_a_compact_file_continues_exactly_and_is_smaller(name):
    """Arrays as base64 ({"float64": ...}) hold the same bits as decimal text."""
    settings, points = RESUME[name]
    whole, part = Trainer(settings, points), Trainer(settings, points)
    whole.train(60)
    part.train(23)
    text = modelfile.to_json(part, compact=True)
    assert len(text) < len(modelfile.to_json(part))
    assert '"g_params":{"float64":' in text
    resumed = modelfile.from_json(text)
    assert modelfile.to_json(resumed, compact=True) == text
    assert modelfile.to_json(resumed) == modelfile.to_json(part)
    resumed.train(37)
    assert_same_state(resumed, whole)


def _b64(values, dtype="<f8") -> str:
    import base64
    return base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode()


@pytest.mark.parametrize("field, value, words", [
    ("g_params", {"float64": "not base64!"}, "not valid base64"),
    ("g_params", {"float64": "AAAAAAAAAA=="}, "7 bytes, not a whole number of 8-byte floats"),
    ("g_params", {"float64": 5}, "base64 text"),
    ("g_params", {"float64": "", "more": 1}, "base64 text"),
    ("g_params", {"float64": _b64([1.0, 2.0])}, "expected 42 parameters, got 2"),
    ("d_params", {"float64": _b64([np.nan] * 4)}, "finite"),
    ("opt_d.m", {"float64": _b64([np.inf])}, "finite"),
])
def test_a_broken_compact_array_is_a_model_file_error(field, value, words, model):
    d = copy.deepcopy(model)
    target = d
    *outer, last = field.split(".")
    for key in outer:
        target = target[key]
    if isinstance(target.get(last), list) or last in target:
        target[last] = value
    with pytest.raises(ModelFileError, match=words):
        modelfile.from_dict(d)


def test_loading_a_compact_file_leaves_the_parsed_dict_as_it_was():
    t = Trainer({"optimizer_d": "adam"})
    t.train(3)
    d = json.loads(modelfile.to_json(t, compact=True))
    before = copy.deepcopy(d)
    modelfile.from_dict(d)
    assert d == before


def test_save_load_file_then_continue_equals_uninterrupted(tmp_path):
    whole = Trainer(RECOMMENDED)
    whole.train(130)
    part = Trainer(RECOMMENDED)
    part.train(37)                          # mid-pool for both the real and noise pools
    assert 0 < part._real.pos < len(part._real.rows)
    assert 0 < part._noise.pos < len(part._noise.rows)
    path = tmp_path / "model.json"
    modelfile.save(part, str(path))
    resumed = modelfile.load(str(path))
    resumed.train(93)
    assert_same_state(resumed, whole)
    assert resumed.summary() == whole.summary()


@pytest.mark.parametrize("done", [1, 2, 3, 4])
def test_a_model_saved_in_the_middle_of_an_epoch_continues_exactly(done):
    # Slow motion or an epoch spread over frames: `done` of the 5 steps of an epoch
    # (k_d 3, k_g 2) are done when the model is saved. Loaded, the next epoch_steps()
    # (or epoch()) does the other 5 - done steps, then the epoch counts.
    settings = {"k_d": 3, "k_g": 2}
    whole = Trainer(settings)
    whole.train(12)
    part = Trainer(settings)
    part.train(11)
    steps = part.epoch_steps()
    kinds = [next(steps) for _ in range(done)]
    assert kinds == ["d", "d", "d", "g"][:done] and part.epoch_pos == done
    text = modelfile.to_json(part)
    assert json.loads(text)["epoch_pos"] == done
    resumed = modelfile.from_json(text)
    assert resumed.epoch_pos == done and resumed.epoch_count == 11
    rest = list(resumed.epoch_steps())
    assert rest == ["d", "d", "d", "g", "g"][done:]
    assert resumed.epoch_pos == 0 and resumed.epoch_count == 12
    assert_same_state(resumed, whole)
    resumed.train(20)
    whole.train(20)
    assert_same_state(resumed, whole)
    # The original, finishing its own unfinished epoch, agrees too.
    assert list(steps) == rest
    part.train(20)
    assert_same_state(part, whole)


# A model whose steps run in pieces (a layer pass above PIECE_WORK): the page spreads
# each step over frames, and a learner may save between two pieces.
HUGE = {"d_layers": 2, "d_units": 64, "batch": 2000, "k_d": 2, "k_g": 1}


def test_a_model_saved_in_the_middle_of_a_step_continues_exactly():
    # Saved after each piece of an epoch (inside its D steps, inside its G step, and
    # while the epoch's KL/JS record is made), the copy finishes that epoch and trains
    # on exactly as the original and as a model trained straight through.
    whole = Trainer(HUGE)
    whole.train(1)
    assert whole.is_huge()
    kinds = [p.kind for p in whole.epoch_steps(pieces=True)]     # the second epoch's pieces
    assert kinds.count("d") >= 10 and kinds.count("g") >= 10
    cuts = 0
    for cut in range(1, len(kinds)):    # after each piece but the last (then it is whole)
        part = Trainer(HUGE)
        part.train(1)
        pieces = part.epoch_steps(pieces=True)
        for _ in range(cut):
            next(pieces)
        copy_ = modelfile.from_json(modelfile.to_json(part))
        copy_.epoch()
        for _ in pieces:                # the original finishes its own epoch
            pass
        assert part.epoch_count == copy_.epoch_count == 2, cut
        assert_same_state(copy_, whole)
        assert_same_state(part, whole)
        cuts += 1
    assert cuts == len(kinds) - 1
    copy_.train(1)
    whole.train(1)
    assert_same_state(copy_, whole)


def test_a_step_dropped_in_its_middle_leaves_no_stale_start_behind():
    # A dropped step loses its samples (epoch_steps' docstring); a later save then
    # holds the model as it is, not the start of that dropped step.
    t = Trainer(HUGE)
    pieces = t.epoch_steps(pieces=True)
    next(pieces)
    assert t._step_start is not None
    pieces.close()
    assert t._step_start is None
    t.epoch()
    again = modelfile.from_json(modelfile.to_json(t))
    t.epoch()
    again.epoch()
    assert_same_state(again, t)


def test_files_saved_before_epoch_pos_and_quality_load_as_whole_epochs():
    # A version-1 file of the old kind: no 'epoch_pos', no 'quality' series, KL/JS
    # every 50 epochs. It loads, and goes on recording KL/JS every 50 epochs.
    t = Trainer()
    t.train(100)
    d = json.loads(modelfile.to_json(t))
    del d["epoch_pos"], d["history"]["quality"], d["history"]["stride"]["quality"]
    d["history"]["metrics"] = [r for r in d["history"]["metrics"] if r[0] % 50 == 0]
    d["history"]["stride"]["metrics"] = 50
    old = modelfile.from_dict(d)
    assert old.epoch_pos == 0 and old.history.quality == []
    old.train(100)
    assert [r[0] for r in old.history.metrics] == [0, 50, 100, 150, 200]
    assert [r[0] for r in old.history.quality] == [150, 200]


def test_save_load_points_set_via_set_points(tmp_path):
    whole = Trainer()
    whole.set_points(POINTS)
    whole.train(90)
    part = Trainer()
    part.set_points(POINTS)
    part.train(40)
    path = tmp_path / "m.json"
    modelfile.save(part, str(path))
    resumed = modelfile.load(str(path))
    np.testing.assert_array_equal(resumed.points, POINTS)
    assert resumed.settings["preset"] == "points"
    resumed.train(50)
    assert_same_state(resumed, whole)


def test_resume_after_a_learning_rate_change():
    whole = Trainer()
    whole.train(20)
    whole.update({"lr_d": 0.05, "optimizer_g": "adam"})
    whole.train(60)
    part = Trainer()
    part.train(20)
    part.update({"lr_d": 0.05, "optimizer_g": "adam"})
    part.train(10)
    resumed = modelfile.from_json(modelfile.to_json(part))
    resumed.train(50)
    assert_same_state(resumed, whole)


# ----- model file validation ------------------------------------------------------------------
@pytest.fixture(scope="module")
def model():
    t = Trainer({"optimizer_d": "adam", "optimizer_g": "momentum"})
    t.train(20)
    return json.loads(modelfile.to_json(t))


def _without(key):
    def f(d):
        del d[key]
    return f


def _drop_last(*path):
    """An edit that removes the last element of the list at d[path[0]][path[1]]..."""
    def f(d):
        x = d
        for k in path:
            x = x[k]
        del x[-1]
    return f


def _set(path, value):
    """An edit that sets d[path[0]][path[1]]... to value (returns None: edits in place)."""
    def f(d):
        x = d
        for k in path[:-1]:
            x = x[k]
        x[path[-1]] = value
    return f


BAD_MODELS = {
    "list not object": (lambda d: [d], "not a ganlab model file"),
    "wrong format": (_set(["format"], "keras"), 'not a ganlab model file (expected "format": "ganlab-model")'),
    "no format": (_without("format"), "not a ganlab model file"),
    "version 2": (_set(["version"], 2), "unsupported model file version 2 (this ganlab reads version 1)"),
    "version text": (_set(["version"], "1"), "unsupported model file version '1'"),
    "no version": (_without("version"), "unsupported model file version None"),
    "no settings": (_without("settings"), "missing field 'settings'"),
    "no g_params": (_without("g_params"), "missing field 'g_params'"),
    "no d_params": (_without("d_params"), "missing field 'd_params'"),
    "no opt_d": (_without("opt_d"), "missing field 'opt_d'"),
    "no rng": (_without("rng"), "missing field 'rng'"),
    "no pools": (_without("pools"), "missing field 'pools'"),
    "no history": (_without("history"), "missing field 'history'"),
    "no epoch": (_without("epoch"), "missing field 'epoch'"),
    "settings not object": (_set(["settings"], [1, 2]), "'settings' must be an object"),
    "unknown setting": (_set(["settings", "colour"], "red"), "unknown setting(s) colour"),
    "bad setting value": (_set(["settings", "lr_d"], "fast"),
                          "D learning rate (lr_d) must be a number between 1e-05 and 10, got 'fast'"),
    "bad int setting": (_set(["settings", "g_units"], 8.5), "Generator units (g_units) must be a whole number"),
    "too few params": (_drop_last("g_params"), "malformed model file: expected"),
    "too many params": (lambda d: d["d_params"].extend([0.0]), "malformed model file: expected"),
    "params null": (_set(["g_params", 3], None), "'g_params' must be a list of finite numbers"),
    "params text": (_set(["d_params"], "abc"), "'d_params' must be a list of finite numbers"),
    "params nested": (lambda d: d.update(g_params=[d["g_params"]]), "'g_params' must be a list of finite numbers"),
    "opt kind mismatch": (_set(["opt_d", "kind"], "sgd"), "opt_d is for 'sgd', but optimizer_d is 'adam'"),
    "adam state short": (_drop_last("opt_d", "m"), "optimiser state: 'm' must be"),
    "momentum state null": (_set(["opt_g", "v"], None), "optimiser state: 'v' must be"),
    "negative epoch": (_set(["epoch"], -1), "'epoch' must be a whole number from 0 to"),
    "fractional steps": (_set(["d_steps"], 2.5), "'d_steps' must be a whole number from 0 to"),
    "bool steps": (_set(["g_steps"], True), "'g_steps' must be a whole number from 0 to"),
    "bad last loss": (_set(["last_d_loss"], "low"), "'last_d_loss' must be a finite number or null, got 'low'"),
    "pool position": (_set(["pools", "real", "pos"], 10 ** 6), "malformed model file"),
    "bad rng": (_set(["rng"], {"bit_generator": "MT19937"}), "'rng' is not a valid random generator state"),
    "bad history": (_set(["history", "losses"], [[1, "x", 2]]), "'history.losses' must be a finite number or null"),
    "points preset without points": (_set(["settings", "preset"], "points"), "needs a point set"),
    "bad points": (lambda d: d.update(settings=dict(d["settings"], preset="points"),
                                      points=[[0.5, 2.0]]), "point 1 is (0.5, 2.0)"),
}


@pytest.mark.parametrize("name", BAD_MODELS)
def test_bad_model_file_raises_model_file_error(name, model):
    change, message = BAD_MODELS[name]
    d = copy.deepcopy(model)
    replaced = change(d)            # edits d in place, or returns a replacement
    if replaced is not None:
        d = replaced
    with pytest.raises(ModelFileError) as err:
        modelfile.from_json(json.dumps(d))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("literal, message", [
    ("NaN", "it contains NaN, which is not a number JSON allows"),
    ("Infinity", "it contains Infinity, which is not a number JSON allows"),
    ("-Infinity", "it contains -Infinity, which is not a number JSON allows"),
    ("null", "'g_params' must be a list of finite numbers"),
    ("1e999", "'g_params' must be a list of finite numbers"),
])
def test_non_finite_params_in_the_json_text(literal, message, model):
    text = json.dumps(model)
    first = json.dumps(model["g_params"][0])
    assert text.count(first) >= 1
    bad = text.replace('"g_params": [' + first, '"g_params": [' + literal, 1)
    assert bad != text
    with pytest.raises(ModelFileError, match=message):
        modelfile.from_json(bad)


@pytest.mark.parametrize("text", ["", "not json", "{", '{"format": "ganlab-model",', "[" * 100_000,
                                  "\x00"])
def test_not_json(text):
    with pytest.raises(ModelFileError) as err:
        modelfile.from_json(text)
    assert str(err.value).startswith(("not valid JSON", "not a ganlab model file"))


@pytest.mark.parametrize("path", [["rng", "state", "state"], ["pools", "noise", "state", "state", "inc"],
                                  ["rng", "uinteger"]])
def test_out_of_range_rng_state_is_a_model_file_error(path, model):
    d = copy.deepcopy(model)
    _set(path, -1)(d)
    with pytest.raises(ModelFileError):
        modelfile.from_dict(d)


def test_load_errors_name_the_file(tmp_path, model):
    missing = tmp_path / "nope.json"
    with pytest.raises(ModelFileError) as err:
        modelfile.load(str(missing))
    assert str(err.value).startswith(f"cannot read {missing}")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(model, version=7)))
    with pytest.raises(ModelFileError) as err:
        modelfile.load(str(bad))
    assert str(err.value).startswith(f"{bad}: unsupported model file version 7")
    with pytest.raises(ModelFileError, match="cannot read"):
        modelfile.load(str(tmp_path))


def test_model_with_nan_params_cannot_be_saved(tmp_path):
    t = Trainer()
    t.G.params[0] = np.nan
    with pytest.raises(ModelFileError, match="diverged"):
        modelfile.to_json(t)
    with pytest.raises(ModelFileError):
        modelfile.save(t, str(tmp_path / "m.json"))


def test_model_file_is_plain_json_with_the_documented_header(model):
    assert model["format"] == modelfile.FORMAT == "ganlab-model"
    assert model["version"] == modelfile.VERSION == 1
    assert model["epoch"] == 20
    assert model["settings"]["optimizer_d"] == "adam"




# ----- hostile files: nothing escapes as anything but a ModelFileError --------------------------
@pytest.mark.parametrize("text, depth", [
    ("{}", 1), ("[[1]]", 2), ('{"a": [{"b": []}]}', 4), ('["[[[[", "]]]"]', 1),
    ('["\\"[[[", [2]]', 2), ("1", 0), ("", 0), ("]]]][[", 0),
])
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert modelfile.nesting_depth(text) == depth


def test_a_model_file_nests_only_a_few_levels(model):
    assert modelfile.nesting_depth(json.dumps(model)) <= 5 < modelfile.MAX_DEPTH


@pytest.mark.parametrize("levels", [33, 5_000, 10_000, 1_000_000])
def test_deeply_nested_files_are_refused_before_parsing(levels):
    with pytest.raises(ModelFileError) as err:
        modelfile.from_json("[" * levels + "]" * levels)
    assert str(err.value) == (f"not a ganlab model file: it is nested {levels} levels deep "
                              f"(a model file has at most {modelfile.MAX_DEPTH})")


def test_strings_cannot_hide_nesting():
    hidden = '["' + "]" * 100 + '", ' + "[" * 50 + "]" * 50 + "]"
    with pytest.raises(ModelFileError, match="nested 51 levels deep"):
        modelfile.from_json(hidden)


def test_an_integer_too_long_to_read_is_a_model_file_error(model):
    text = json.dumps(dict(model, epoch=1)).replace('"epoch": 1', '"epoch": ' + "7" * 5000)
    with pytest.raises(ModelFileError, match="a whole number with more than 4,300 digits"):
        modelfile.from_json(text)


BAD_FIELDS = {
    "losses stride 0": (["history", "stride", "losses"], 0, "'history.stride.losses' must be"),
    "losses stride 3": (["history", "stride", "losses"], 3, "must be 1 times a power of 2"),
    "metrics stride 49": (["history", "stride", "metrics"], 49, "must be 10 or 50 times a power of 2"),
    "metrics stride 30": (["history", "stride", "metrics"], 30, "must be 10 or 50 times a power of 2"),
    "metrics stride 0": (["history", "stride", "metrics"], 0, "must be 10 or 50 times a power of 2"),
    "quality stride 10": (["history", "stride", "quality"], 10, "must be 50 times a power of 2"),
    "quality rows": (["history", "quality"], [[0, 0.5]], "rows must be [epoch, value, value]"),
    "quality off stride": (["history", "quality"], [[0, 0.5, 0.5], [10, 0.5, 0.5]], "multiple of its stride 50"),
    "epoch_pos past the epoch": (["epoch_pos"], 3, "'epoch_pos' must be a whole number from 0 to 2"),
    "epoch_pos text": (["epoch_pos"], "1", "'epoch_pos' must be"),
    "stride text": (["history", "stride", "losses"], "1", "'history.stride.losses' must be"),
    "history rows": (["history", "losses"], [[1, 2]], "rows must be [epoch, value, value]"),
    "history not rising": (["history", "losses"], [[2, 1.0, 1.0], [1, 1.0, 1.0]], "epochs must rise"),
    "history past the epoch": (["history", "losses"], [[999, 1.0, 1.0]], "epoch' must be a whole number from 0 to 20"),
    "history huge": (["history", "losses"], [[0, 1, 1]] * 5000, "fewer than 4096 rows"),
    "rng float": (["rng", "state", "state"], 1.5, "'rng' is not a valid random generator state"),
    "rng huge": (["rng", "state", "inc"], 2 ** 200, "'rng' is not a valid random generator state"),
    "rng has_uint32": (["rng", "has_uint32"], 7, "'rng' is not a valid random generator state"),
    "pool rng": (["pools", "real", "state", "state", "state"], -5, "'pools.real.state' is not a valid"),
    "pool not object": (["pools", "noise"], [1], "'pools.noise' must be an object"),
    "pools not object": (["pools"], 3, "'pools' must be an object"),
    "opt not object": (["opt_d"], "adam", "'opt_d' must be an object"),
    "epoch huge": (["epoch"], 2 ** 60, "'epoch' must be a whole number from 0 to"),
    "loss infinite": (["last_g_loss"], 1e308 * 10, "'last_g_loss' must be a finite number"),
    "adam t": (["opt_d", "t"], -3, "'t' must be a whole number"),
}


def _edit(model, path, value):
    d = copy.deepcopy(model)
    x = d
    for k in path[:-1]:
        x = x[k]
    x[path[-1]] = value
    return d


@pytest.mark.parametrize("name", BAD_FIELDS)
def test_every_field_is_checked(name, model):
    path, value, message = BAD_FIELDS[name]
    with pytest.raises(ModelFileError) as err:
        modelfile.from_dict(_edit(model, path, value))
    assert message in str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_a_file_that_says_it_diverged_gets_our_own_words(model):
    t = modelfile.from_dict(dict(model, diverged="<img src=x onerror=alert(1)> " * 1000))
    assert t.diverged == modelfile.DIVERGED
    assert not t.epoch()                # it does not train until Reset
    t.reset()
    assert t.epoch()


HOSTILE = [0, -1, 1.5, 2 ** 64, "x", "", None, True, [], {}, [0.5, 0.5], [[0]]]


def _leaves(d, path=()):
    """Every path into the parsed file, lists sampled (first, last) to keep it quick."""
    if isinstance(d, dict):
        for k, v in d.items():
            yield path + (k,)
            yield from _leaves(v, path + (k,))
    elif isinstance(d, list) and d:
        for i in sorted({0, len(d) - 1}):
            yield path + (i,)
            yield from _leaves(d[i], path + (i,))


@pytest.fixture(scope="module")
def compact_model():
    t = Trainer({"optimizer_d": "adam", "optimizer_g": "momentum"})
    t.train(20)
    return json.loads(modelfile.to_json(t, compact=True))


@pytest.mark.parametrize("spelling", ["model", "compact_model"])
def test_no_edit_of_any_field_escapes_or_breaks_training(spelling, request):
    """Every field of a real model file (arrays as lists, or as base64), set to each
    hostile value: either the file is refused with a ModelFileError, or the trainer it
    gives trains, steps, draws and reports without an error (the page's Play would work)."""
    from ganlab import fields
    model = request.getfixturevalue(spelling)
    loaded = 0
    for path in _leaves(model):
        for value in HOSTILE:
            d = _edit(model, path, value)
            try:
                t = modelfile.from_dict(json.loads(json.dumps(d)))
            except ModelFileError:
                continue
            loaded += 1
            for _ in t.epoch_steps():
                pass
            t.train(2)
            fields.frame(t)
            t.summary()
    assert loaded > 0       # some edits are harmless (a loss value, a parameter)


# ----- saving never destroys what was there -----------------------------------------------------
def test_saving_a_diverged_model_leaves_the_old_file_as_it_was(tmp_path):
    path = tmp_path / "m.json"
    good = Trainer()
    good.train(5)
    modelfile.save(good, str(path))
    before = path.read_bytes()
    bad = Trainer({"loss": "least_squares", "lr_d": 10, "lr_g": 10})
    bad.train(200)
    assert bad.diverged
    with pytest.raises(ModelFileError, match="diverged"):
        modelfile.save(bad, str(path))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_load_refuses_endless_devices():
    for device in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(ModelFileError, match=f"cannot read {device}"):
            modelfile.load(device)


def test_adam_memory_of_squares_cannot_be_negative(model):
    with pytest.raises(ModelFileError, match="'v' must not be negative"):
        modelfile.from_dict(_edit(model, ["opt_d", "v", 0], -1.0))


def test_a_dict_made_in_memory_may_hold_numpy_numbers():
    # Loading checks a JSON file's numbers by their types in one pass (int, float); a
    # dict built in memory may hold NumPy scalars, which are checked one by one instead.
    t = Trainer({"seed": 2})
    t.train(30)
    d = json.loads(modelfile.to_json(t))
    d["history"]["metrics"][1][1] = np.float64(d["history"]["metrics"][1][1])
    d["history"]["snapshots"][0][1][0] = np.float64(d["history"]["snapshots"][0][1][0])
    loaded = modelfile.from_dict(d)
    assert loaded.history.metrics == t.history.metrics
    d["history"]["metrics"][1][1] = np.float64("nan")
    with pytest.raises(modelfile.ModelFileError, match="finite number or null"):
        modelfile.from_dict(d)
