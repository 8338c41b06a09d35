"""Pre-trained models in the page (issue 11): the page opens on the default data set's
trained model, painted from build-time data before Python is up and then taken over
by Python with the same picture; the "Use pre-trained model" toggle and the data set
tiles load and drop the trained models."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import redraw, snapshot, wait_snapshot, wait_until  # noqa: E402

from ganlab.state import BY_NAME, from_query, make_settings  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
INDEX = json.loads((ROOT / "static" / "pretrained" / "index.json").read_text())
DEFAULT = BY_NAME["preset"].default
PICTURES = """() => ['view', 'heat', 'thumb-gen', 'thumb-disc', 'chart-loss', 'chart-div', 'chart-pr']
    .map(id => { const c = document.getElementById(id); return [id, c.width, c.height, c.toDataURL()]; })"""


def settings_of(preset: str) -> dict:
    return make_settings(from_query(INDEX[preset]["hash"])[0])


def message(page) -> str:
    return page.inner_text("#message-text")


def test_the_page_opens_on_the_default_data_sets_trained_model(page, site_url, open_ready):
    # Fetched once, by static/first-frame.js while Python loads; Python takes that text.
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith(INDEX[DEFAULT]["file"]) else None)
    open_ready(page, site_url, fresh=False)
    assert len(asked) == 1, asked
    assert page.evaluate("() => window.ganlabPrefetch") is None, "the early text is used once"
    s = snapshot(page)
    assert s["epoch"] == INDEX[DEFAULT]["epochs"] > 0
    assert s["settings"] == settings_of(DEFAULT)
    assert page.locator("#pretrained").is_checked()
    assert page.inner_text("#epoch") == str(INDEX[DEFAULT]["epochs"])
    # A reload keeps it (the address now names the trained model's settings).
    page.reload()
    wait_until(page, "() => document.body.dataset.state === 'ready'", timeout=60000)
    assert snapshot(page)["epoch"] == INDEX[DEFAULT]["epochs"]
    assert len(asked) == 2, "the reload fetched it early too, once"


def test_an_early_fetch_that_fails_is_made_again_by_python(page, site_url, page_log):
    failed = []

    def first_fails(route):
        if not failed:
            failed.append(route.request.url)
            route.fulfill(status=503, body="busy")
        else:
            route.fallback()
    page.route(f"**/static/pretrained/{INDEX[DEFAULT]['file']}", first_fails)
    page.goto(site_url)
    wait_until(page, "() => document.body.dataset.state === 'ready'", timeout=60000)
    assert failed, "the early fetch was made"
    assert snapshot(page)["epoch"] == INDEX[DEFAULT]["epochs"]
    assert page.locator("#pretrained").is_checked()
    assert page.inner_text("#message-text") == ""
    # The browser's own console line about the 503 is the expected one.
    page_log.console_errors[:] = [m for m in page_log.console_errors if "503" not in m]


def test_the_first_frame_shows_before_python_and_python_paints_the_same(page, site_url):
    """The interpreter's WebAssembly is held back: the trained picture is there while
    the page is still loading, with the controls disabled; once Python is up the view,
    the background, the thumbnails and the charts hold exactly the same pixels."""
    held, holding = [], [True]
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route) if holding[0] else route.fallback())
    page.goto(site_url, wait_until="domcontentloaded")
    wait_until(page, "() => document.body.dataset.firstFrame !== undefined")
    assert page.evaluate("() => document.body.dataset.state") == "loading"
    assert page.evaluate("() => document.body.dataset.firstFrame") == str(INDEX[DEFAULT]["epochs"])
    assert page.locator("#play").is_disabled() and page.locator("#pretrained").is_disabled()
    assert page.inner_text("#epoch") == str(INDEX[DEFAULT]["epochs"])
    before = page.evaluate(PICTURES)
    blank = page.evaluate("() => { const c = document.createElement('canvas'); "
                          "c.width = document.getElementById('view').width; "
                          "c.height = document.getElementById('view').height; return c.toDataURL(); }")
    assert before[0][3] != blank, "nothing painted on the view"
    holding[0] = False
    for route in held:
        route.fallback()
    wait_until(page, "() => document.body.dataset.state === 'ready'", timeout=60000)
    redraw(page, 3)
    assert snapshot(page)["epoch"] == INDEX[DEFAULT]["epochs"]
    after = page.evaluate(PICTURES)
    for b, a in zip(before, after):
        assert b == a, f"{b[0]} changed when Python took over"


def test_tiles_load_trained_models_and_the_toggle_drops_and_brings_them_back(page, site_url, open_ready):
    open_ready(page, site_url, fresh=False)
    page.click("#tile-ring")
    wait_snapshot(page, f"s.epoch === {INDEX['ring']['epochs']} && s.settings.preset === 'ring'")
    assert snapshot(page)["settings"] == settings_of("ring")
    assert "Pre-trained model: ring" in message(page)
    # Off: a new, untrained model with the same settings (Undo offered, as for Reset).
    page.click("#pretrained")
    wait_snapshot(page, "s.epoch === 0")
    assert snapshot(page)["settings"] == settings_of("ring")
    assert "untrained" in message(page) and page.is_visible("#message-action")
    # Off, a tile gives a new model of that data set (the other settings kept).
    page.click("#tile-moons")
    wait_snapshot(page, "s.settings.preset === 'moons'")
    assert snapshot(page)["epoch"] == 0
    # On again: the current data set's trained model.
    page.click("#pretrained")
    wait_snapshot(page, f"s.epoch === {INDEX['moons']['epochs']}")
    assert snapshot(page)["settings"] == settings_of("moons")


def test_an_address_with_other_settings_opens_a_new_model(page, site_url, open_ready):
    open_ready(page, site_url + "#preset=ring&lr_d=0.05")
    s = snapshot(page)
    assert (s["epoch"], s["settings"]["preset"], s["settings"]["lr_d"]) == (0, "ring", 0.05)
    assert not page.locator("#pretrained").is_checked()


def test_a_model_that_cannot_be_fetched_gives_a_new_one_and_says_why(page, site_url, open_ready, page_log):
    page.route("**/static/pretrained/line.json", lambda route: route.fulfill(status=404, body="gone"))
    open_ready(page, site_url, fresh=False)
    page.click("#tile-line")
    wait_snapshot(page, "s.settings.preset === 'line'")
    assert snapshot(page)["epoch"] == 0
    assert "could not be loaded" in message(page) and "404" in message(page)
    assert not page.locator("#pretrained").is_checked()
    # The browser's own console line about the 404 is the expected one.
    page_log.console_errors[:] = [m for m in page_log.console_errors if "line.json" not in m]


def test_a_load_overtaken_by_the_learner_does_not_replace_their_model(page, site_url, open_ready):
    """The ring model is held back on its way; meanwhile the learner unticks the toggle
    (a new model): when the file arrives, it is not loaded over their choice."""
    held = []
    page.route("**/static/pretrained/ring.json", lambda route: held.append(route))
    open_ready(page, site_url, fresh=False)
    page.click("#tile-ring")
    page.click("#pretrained")
    wait_snapshot(page, "s.epoch === 0")
    assert len(held) == 1
    with page.expect_response("**/static/pretrained/ring.json"):
        held[0].fallback()
    redraw(page, 10)            # Python has had the file for several frames
    s = snapshot(page)
    assert s["epoch"] == 0 and s["settings"]["preset"] == DEFAULT
    assert not page.locator("#pretrained").is_checked()
