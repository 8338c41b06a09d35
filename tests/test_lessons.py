"""The guided lessons (ganlab.lessons): every number their words state holds on seeds 1-3.

Each lesson's figures come from one run of the engine per seed on the lesson's own
settings (`Lesson.figures`); its words are formatted from the claims' bounds, so
a claim checked here is exactly what the page and the README say.
`python -m ganlab.lessons` prints the figures seed by seed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ganlab import lessons
from ganlab.lessons import LESSONS, SEEDS
from ganlab.state import BY_NAME, DEFAULTS, make_settings, recipe
from ganlab.ui import markup

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = [pytest.param(lesson, claim, id=f"{lesson.id}-{claim.key}")
          for lesson in LESSONS for claim in lesson.claims]


@pytest.mark.parametrize("lesson,claim", CLAIMS)
def test_every_claim_holds_on_seeds_1_to_3(lesson, claim):
    got = {seed: lesson.figures(seed)[claim.key] for seed in SEEDS}
    sign = ">=" if claim.at_least else "<="
    assert all(claim.holds(v) for v in got.values()), f"{claim.key} {sign} {claim.bound}: {got}"


def test_the_lessons_the_issue_asks_for():
    ids = [lesson.id for lesson in LESSONS]
    assert len(set(ids)) == len(ids)
    assert {"steps", "collapse", "vanishing", "oscillation", "divergence", "k_d", "beta1",
            "wasserstein", "drawing"} <= set(ids)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.id)
def test_settings_are_valid_and_start_from_the_defaults(lesson):
    settings = lesson.settings()
    assert settings == make_settings(lesson.changes)
    for name, value in lesson.changes.items():
        assert BY_NAME[name].validate(value) == value
        assert value != DEFAULTS[name], f"{name} {value} is the default: not a change"
    assert settings["preset"] != "points"          # a lesson never needs points to start
    assert lesson.pretrained is False              # every lesson measures a fresh model
    if lesson.link():
        assert lesson.link().startswith("#")
    if lesson.from_recipe:       # "the recommended settings of ..., then ...": true to the letter
        preset = lesson.changes["preset"]
        assert set(recipe(preset)) <= set(lesson.changes)
        for name, value in lesson.changes.items():
            if name != "preset" and recipe(preset)[name] != value:
                assert f"{BY_NAME[name].label} {value:g}" in lesson.setup_text()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.id)
def test_the_words_show_the_tested_bounds_and_nothing_else_numeric(lesson):
    words = lesson.words()
    # Every {placeholder} is a claim or a setting, and every claim with a number is shown.
    assert lesson.placeholders() <= set(words)
    shown = {c.key for c in lesson.claims if c.show}
    assert shown <= lesson.placeholders(), f"claims never shown: {shown - lesson.placeholders()}"
    # The text carries the bounds as formatted from the claims.
    text = lesson.all_text()
    for c in lesson.claims:
        if c.show:
            assert c.shown in text
    # No number is typed into the words by hand: every digit comes from a placeholder.
    for raw in (*lesson.steps, lesson.watch, lesson.why):
        bare = re.sub(r"\{[a-z0-9_]+\}", "", raw)
        for formula in ("(1 − D)/D", "1 − D(x)", "β1"):      # names and formulas, not figures
            bare = bare.replace(formula, "")
        assert not re.search(r"\d", bare), f"a number typed by hand in {lesson.id}: {raw!r}"
    assert lesson.title and lesson.summary and lesson.steps and lesson.watch and lesson.why
    assert "lr_" not in text and "k_d" not in text and "optimizer" not in text   # page words only


def test_the_page_gets_a_button_per_lesson():
    html = markup.lessons_html()
    for lesson in LESSONS:
        assert f'id="lesson-{lesson.id}"' in html and f'data-lesson="{lesson.id}"' in html
    links = markup.lesson_links_html()
    assert links.count("data-lesson=") == len(LESSONS)
    index = (ROOT / "index.html").read_text(encoding="utf-8")
    assert "<!-- ganlab:lessons -->" in index and "<!-- ganlab:lesson-links -->" in index


def test_readme_things_to_try_is_the_lessons_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- lessons:start -->", "<!-- lessons:end -->"
    assert start in readme and end in readme
    section = readme.split(start)[1].split(end)[0]
    assert section.strip() == lessons.readme_section().strip(), (
        "README's Things to try differs from ganlab.lessons: paste `python -m ganlab.lessons --readme`")


def test_the_vanishing_lessons_live_line_reads_the_ratio_at_the_fakes():
    """The lesson panel's live line: (1 - D)/D at the middle fake, and its spread over
    the fakes (10th to 90th percentile), from the frame the view draws."""
    import re

    import numpy as np

    from ganlab import fields, lessons
    t = lessons._trainer(lessons.VANISH_CHANGES, 1)
    for _ in range(lessons.VANISH_PRESSES):
        t.epoch()
    frame = fields.frame(t, with_manifold=False)
    line = lessons.live_ratio(t, frame)
    ratio = (1 - frame.d_fake) / frame.d_fake
    number = r"([\d,.]+(?:e[+-]?\d+)?)"
    found = re.search(rf"is {number} times weaker.*: {number} to {number} times weaker", line)
    assert found, line
    shown = [float(x.replace(",", "")) for x in found.groups()]
    expect = [np.median(ratio), *np.percentile(ratio, [10, 90])]
    assert len(shown) == 3 and np.allclose(shown, expect, rtol=1e-2), (line, expect)
    assert shown[1] <= shown[0] <= shown[2]
