"""The playground page's run controls, in headless Chromium: buttons, play/pause,
reset, keyboard shortcuts, the speed control, the charts, and the same numbers
as the engine under CPython.

The `page` fixture (conftest.py) already fails every test on console errors and
on requests that leave the local server.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import (count_colour, heat_pixels, painted, redraw, snapshot, wait_snapshot,  # noqa: E402
                     wait_until)

from ganlab.state import DEFAULTS, SETTINGS  # noqa: E402

pytestmark = pytest.mark.browser

BUTTONS = ("Play", "Step discriminator", "Step generator", "Step both", "Reset",
           "Draw", "Apply drawing", "Clear drawing", "Use recommended settings",
           "Save model", "Use these points", "Export CSV", "Export figure", "Look inside",
           "Replay", "Live")


def test_ready_with_every_control_enabled_and_named(page, site_url, open_ready):
    """Every control is enabled once Python is up, except the settings that do nothing
    with the settings in use, each disabled with its reason shown under it."""
    from ganlab.ui import overview
    open_ready(page, site_url)
    assert page.evaluate("() => document.body.dataset.state") == "ready"
    expect(page.locator("#loading")).to_be_hidden()
    expect(page.locator("#error-panel")).to_be_hidden()

    unused = overview.unused(DEFAULTS)
    assert set(unused) == {"jitter", "clip", "beta1", "beta2", "momentum"}
    disabled = page.evaluate(
        "() => [...document.querySelectorAll('button, input, select')]"
        ".filter(e => e.disabled).map(e => e.id)")
    assert sorted(disabled) == sorted(f"set-{n}" for n in unused)
    for s in SETTINGS:
        if s.name in unused:
            expect(page.locator(f"#set-{s.name}")).to_be_disabled()
            expect(page.locator(f"#set-{s.name}-msg")).to_have_text(unused[s.name])
        else:
            expect(page.locator(f"#set-{s.name}")).to_be_enabled()

    page.click("#paste-points summary")      # its button shows once the paste box is open
    page.get_by_role("button", name="Look inside", exact=True).click()
    for name in BUTTONS:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    buttons = page.locator("button:not(.node):not(.loop):not(.tile):not(.unit):not(#message-action)"
                           ":not(#part-close):not(.lesson):not(.lesson-link):not(#lesson-close)")
    assert buttons.count() == len(BUTTONS)
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_have_accessible_name(re.compile(r"\S"))
    # The lessons' buttons (the list and the article's links; test_page_lessons.py
    # checks what each does): every one enabled and named by its lesson's title.
    from ganlab.lessons import LESSONS
    lessons = page.locator("button.lesson, button.lesson-link")
    assert lessons.count() == 2 * len(LESSONS)
    for i in range(lessons.count()):
        expect(lessons.nth(i)).to_be_enabled()
        expect(lessons.nth(i)).to_have_accessible_name(re.compile(r"\S"))

    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select')]
            .filter(e => !(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label')
                         && !e.getAttribute('aria-labelledby'))
            .map(e => e.id)""")
    assert unlabelled == []
    fields = page.locator("input, select")
    # settings, layer toggles, speed, model file, "Use pre-trained model", the "Look
    # inside" layers, scrubber and "Drag draws a line", CSV import, export (what, how
    # many), figure format
    assert fields.count() == len(SETTINGS) + 6 + 1 + 1 + 1 + 4 + 1 + 2 + 1
    for i in range(fields.count()):
        expect(fields.nth(i)).to_have_accessible_name(re.compile(r"\S"))
    # A few by the name a screen reader announces.
    assert page.get_by_role("spinbutton", name="D learning rate").get_attribute("id") == "set-lr_d"
    assert page.get_by_role("combobox", name="Speed").get_attribute("id") == "speed"
    assert page.get_by_role("checkbox", name="Gradients").get_attribute("id") == "show-grad"


def test_step_discriminator_changes_the_heatmap_not_the_fakes(page, site_url, open_ready):
    open_ready(page, site_url)
    redraw(page)
    heat0, s0 = heat_pixels(page), snapshot(page)
    page.get_by_role("button", name="Step discriminator").click()
    wait_snapshot(page, "s.d_steps === 1")
    redraw(page)
    heat1, s1 = heat_pixels(page), snapshot(page)
    assert len(heat1) == len(heat0) == 60 * 60 * 4
    assert sum(a != b for a, b in zip(heat0, heat1)) > 0, "the heatmap did not change"
    assert s1["fake"] == s0["fake"]
    assert (s1["d_steps"], s1["g_steps"], s1["epoch"]) == (s0["d_steps"] + 1, s0["g_steps"], s0["epoch"])


