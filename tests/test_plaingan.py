"""The README's plain GAN column, re-run: tools/plaingan.py on every data set for
seeds 1-3 with the recipe's epochs gives the figures the table prints (to its 3
decimals: the plain GAN is deterministic for a seed), and each row's "as well as
plain" is the method's verdict on the figures the row shows. (The recipe's figures
in the same rows are checked by tests/test_training.py.)"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ganlab.state import PRESETS, RECIPES
from tools import recipes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [1] if os.environ.get("GANLAB_ALL_SEEDS") == "0" else [1, 2, 3]


@pytest.fixture(scope="module")
def rows():
    return recipes.readme_rows((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("preset", PRESETS)
def test_readme_plain_gan_column_and_verdict(preset, rows):
    cells = rows[preset]
    shown = cells[7].split()
    assert len(shown) == 3
    for seed in SEEDS:
        js = recipes.plain(preset, seed, RECIPES[preset].epochs)
        assert f"{js:.3f}".removeprefix("0") == shown[seed - 1], (preset, seed, js)
    recipe_js = [float(x) for x in cells[3].split()]
    plain_js = [float(x) for x in shown]
    verdict = recipes.as_well_as_plain(recipe_js, plain_js)
    assert cells[8] == ("yes" if verdict else "**no**")


def test_readme_says_every_row_meets_the_method_only_if_it_does(rows):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert list(rows) == list(PRESETS)
    every = all(cells[8] == "yes" for cells in rows.values())
    assert ("every row meets it" in readme) == every
