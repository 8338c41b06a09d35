"""The Lessons in the page: a button per lesson starts a fresh model with the lesson's
settings and opens its panel (its words from ganlab.lessons), near the view and not
over it; the close button hides it; axe-core finds nothing wrong with the panel open,
at 1440×900 and 390×844; the article under the tool starts lessons too.

The page's Content-Security-Policy forbids eval, so waits poll with page.evaluate
(pagekit.wait_until), never Playwright's wait_for_function.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import redraw, snapshot, wait_snapshot, wait_until  # noqa: E402
from test_page_ux import axe_violations, report  # noqa: E402

from ganlab.lessons import BY_ID, LESSONS  # noqa: E402

pytestmark = pytest.mark.browser

WIDE, PHONE = (1440, 900), (390, 844)


def open_at(page, site_url, open_ready, size, link: str = "") -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_ready(page, site_url + link)


def panel_words(page) -> dict:
    return page.evaluate("""() => ({
        title: document.getElementById('lesson-title').textContent,
        setup: document.getElementById('lesson-setup').textContent,
        steps: [...document.querySelectorAll('#lesson-todo li')].map(li => li.textContent),
        watch: document.getElementById('lesson-watch').textContent,
        why: document.getElementById('lesson-why').textContent })""")


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_each_lesson_button_starts_its_lesson(page, site_url, open_ready):
    """From a trained model that is playing, each button in turn pauses, starts a fresh
    model with the lesson's settings, and the panel shows the lesson's words as
    ganlab.lessons has them (with the tested bounds)."""
    open_at(page, site_url, open_ready, WIDE, "#preset=ring&seed=7")
    for lesson in LESSONS:
        page.evaluate("() => window.ganlab.train(30)")
        if not snapshot(page)["diverged"]:         # (the divergence lesson's model cannot play)
            page.get_by_role("button", name="Play", exact=True).click()
            wait_snapshot(page, "s.playing")
        page.locator(f"#lesson-{lesson.id}").click()
        wait_snapshot(page, "!s.playing && s.epoch === 0")
        s = snapshot(page)
        assert s["settings"] == lesson.settings(), lesson.id
        assert s["d_steps"] == 0 and s["g_steps"] == 0
        expect(page.locator("#lesson-panel")).to_be_visible()
        words = panel_words(page)
        assert words == {"title": lesson.title, "setup": lesson.setup_text(),
                         "steps": lesson.step_texts(), "watch": lesson.watch_text(),
                         "why": lesson.why_text()}
        for claim in lesson.claims:
            if claim.show:
                assert claim.shown in words["watch"] + " ".join(words["steps"])
        expect(page.locator(f"#lesson-{lesson.id}")).to_have_attribute("aria-current", "true")
        expect(page.locator("#message-text")).to_contain_text(lesson.title)
        drawing = page.locator("#draw")
        expect(drawing).to_have_attribute("aria-pressed", "true" if lesson.draws else "false")
        if lesson.draws:
            drawing.click()             # stop drawing, as a learner would before moving on


@pytest.mark.parametrize("size", [pytest.param(WIDE, id="1440x900"), pytest.param(PHONE, id="390x844")])
def test_the_panel_is_beside_or_under_the_view_and_closes(page, site_url, open_ready, size):
    open_at(page, site_url, open_ready, size)
    page.locator("#lesson-vanishing").click()
    wait_snapshot(page, "s.settings.preset === 'disjoint'")
    for _ in range(2):
        page.get_by_role("button", name="Step both").click()
    wait_snapshot(page, "s.epoch === 2")
    redraw(page)
    # The live line follows the model: the pull ratio on the fakes, in words.
    wait_until(page, "() => document.getElementById('lesson-live').textContent.includes('times weaker')")
    view = page.locator("#view").bounding_box()
    panel = page.locator("#lesson-panel").bounding_box()
    assert not overlaps(view, panel), f"the panel covers the view: {panel} over {view}"
    if size == WIDE:        # beside the view, on the first screen
        assert panel["x"] >= view["x"] + view["width"] and panel["y"] < size[1] / 2
    else:                   # right under the view, full width
        assert panel["y"] >= view["y"] + view["height"] and panel["width"] > size[0] * 0.8
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
    page.locator("#lesson-close").click()
    expect(page.locator("#lesson-panel")).to_be_hidden()
    assert snapshot(page)["settings"]["preset"] == "disjoint"     # closing changes nothing else


def test_the_article_starts_lessons_too(page, site_url, open_ready):
    open_at(page, site_url, open_ready, WIDE)
    article = page.locator("#about")
    expect(article.get_by_role("heading", name="What is a GAN?")).to_be_visible()
    links = article.locator("[data-lesson]")
    assert links.count() == len(LESSONS)
    article.locator('[data-lesson="collapse"]').click()
    wait_snapshot(page, "s.settings.preset === 'eight_gaussians' && s.settings.k_g === 5")
    expect(page.locator("#lesson-title")).to_have_text(BY_ID["collapse"].title)
    # The panel is on screen with the view: the page scrolled back up to them.
    box = page.locator("#lesson-panel").bounding_box()
    assert 0 <= box["y"] < 900


@pytest.mark.parametrize("size", [pytest.param(WIDE, id="1440x900"), pytest.param(PHONE, id="390x844")])
def test_axe_with_a_lesson_open(page, site_url, open_ready, size):
    open_at(page, site_url, open_ready, size)
    page.locator("#lesson-oscillation").click()
    wait_snapshot(page, "s.settings.optimizer_d === 'adam'")
    page.get_by_role("button", name="Step both").click()
    redraw(page)
    expect(page.locator("#lesson-panel")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], "axe violations with a lesson open:\n" + report(violations)