def test_step_generator_moves_the_fakes_not_the_heatmap(page, site_url, open_ready):
    open_ready(page, site_url)
    redraw(page)
    heat0, s0 = heat_pixels(page), snapshot(page)
    page.get_by_role("button", name="Step generator").click()
    wait_snapshot(page, "s.g_steps === 1")
    redraw(page)
    heat1, s1 = heat_pixels(page), snapshot(page)
    assert heat1 == heat0, "a generator step changed the discriminator's heatmap"
    moved = np.abs(np.array(s1["fake"]) - np.array(s0["fake"])).max()
    assert moved > 1e-6, "the fakes did not move"
    assert (s1["g_steps"], s1["d_steps"], s1["epoch"]) == (s0["g_steps"] + 1, s0["d_steps"], s0["epoch"])


def test_step_both_advances_one_epoch(page, site_url, open_ready):
    open_ready(page, site_url)
    expect(page.locator("#epoch")).to_have_text("0")
    page.get_by_role("button", name="Step both").click()
    expect(page.locator("#epoch")).to_have_text("1")
    s = snapshot(page)
    assert (s["epoch"], s["d_steps"], s["g_steps"]) == (1, 2, 1)   # k_d = 2, k_g = 1
    page.get_by_role("button", name="Step both").click()
    expect(page.locator("#epoch")).to_have_text("2")
    assert snapshot(page)["epoch"] == 2


def test_play_then_pause(page, site_url, open_ready):
    open_ready(page, site_url)
    play = page.locator("#play")
    expect(play).to_have_accessible_name("Play")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(play).to_have_accessible_name("Pause")
    expect(play).to_have_text("Pause")
    assert snapshot(page)["playing"] is True
    wait_snapshot(page, "s.epoch > 5")
    wait_until(page, "() => Number(document.getElementById('epoch').textContent.replace(/,/g, '')) > 0")

    page.get_by_role("button", name="Pause", exact=True).click()
    expect(play).to_have_accessible_name("Play")
    expect(play).to_have_text("Play")
    s = snapshot(page)
    assert s["playing"] is False
    # Paused: the epoch must stay put, however many frames go by.
    page.wait_for_timeout(500)
    redraw(page, 5)
    assert snapshot(page)["epoch"] == s["epoch"]
    expect(page.locator("#epoch")).to_have_text(str(s["epoch"]))


def test_reset_after_training(page, site_url, open_ready):
    open_ready(page, site_url)
    fresh = snapshot(page)
    assert page.evaluate("() => window.ganlab.train(30)") == 30
    expect(page.locator("#epoch")).to_have_text("30")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#epoch")).to_have_text("0")
    s = snapshot(page)
    assert (s["epoch"], s["d_steps"], s["g_steps"]) == (0, 0, 0)
    assert s["fake"] == fresh["fake"], "Reset should give the same fresh model (same seed)"
    expect(page.locator("#message")).to_contain_text("epoch 0")


def test_same_numbers_as_cpython(page, site_url, open_ready):
    from ganlab.gan import Trainer

    open_ready(page, site_url)
    assert page.evaluate("() => window.ganlab.train(100)") == 100
    s = snapshot(page)

    t = Trainer()
    assert t.train(100) == 100
    summary = t.summary()
    fake = t.generate(t.show_noise)

    assert s["epoch"] == t.epoch_count == 100
    assert (s["d_steps"], s["g_steps"]) == (t.d_steps, t.g_steps)
    for key in ("d_loss", "g_loss", "js", "kl"):
        assert s[key] == pytest.approx(summary[key], abs=1e-6), key
    np.testing.assert_allclose(np.array(s["fake"]), fake, rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.array(s["real"]), t.show_real, rtol=0, atol=1e-12)


