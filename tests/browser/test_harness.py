"""The browser test harness itself: what it does when Chromium fails under a test."""
from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

_RUNS: list[str] = []   # one entry per run of the test below, kept across its reruns


def test_a_renderer_crash_reruns_the_test_in_a_fresh_page(page, site_url, open_ready):
    """The first run kills its renderer (Chromium's chrome://crash); the harness
    runs the test again with a new page, which starts and works. Without the rerun
    this test fails with "Target crashed"."""
    _RUNS.append(page.url)
    if len(_RUNS) == 1:
        page.context.unroute("**/*")            # the harness would abort chrome://
        try:
            page.goto("chrome://crash")         # the renderer dies; the load is aborted
        except PlaywrightError:
            pass
        page.evaluate("1")                      # raises: Target crashed
    open_ready(page, site_url)
    assert page.evaluate("() => document.body.dataset.state") == "ready"
    assert len(_RUNS) == 2


def test_only_a_renderer_crash_is_rerun(request):
    """Browser tests carry the rerun marker with Playwright's crash message and
    nothing else: an assertion that fails is never retried into a pass."""
    items = [i for i in request.session.items if "page" in getattr(i, "fixturenames", ())]
    assert items, "no browser test collected"
    for item in items:
        marks = list(item.iter_markers("flaky"))
        assert len(marks) == 1, item.nodeid
        assert marks[0].kwargs == {"reruns": 2, "only_rerun": ["Target crashed"]}, item.nodeid
