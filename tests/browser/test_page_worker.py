"""Playing at full speed trains in a Web Worker (ui/trainworker.py, static/train-worker.js):
the page's model is at every frame the worker's, bit for bit, and every control still
acts on it. The `page` fixture fails a test on console errors and outside requests."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import redraw, set_value, snapshot, wait_snapshot  # noqa: E402

pytestmark = pytest.mark.browser


def _play_in_worker(page, epochs: int = 200) -> None:
    """Play until the worker has trained `epochs` epochs (it loads on the first Play)."""
    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, f"s.worker === 'ready' && s.worker_epochs >= {epochs}", timeout=90000)


def _pause(page) -> dict:
    page.get_by_role("button", name="Pause", exact=True).click()
    redraw(page, 3)
    return snapshot(page)


def test_the_worker_trains_the_numbers_the_page_itself_would(page, site_url, open_ready):
    open_ready(page, site_url)
    _play_in_worker(page)
    played = _pause(page)
    assert played["worker_epochs"] >= 200 and not played["playing"]
    # Paused means paused: the worker's later updates are not applied.
    page.wait_for_timeout(300)
    redraw(page, 5)
    assert snapshot(page)["epoch"] == played["epoch"]
    # The same epochs trained by the page alone, from the same new model: the same
    # numbers to the last bit (the snapshot's floats go through JSON exactly).
    page.get_by_role("button", name="Reset").click()
    wait_snapshot(page, "s.epoch === 0")
    assert page.evaluate("(n) => Promise.resolve(window.ganlab.train(n))",
                         played["epoch"]) == played["epoch"]
    alone = snapshot(page)
    assert alone["worker_epochs"] == played["worker_epochs"]     # not the worker this time
    for key in ("epoch", "d_steps", "g_steps", "d_loss", "g_loss", "kl", "js", "fake"):
        assert alone[key] == played[key], key


def test_the_worker_follows_the_engine_under_cpython(page, site_url, open_ready):
    from ganlab.gan import Trainer

    open_ready(page, site_url)
    _play_in_worker(page, 50)
    s = _pause(page)
    t = Trainer({"seed": 1})
    t.train(s["epoch"])
    assert (s["d_steps"], s["g_steps"]) == (t.d_steps, t.g_steps)
    np.testing.assert_allclose(np.array(s["fake"]), t.generate(t.show_noise), rtol=0, atol=1e-6)


def test_a_change_while_the_worker_trains_takes_effect_and_training_goes_on(page, site_url, open_ready):
    open_ready(page, site_url)
    _play_in_worker(page, 50)
    set_value(page, "#set-lr_d", "0.03")
    before = snapshot(page)
    assert before["settings"]["lr_d"] == 0.03 and before["playing"]
    wait_snapshot(page, f"s.worker_epochs > {before['worker_epochs'] + 100}"
                        f" && s.epoch > {before['epoch'] + 100}", timeout=30000)
    # Reset while playing: a new model, trained by the worker from epoch 0 on. (How far
    # it has got by the next snapshot depends on the machine: a new count, below the
    # old one, with Undo offered, is what says it was reset.)
    old = snapshot(page)["epoch"]
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    s = snapshot(page)
    assert s["epoch"] < old and s["settings"]["lr_d"] == 0.03
    wait_snapshot(page, f"s.worker_epochs > {s['worker_epochs'] + 100}", timeout=30000)
    after = _pause(page)
    assert after["epoch"] >= 100 and after["settings"]["lr_d"] == 0.03


def test_a_step_after_playing_in_the_worker_goes_on_from_its_model(page, site_url, open_ready):
    open_ready(page, site_url)
    _play_in_worker(page, 50)
    s = _pause(page)
    page.get_by_role("button", name="Step both").click()
    wait_snapshot(page, f"s.epoch === {s['epoch'] + 1}")
    stepped = snapshot(page)
    k = s["settings"]
    assert (stepped["d_steps"], stepped["g_steps"]) == (s["d_steps"] + k["k_d"], s["g_steps"] + k["k_g"])
    expect(page.locator("#epoch")).to_have_text(str(s["epoch"] + 1))


def test_divergence_while_the_worker_trains_stops_play_and_says_why(page, site_url, open_ready):
    # (A changed setting's first epoch is timed in the page, so the divergence may come
    # from there or from the worker: either way Play stops with the reason;
    # tests/test_remote.py shows the worker's divergence arriving with its reason.)
    open_ready(page, site_url)
    _play_in_worker(page, 50)
    for name, value in (("loss", "least_squares"), ("lr_d", "10"), ("lr_g", "10")):
        if name == "loss":
            page.select_option("#set-loss", value)
        else:
            set_value(page, f"#set-{name}", value)
    wait_snapshot(page, "s.diverged && !s.playing", timeout=30000)
    expect(page.locator("#diverged")).to_be_visible()
    expect(page.locator("#diverged")).to_contain_text("Training stopped")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()


def test_updates_no_frame_takes_stop_the_worker_and_training_goes_on_exactly(page, site_url, open_ready):
    open_ready(page, site_url)
    _play_in_worker(page, 50)
    # A long task holds the frames up (as a hidden tab has none): the updates pile up,
    # and after INBOX_MOST of them the worker is told to stop.
    page.evaluate("() => { const t = performance.now(); while (performance.now() - t < 1500) {} }")
    wait_snapshot(page, "s.worker_full_stops >= 1")
    moved = snapshot(page)["worker_epochs"]
    wait_snapshot(page, f"s.worker_epochs > {moved + 200}", timeout=30000)    # and it goes on
    played = _pause(page)
    page.get_by_role("button", name="Reset").click()
    wait_snapshot(page, "s.epoch === 0")
    page.evaluate("(n) => Promise.resolve(window.ganlab.train(n))", played["epoch"])
    alone = snapshot(page)
    for key in ("epoch", "d_steps", "g_steps", "d_loss", "g_loss", "kl", "js", "fake"):
        assert alone[key] == played[key], key