def test_keyboard_shortcuts(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    assert page.evaluate("() => document.activeElement === document.body")

    page.keyboard.press("b")
    expect(page.locator("#epoch")).to_have_text("1")
    s = snapshot(page)
    assert (s["epoch"], s["d_steps"], s["g_steps"]) == (1, 2, 1)

    page.keyboard.press("d")
    wait_snapshot(page, "s.d_steps === 3")
    page.keyboard.press("g")
    wait_snapshot(page, "s.g_steps === 2")
    s = snapshot(page)
    assert (s["epoch"], s["d_steps"], s["g_steps"]) == (1, 3, 2)

    page.keyboard.press("r")
    wait_snapshot(page, "s.epoch === 0 && s.d_steps === 0 && s.g_steps === 0")
    expect(page.locator("#epoch")).to_have_text("0")

    page.keyboard.press("Space")
    expect(page.locator("#play")).to_have_accessible_name("Pause")
    wait_snapshot(page, "s.playing && s.epoch > 0")
    page.keyboard.press("Space")
    expect(page.locator("#play")).to_have_accessible_name("Play")
    assert snapshot(page)["playing"] is False
    # Space with the focus on the body must not scroll the page.
    assert page.evaluate("() => window.scrollY") == 0


def test_charts_draw_after_training(page, site_url, open_ready):
    open_ready(page, site_url)
    redraw(page)
    assert painted(page, "chart-loss") == 0, "the loss chart should be empty at epoch 0"
    assert page.evaluate("() => window.ganlab.train(200)") == 200
    redraw(page)
    # Each chart draws two lines in its own colours (static/paint.js drawChart).
    lines = {"chart-loss": [(0x5e, 0x3c, 0x99), (0xe6, 0x61, 0x01)],
             "chart-div": [(0x05, 0x71, 0xb0), (0xca, 0x00, 0x20)],
             "chart-pr": [(0x01, 0x85, 0x71), (0xa6, 0x61, 0x1a)]}
    for chart, colours in lines.items():
        assert painted(page, chart) > 200, chart
        for rgb in colours:
            assert count_colour(page, chart, rgb, tol=24) > 20, (chart, rgb)


def test_speed_one_epoch_per_frame_still_trains(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("combobox", name="Speed").select_option(label="1 epoch per frame")
    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, "s.epoch >= 3")
    # One epoch per frame: over 10 animation frames the epoch moves by at most
    # about 10 (frames, not time, so this holds on a busy machine too). Counted
    # inside the page, so no round trip to the test adds frames.
    moved = page.evaluate("""() => new Promise(resolve => {
        const epoch = () => JSON.parse(window.ganlab.snapshot()).epoch;
        const before = epoch();
        let n = 10;
        const tick = () => (--n <= 0 ? resolve(epoch() - before) : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
    })""")
    assert 1 <= moved <= 12
    page.get_by_role("button", name="Pause", exact=True).click()
    assert snapshot(page)["playing"] is False


def test_frame_buffers_are_released_after_each_frame(page, site_url, open_ready):
    """Nothing grows per frame: the buffer proxy each frame hands to the painter is
    destroyed when the call returns, so playing for many frames leaks no proxies."""
    open_ready(page, site_url)
    page.evaluate("""() => { const v = window.ganlabView, f = v.frame;
        v.frame = (buf, ...rest) => { window.__bufs = (window.__bufs || []).concat([buf]);
                                      return f(buf, ...rest); }; }""")
    page.get_by_role("button", name="Play").click()
    wait_until(page, "() => (window.__bufs || []).length >= 30")
    page.get_by_role("button", name="Pause").click()
    alive = page.evaluate("""() => window.__bufs.filter(b => {
        try { b.getBuffer('f64').release(); return true; } catch (e) { return false; } }).length""")
    assert alive == 0


def test_a_huge_model_is_trained_step_by_step_and_pause_still_works(page, site_url, open_ready):
    """An epoch far longer than a frame is spread over frames a step at a time, so
    steps show progress before the first epoch ends and Pause takes effect at once."""
    open_ready(page, site_url + "#g_layers=6&g_units=128&d_layers=6&d_units=128&batch=400&k_d=20")
    page.get_by_role("button", name="Play").click()
    wait_snapshot(page, "s.d_steps >= 2", timeout=60000)
    s = snapshot(page)
    assert s["epoch"] == 0 and s["g_steps"] == 0, "still inside the first epoch"
    page.get_by_role("button", name="Pause").click()
    paused = snapshot(page)
    assert paused["playing"] is False
    redraw(page, 5)
    later = snapshot(page)
    assert later["d_steps"] == paused["d_steps"], "training went on after Pause"


def test_a_big_model_trains_with_a_lighter_picture_and_says_so(page, site_url, open_ready):
    """5x100 while playing: the picture is made lighter (20x20 background, coarser
    manifold) so it moves often, and the top bar says so; paused, the full picture
    (30x30) comes back and the note drops the coarser manifold."""
    open_ready(page, site_url + "#g_layers=5&g_units=100&d_layers=5&d_units=100")
    # Its first KL/JS record is made over the first frames (Trainer.record_pieces).
    expect(page.locator("#metrics-now")).to_contain_text("At epoch 0: KL ", timeout=30000)
    note = page.locator("#view-note")
    expect(note).to_have_text(" · big model: 30×30 background", timeout=30000)
    page.get_by_role("button", name="Play").click()
    expect(note).to_have_text(re.compile(r"^ · big model: coarser picture while training \(20×20\), "
                                         r"redrawn every \d+ frames$"), timeout=30000)
    wait_snapshot(page, "s.g_steps >= 1", timeout=60000)
    page.get_by_role("button", name="Pause").click()
    expect(note).to_have_text(" · big model: 30×30 background", timeout=30000)


def test_overview_graph_lights_up_what_each_step_uses(page, site_url, open_ready):
    open_ready(page, site_url)
    graph = page.locator("#overview")
    expect(graph).to_have_attribute("data-phase", "")
    loop_d, loop_g = page.locator("#edges path.loop.d").first, page.locator("#edges path.loop.g").first
    stroke = lambda loc: loc.evaluate("e => getComputedStyle(e).stroke")  # noqa: E731

    idle_d, idle_g = stroke(loop_d), stroke(loop_g)
    page.get_by_role("button", name="Step discriminator").click()
    expect(graph).to_have_attribute("data-phase", "d")
    assert stroke(loop_d) == "rgb(31, 120, 180)" and stroke(loop_g) == idle_g
    page.get_by_role("button", name="Step generator").click()
    expect(graph).to_have_attribute("data-phase", "g")
    assert stroke(loop_g) == "rgb(214, 51, 108)" and stroke(loop_d) == idle_d
    page.get_by_role("button", name="Step both").click()
    expect(graph).to_have_attribute("data-phase", "epoch")
    assert stroke(loop_d) != idle_d and stroke(loop_g) != idle_g
    page.get_by_role("button", name="Play").click()
    expect(graph).to_have_attribute("data-phase", "play")
    page.get_by_role("button", name="Pause").click()
    expect(graph).to_have_attribute("data-phase", "")


def test_overview_graph_edges_flow_while_playing_and_stand_still_with_reduced_motion(
        page, site_url, open_ready):
    """While playing, the dashes move along the edges (the painter steps them every few
    frames); paused, or when the browser prefers reduced motion, they stand still."""
    open_ready(page, site_url)
    edge = page.locator("#edges path").first
    offset = lambda: edge.evaluate("e => getComputedStyle(e).strokeDashoffset")  # noqa: E731
    dashes = lambda: edge.evaluate("e => getComputedStyle(e).strokeDasharray")  # noqa: E731
    page.get_by_role("button", name="Play").click()
    seen = set()
    for _ in range(8):
        redraw(page, 3)
        seen.add(offset())
    assert dashes() != "none" and len(seen) >= 3, seen
    page.get_by_role("button", name="Pause").click()
    assert dashes() == "none"
    page.emulate_media(reduced_motion="reduce")
    page.get_by_role("button", name="Play").click()
    redraw(page, 10)
    still = offset()
    redraw(page, 10)
    assert offset() == still == "0px"
    page.get_by_role("button", name="Pause").click()


def test_overview_graph_labels_follow_the_settings(page, site_url, open_ready):
    from pagekit import set_value
    open_ready(page, site_url)
    expect(page.locator("#ov-g")).to_have_text("1×8 ReLU")
    expect(page.locator("#ov-update-d")).to_have_text("update D: SGD, lr 0.1, 2 steps")
    expect(page.locator("#ov-update-g")).to_have_text("update G: SGD, lr 0.1, 1 step")
    set_value(page, "#set-lr_d", "0.05")
    expect(page.locator("#ov-update-d")).to_have_text("update D: SGD, lr 0.05, 2 steps")
    set_value(page, "#set-g_layers", "2")
    expect(page.locator("#ov-g")).to_have_text("2×8 ReLU")
    page.select_option("#set-optimizer_g", "momentum")
    expect(page.locator("#ov-update-g")).to_have_text("update G: momentum, lr 0.1, 1 step")
    page.select_option("#set-loss", "hinge")
    expect(page.locator("#ov-loss")).to_have_text("hinge")
    page.get_by_role("button", name="Use recommended settings").click()
    expect(page.locator("#ov-d")).to_have_text("2×64 leaky ReLU")
    expect(page.locator("#ov-update-d")).to_have_text("update D: Adam, lr 0.0005, 3 steps")


def test_slow_motion_takes_one_explained_step_at_a_time(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("""() => { window.__shift = 0; new PerformanceObserver(list => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: 'layout-shift', buffered: false }); }""")
    page.select_option("#speed", "-1")
    expect(page.locator("#explain")).to_contain_text("Slow motion")
    page.get_by_role("button", name="Play").click()
    wait_snapshot(page, "s.d_steps === 1")
    s = snapshot(page)
    assert (s["g_steps"], s["epoch"]) == (0, 0), "one step at a time"
    expect(page.locator("#explain")).to_contain_text("Discriminator step 1 of 2: 150 real and 150 fake")
    expect(page.locator("#explain-sr")).to_have_text(
        "Discriminator step 1 of 2: the discriminator learned; the background changed.")
    expect(page.locator("#overview")).to_have_attribute("data-phase", "d")
    expect(page.locator("#heat-old")).to_have_class("fading")     # the old verdict fades out
    wait_snapshot(page, "s.d_steps === 2")
    expect(page.locator("#explain")).to_contain_text("Discriminator step 2 of 2")
    wait_snapshot(page, "s.g_steps === 1")
    s = snapshot(page)
    assert (s["d_steps"], s["epoch"]) == (2, 1), "the epoch is counted with its last step"
    expect(page.locator("#explain")).to_contain_text("Generator step 1 of 1")
    expect(page.locator("#overview")).to_have_attribute("data-phase", "g")
    expect(page.locator("#epoch")).to_have_text("1")
    assert page.evaluate("() => window.__shift") == 0, "the explanation moved the page"
    page.get_by_role("button", name="Pause").click()
    page.select_option("#speed", "0")
    expect(page.locator("#explain")).to_have_text("")


def test_train_api_refuses_nonsense_without_an_error(page, site_url, open_ready):
    open_ready(page, site_url)
    for bad in ("-1", "1.5", "'ten'", "NaN", "1e9", "null"):
        assert page.evaluate(f"() => window.ganlab.train({bad})") == 0, bad
        expect(page.locator("#message")).to_contain_text("train(n): n must be a whole number")
    assert page.evaluate("() => window.ganlab.train(3)") == 3


HUGE = {"g_layers": 3, "g_units": 128, "d_layers": 3, "d_units": 128, "batch": 600, "k_d": 2}


def test_a_huge_step_returns_at_once_and_ends_over_frames_with_the_same_numbers(page, site_url, open_ready):
    """Step both on a model whose steps run in pieces: the click returns before the
    epoch is done (the page keeps drawing frames meanwhile), and the epoch it ends
    with is the very epoch CPython's engine computes."""
    from ganlab.gan import Trainer
    from ganlab.state import to_query
    open_ready(page, site_url + "#" + to_query(dict(DEFAULTS, **HUGE)))
    frames_during = page.evaluate("""() => {
        window.__n = 0; const tick = () => { window.__n++; requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        document.getElementById('step-both').click();
        return JSON.parse(window.ganlab.snapshot()).epoch; }""")
    assert frames_during == 0, "the click returned before the epoch was done"
    wait_snapshot(page, "s.epoch === 1", timeout=120000)
    assert page.evaluate("() => window.__n") > 2, "frames went on while the epoch ran"
    t = Trainer(HUGE)
    assert t.is_huge()
    t.epoch()
    s = snapshot(page)
    assert (s["d_steps"], s["g_steps"]) == (2, 1)
    np.testing.assert_allclose(s["fake"], t.generate(t.show_noise), rtol=0, atol=1e-9)


def test_train_n_on_a_huge_model_gives_a_promise_of_the_epoch(page, site_url, open_ready):
    from ganlab.state import to_query
    open_ready(page, site_url + "#" + to_query(dict(DEFAULTS, **HUGE)))
    assert page.evaluate("async () => await window.ganlab.train(2)") == 2
    assert snapshot(page)["epoch"] == 2
