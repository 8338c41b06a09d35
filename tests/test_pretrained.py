"""The pre-trained models shipped in static/pretrained/ (made by tools/pretrain.py):
each loads, is what its index says it is, and has learned its data set."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ganlab import modelfile
from ganlab.state import PRESETS, RECIPES, from_query, make_settings, recipe, to_query

ROOT = Path(__file__).resolve().parents[1]
DIR = ROOT / "static" / "pretrained"
INDEX = json.loads((DIR / "index.json").read_text())
# Measured for the shipped files (the index records each seed's figures): every model's
# fakes look real (precision) and cover the data (recall) at least this often.
AT_LEAST = 0.65


def test_every_data_set_has_one():
    assert list(INDEX) == list(PRESETS)


@pytest.fixture(scope="module", params=PRESETS)
def shipped(request):
    entry = INDEX[request.param]
    return request.param, entry, modelfile.load(str(DIR / entry["file"]))


def test_each_is_its_data_sets_recipe_trained_for_the_recipes_epochs(shipped):
    preset, entry, t = shipped
    assert t.settings == make_settings(dict(recipe(preset), preset=preset, seed=entry["seed"]))
    assert to_query(t.settings) == entry["hash"]
    assert make_settings(from_query(entry["hash"])[0]) == t.settings
    assert t.epoch_count == entry["epochs"] == RECIPES[preset].epochs
    assert entry["seed"] in [s["seed"] for s in entry["seeds_tried"]]


def test_the_figures_in_the_index_are_the_models_own(shipped):
    preset, entry, t = shipped
    s = t.summary()
    assert round(s["js"], 4) == entry["js"]
    assert (s["precision"], s["recall"], s["verdict"]) == (entry["precision"], entry["recall"],
                                                           entry["verdict"])


def test_each_has_learned_its_data_set(shipped):
    preset, entry, t = shipped
    s = t.summary()
    assert s["precision"] >= AT_LEAST and s["recall"] >= AT_LEAST, (preset, s["verdict"])
    assert not t.diverged


def test_each_carries_a_timeline_from_start_to_end(shipped):
    # The replay GIF and the "Look inside" scrubber both read the history's snapshots.
    preset, entry, t = shipped
    h = t.history
    epochs = [row[0] for row in h.snapshots]
    assert len(epochs) > 32 and epochs[0] == 0 and epochs[-1] == t.epoch_count
    last = h.moment(len(epochs) - 1)
    assert None not in (last.d_loss, last.g_loss, last.kl, last.js)


def test_the_files_are_small_and_compact(shipped):
    preset, entry, t = shipped
    path = DIR / entry["file"]
    assert 240_000 <= path.stat().st_size == entry["bytes"] <= 460_000     # the README says so
    d = json.loads(path.read_text())
    assert "float64" in d["g_params"]
    assert all(len(d["history"][k]) <= 512 for k in ("losses", "metrics", "quality"))


def test_the_script_makes_the_same_file_again():
    """tools/pretrain.py is deterministic: ring (the quickest) trained again with its
    recorded seed gives the shipped file byte for byte."""
    sys.path.insert(0, str(ROOT))
    try:
        from tools import pretrain
    finally:
        sys.path.remove(str(ROOT))
    entry = INDEX["ring"]
    t, figures = pretrain.train("ring", entry["seed"])
    assert figures["verdict"] == entry["verdict"]
    assert pretrain.shipped(t) == (DIR / entry["file"]).read_text()
