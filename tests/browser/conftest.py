"""Fixtures for driving the built site in headless Chromium (Playwright, sync API).

- `site_url`: builds dist/ once per session and serves it on a free local port.
- `browser`: Debian's /usr/bin/chromium (never a Playwright-downloaded build), started
  as tools/chromium.py says (the page benchmark uses the same settings).
- `page`: a fresh context per test; every request that leaves the local server is
  aborted and, like any console error or uncaught page error, fails the test.
- `open_ready`: `open_ready(page, site_url, timeout=60000)` loads the page and waits
  until `document.body.dataset.state` is "ready".

Tests here are skipped only when Playwright is not installed; a missing Chromium
is a failure.

A test during which Chromium's renderer process crashed ("Target crashed": the
browser died under the page, once in CI while the page was still starting) runs
again, twice at most, in a fresh context (pytest-rerunfailures; the run's summary
counts the reruns). Any other failure, an assertion or a page error, is
never rerun.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import build  # noqa: E402  (the repo's build.py)
from pagekit import wait_until  # noqa: E402
from tools.chromium import CHROMIUM, FRESH, LAUNCH  # noqa: E402  (shared with tools/benchpage.py)

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

# Elements whose text explains a failed start-up (the page's own error panel).
ERROR_PANEL = '#error, [role="alert"], .error, .py-error'


@dataclass
class PageLog:
    """What a page did that a test must not allow."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    off_origin: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught page error: {m}" for m in self.page_errors]
            + [f"request to another origin (aborted): {u}" for u in self.off_origin]
        )


_LOGS: dict[int, PageLog] = {}  # id(page) -> its log, while the page is open


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


RENDERER_CRASHED = ["Target crashed"]   # Playwright's words for a dead renderer


def pytest_collection_modifyitems(items):
    """Every test that drives a page may run again after a renderer crash, and only then."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents and "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=2, only_rerun=RENDERER_CRASHED))


@pytest.fixture(scope="session")
def site_url():
    """Build dist/ once and serve it on 127.0.0.1 at a free port."""
    dist = build.build()
    server, url = build.serve_in_thread(0, dist)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        pytest.skip("playwright is not installed (bash tests/run.sh installs it)")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (bash tests/run.sh does)", pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(**LAUNCH)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site_url):
    """A page in a fresh context that may talk only to the local server."""
    log = PageLog(origin=_origin(site_url))
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        url = r.request.url
        if _origin(url) == log.origin:
            r.continue_()
        else:
            log.off_origin.append(url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda m: m.type == "error" and log.console_errors.append(_describe(m)))
    pg.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    _LOGS[id(pg)] = log
    yield pg
    del _LOGS[id(pg)]
    context.close()


@pytest.fixture
def page_log(page) -> PageLog:
    """What `page` has logged so far (a test that provokes an error on purpose
    removes that one from the log, so the fixture still fails on any other)."""
    return _LOGS[id(page)]


def _describe(message) -> str:
    where = message.location or {}
    url = where.get("url")
    return f"{message.text} ({url}:{where.get('lineNumber')})" if url else message.text


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that used `page` if the page logged errors or left the origin."""
    result = yield
    log = _LOGS.get(id(item.funcargs.get("page")))
    if log is not None and log.problems():
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(log.problems()), pytrace=False)
    return result


def open_ready(page, site_url: str, timeout: float = 60000, fresh: bool = True) -> None:
    """Open the site and wait until `document.body.dataset.state` is "ready".

    `fresh` (and an address without a hash): open a new model at the default
    settings (tools.chromium.FRESH) instead of the default pre-trained model.

    Fails with the state, the visible error panel's text and the errors seen as
    soon as the page reports "error" or logs an error, or after `timeout` ms.
    """
    log = _LOGS.get(id(page))
    if fresh and "#" not in site_url:
        site_url += FRESH
    page.goto(site_url, wait_until="commit")
    deadline = time.monotonic() + timeout / 1000
    state = None
    while time.monotonic() < deadline:
        try:
            wait_until(page, "() => ['ready', 'error'].includes(document.body && document.body.dataset.state)",
                       timeout=max(1.0, min(500.0, (deadline - time.monotonic()) * 1000)))
        except PlaywrightTimeoutError:
            if log is not None and (log.console_errors or log.page_errors):
                break  # it will not get ready: say why now, not after the timeout
            continue
        state = page.evaluate("() => document.body.dataset.state")
        break
    if state == "ready":
        return
    state = page.evaluate("() => document.body ? document.body.dataset.state : null")
    panel = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .filter(e => !e.closest('[hidden]'))
            .map(e => e.innerText.trim()).filter(Boolean).join('\\n')""",
        ERROR_PANEL,
    )
    detail = f"\nerror panel:\n{panel}" if panel else ""
    if log is not None and log.problems():
        detail += "\n" + "\n".join(log.problems())
    if state == "error":
        how = "reported an error"
    elif log is not None and (log.console_errors or log.page_errors):
        how = "logged an error before it was ready"
    else:
        how = f"was not ready after {timeout / 1000:g} s"
    pytest.fail(f"page {how} (data-state={state!r}){detail}", pytrace=False)


@pytest.fixture(name="open_ready")
def open_ready_fixture():
    """The `open_ready(page, site_url, timeout=60000)` helper."""
    return open_ready
