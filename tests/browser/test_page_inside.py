"""The "Look inside" panel (issue 13) in headless Chromium: it opens by its accessible
name, draws (canvas pixels change), and reacts: hovering or focusing a unit changes
the main view, the D* and gradient-field layers draw on it, moving the timeline's
scrubber shows a past moment and "Live" restores the present; axe-core finds no
violations with the panel open.

The `page` fixture (conftest.py) fails every test on console errors and on requests
that leave the local server; waits poll with page.evaluate (the page's CSP forbids
Playwright's wait_for_function).
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import redraw, set_value, wait_until  # noqa: E402
from test_page_ux import axe_violations, report  # noqa: E402

PIXELS = """(sel) => {
    const c = document.querySelector(sel);
    return c ? Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) : null;
}"""
OPAQUE = """(sel) => {
    const c = document.querySelector(sel);
    if (!c) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) n += d[i] > 0;
    return n;
}"""


def open_panel(page):
    toggle = page.get_by_role("button", name="Look inside")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    wait_until(page, "() => document.querySelectorAll('#inside-d-units button.unit').length === 8")


# What the main view shows: the pixels of its canvases (background, the panel's layer,
# the marks) and which of them are visible, as one string. Read from the canvases, not
# from a screenshot, so the sticky top bar's overlap at one scroll or another is no change.
VIEW = """() => {
    const out = [];
    for (const c of document.querySelectorAll('#view-wrap canvas')) {
        const shown = getComputedStyle(c).visibility === 'visible';
        out.push(c.id + (shown ? ':shown:' : ':hidden:'));
        if (!shown) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let h = 0;
        for (let i = 0; i < d.length; i++) h = (Math.imul(h, 31) + d[i]) | 0;
        out.push(String(h));
    }
    return out.join(' ');
}"""


def view(page) -> str:
    redraw(page)
    return page.evaluate(VIEW)


def settled_view(page, timeout: float = 10.0) -> str:
    """The view once two shots in a row agree (a cross-fade of the background may be
    running after training)."""
    deadline = time.monotonic() + timeout
    last = view(page)
    while time.monotonic() < deadline:
        shot = view(page)
        if shot == last:
            return shot
        last = shot
    raise AssertionError("the view kept changing")


def test_the_panel_opens_draws_and_a_unit_shows_large_in_the_view(page, site_url, open_ready):
    open_ready(page, site_url)
    open_panel(page)
    # At the defaults (1x8 ReLU in both, 2D noise): 8 units of D and 8 of G.
    units = page.get_by_role("button", name="Discriminator layer 1, unit 3: show it large in the view")
    expect(units).to_have_count(1)
    expect(page.locator("#inside-g-units button.unit")).to_have_count(8)
    first = page.evaluate(PIXELS, "#inside-d-units button.unit canvas")
    assert first and len(set(first)) > 4, "a unit's map is blank"
    # Training changes the maps: the panel redraws with the model.
    page.evaluate("() => window.ganlab.train(300)")
    wait_until(page, "(old) => { const c = document.querySelector('#inside-d-units button.unit canvas');"
               " const d = Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);"
               " return d.some((v, i) => v !== old[i]); }", first)

    before = view(page)
    assert page.evaluate(OPAQUE, "#inside-layer") == 0    # nothing drawn over the view yet
    units.hover()
    caption = page.locator("#inside-caption")
    expect(caption).to_be_visible()
    expect(caption).to_contain_text("Discriminator layer 1, unit 3")
    assert page.evaluate(OPAQUE, "#inside-layer") > 1000
    assert view(page) != before, "hovering a unit did not change the view"
    page.mouse.move(0, 0)
    expect(caption).to_be_hidden()
    assert page.evaluate(OPAQUE, "#inside-layer") == 0
    # The keyboard reaches the same: focusing a generator unit shows it.
    page.get_by_role("button", name="Generator layer 1, unit 2: show it large in the view").focus()
    expect(caption).to_contain_text("Generator layer 1, unit 2, over the noise square")
    assert view(page) != before


def test_the_ideal_discriminator_and_the_gradient_field_draw_on_the_view(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(200)")
    open_panel(page)
    before = view(page)
    page.get_by_role("checkbox", name="Ideal discriminator D*").check()
    wait_until(page, "() => document.getElementById('inside-ideal-text').textContent.includes('D*')")
    assert page.evaluate(OPAQUE, "#inside-layer") > 10000
    expect(page.locator("#inside-caption")).to_contain_text("Ideal discriminator")
    with_ideal = view(page)
    assert with_ideal != before
    page.get_by_role("checkbox", name="Ideal discriminator D*").uncheck()
    page.get_by_role("checkbox", name="Gradient field").check()
    wait_until(page, "() => { const c = document.getElementById('inside-layer');"
               " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
               " let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n > 500 && n < d.length / 8; }")
    assert view(page) not in (before, with_ideal)
    # Closing the panel takes its layers off the view.
    page.get_by_role("button", name="Look inside").click()
    wait_until(page, "() => { const c = document.getElementById('inside-layer');"
               " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
               " for (let i = 3; i < d.length; i += 4) if (d[i]) return false; return true; }")


def test_the_scrubber_shows_the_past_and_live_restores_the_present(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(300)")
    open_panel(page)
    slider = page.get_by_role("slider", name="Moment of training")
    wait_until(page, "() => +document.getElementById('inside-time').max > 10")
    expect(slider).to_have_attribute("aria-valuetext", "Live, epoch 300")
    live = settled_view(page)
    slider.focus()
    page.keyboard.press("Home")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(r"^Epoch 0 of 300\b"))
    expect(page.locator("#inside-caption")).to_contain_text("The past: Epoch 0 of 300")
    past = view(page)
    assert past != live, "the scrubber did not change the view"
    page.keyboard.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuetext", re.compile(r"^Epoch 0 of 300\b"))
    assert view(page) != past
    page.get_by_role("button", name="Live").click()
    expect(slider).to_have_attribute("aria-valuetext", "Live, epoch 300")
    expect(page.locator("#inside-caption")).to_be_hidden()
    assert settled_view(page) == live, "Live did not restore the present"
    # Replay walks the scrubber through the whole run, then stops.
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.get_by_role("button", name="Stop replay")).to_be_visible()
    wait_until(page, "() => +document.getElementById('inside-time').value >= 3")
    expect(page.locator("#inside-caption")).to_contain_text("The past: Epoch")
    wait_until(page, "() => document.getElementById('inside-replay').textContent === 'Replay'", timeout=30000)
    expect(slider).to_have_attribute("aria-valuetext", re.compile(r"^Epoch 300 of 300\b"))
    page.get_by_role("button", name="Live").click()
    assert settled_view(page) == live


def test_the_scrubber_pauses_training_and_play_returns_to_the_present(page, site_url, open_ready):
    """Looking back stops training (the past is not overwritten while being looked at);
    Play goes back to the present and trains on from the epoch it stopped at."""
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(200)")
    open_panel(page)
    slider = page.get_by_role("slider", name="Moment of training")
    wait_until(page, "() => +document.getElementById('inside-time').max > 5")
    page.get_by_role("button", name="Play", exact=True).click()
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).epoch > 220")
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator("#inside-caption")).to_contain_text("The past: Epoch 0 of")
    wait_until(page, "() => !JSON.parse(window.ganlab.snapshot()).playing")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    stopped = json_epoch(page)
    page.wait_for_timeout(300)
    assert json_epoch(page) == stopped, "training went on while the past was shown"
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator("#inside-caption")).to_be_hidden()
    expect(slider).to_have_attribute("aria-valuetext", re.compile(r"^Live, epoch "))
    wait_until(page, f"() => JSON.parse(window.ganlab.snapshot()).epoch > {stopped}")
    page.get_by_role("button", name="Pause", exact=True).click()


def json_epoch(page) -> int:
    return page.evaluate("() => JSON.parse(window.ganlab.snapshot()).epoch")


def test_axe_finds_nothing_with_the_panel_open(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(100)")
    open_panel(page)
    page.get_by_role("checkbox", name="Ideal discriminator D*").check()
    page.get_by_role("checkbox", name=re.compile("[Gg]radient field")).check()
    page.get_by_role("application", name=re.compile("Noise space probe")).focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#inside-probe-text")).to_contain_text("G(z)")
    violations = axe_violations(page)
    assert violations == [], report(violations)
    page.get_by_role("slider", name="Moment of training").focus()
    page.keyboard.press("Home")
    expect(page.locator("#inside-caption")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], report(violations)
    # Noise of 4 dimensions: the sliders for z3 and z4.
    page.get_by_role("button", name="Live").click()
    set_value(page, "#set-noise_dim", "4")
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).settings.noise_dim === 4")
    expect(page.get_by_role("slider", name="z4")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], report(violations)


# The centre of the probe's orange pixels on the overlay, in the unit square (y up).
PROBE_CENTRE = """() => {
    const c = document.getElementById('inside-layer');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0, sx = 0, sy = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && Math.abs(d[i] - 224) < 20 && Math.abs(d[i + 1] - 130) < 20 && d[i + 2] < 60) {
            const p = i / 4; n++; sx += p % c.width; sy += Math.floor(p / c.width);
        }
    }
    return n ? [sx / n / c.width, 1 - sy / n / c.height, n] : null;
}"""


def _gz(text: str) -> tuple[float, float]:
    m = re.search(r"G\(z\) = \((-?[\d.]+), (-?[\d.]+)\)", text)
    assert m, text
    return float(m.group(1)), float(m.group(2))


def test_the_noise_probe_marks_g_of_z_and_follows_drag_and_keys(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(200)")
    open_panel(page)
    probe = page.get_by_role("application", name=re.compile("Noise space probe"))
    assert page.evaluate(OPAQUE, "#inside-noise") > 100      # the noise samples and grid
    before = view(page)
    probe.scroll_into_view_if_needed()
    box = probe.bounding_box()
    page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.55 * box["height"], steps=4)
    page.mouse.up()
    text = page.locator("#inside-probe-text")
    expect(text).to_contain_text("G(z) = (")
    first = text.text_content()
    gz = _gz(first)
    assert view(page) != before, "the probe left the view unchanged"
    x, y, n = page.evaluate(PROBE_CENTRE)
    assert n > 20 and abs(x - gz[0]) < 0.03 and abs(y - gz[1]) < 0.03, (x, y, gz)
    # The arrow keys move it: z's first coordinate grows by 0.02 of the square (0.04 in z).
    probe.focus()
    page.keyboard.press("ArrowRight")
    expect(text).not_to_have_text(first)
    z_before = float(re.search(r"z = \((-?[\d.]+),", first).group(1))
    z_after = float(re.search(r"z = \((-?[\d.]+),", text.text_content()).group(1))
    assert abs(z_after - z_before - 0.04) < 0.011
    gz2 = _gz(text.text_content())
    x, y, _ = page.evaluate(PROBE_CENTRE)
    assert abs(x - gz2[0]) < 0.03 and abs(y - gz2[1]) < 0.03
    # Shift-drag draws a line in noise space; its image curve is drawn in the view.
    page.keyboard.down("Shift")
    page.mouse.move(box["x"] + 0.1 * box["width"], box["y"] + 0.9 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.9 * box["width"], box["y"] + 0.1 * box["height"], steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(text).to_contain_text("the orange curve is the line's image")
    assert page.evaluate(PROBE_CENTRE)[2] > n
    # Without a pointer: L starts a line at the probe, the arrow keys draw it, Esc drops it.
    probe.focus()
    page.keyboard.press("Escape")
    expect(text).not_to_contain_text("the orange curve")
    page.keyboard.press("l")
    for _ in range(6):
        page.keyboard.press("ArrowUp")
    expect(text).to_contain_text("the orange curve is the line's image")
    page.keyboard.press("Escape")
    expect(text).not_to_contain_text("the orange curve")
    # Touch has no Shift: "Drag draws a line" makes a plain drag draw one.
    page.get_by_role("checkbox", name="Drag draws a line").check()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + 0.7 * box["height"], steps=4)
    page.mouse.up()
    expect(text).to_contain_text("the orange curve is the line's image")


def test_with_1d_noise_the_probe_sits_on_the_noise_line(page, site_url, open_ready):
    """1D noise is drawn along the noise square's middle row: the probe, wherever it is
    put, is marked there (its height in the square means nothing for a 1D z)."""
    open_ready(page, site_url + "#seed=1&noise_dim=1")
    open_panel(page)
    probe = page.get_by_role("application", name=re.compile("Noise space probe"))
    probe.scroll_into_view_if_needed()
    box = probe.bounding_box()
    page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + 0.15 * box["height"])
    text = page.locator("#inside-probe-text")
    expect(text).to_contain_text("G(z) = (")
    centre = PROBE_CENTRE.replace("'inside-layer'", "'inside-noise'")
    x, y, n = page.evaluate(centre)
    assert n > 20 and abs(y - 0.5) < 0.03 and abs(x - 0.3) < 0.03, (x, y)
    first = text.text_content()
    probe.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    expect(text).not_to_have_text(first)
    x2, y2, _ = page.evaluate(centre)
    assert abs(y2 - 0.5) < 0.03 and x2 > x, (x2, y2)


def test_noise_of_more_than_two_dimensions_gets_a_slider_each(page, site_url, open_ready):
    open_ready(page, site_url)
    set_value(page, "#set-noise_dim", "4")
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).settings.noise_dim === 4")
    open_panel(page)
    expect(page.get_by_role("group", name="Noise dimensions past the first two")).to_be_visible()
    z3, z4 = page.get_by_role("slider", name="z3"), page.get_by_role("slider", name="z4")
    expect(z3).to_be_visible() and expect(z4).to_be_visible()
    # Generator units need 2D noise to be pictured: said, not drawn.
    expect(page.locator("#inside-g-units button.unit")).to_have_count(0)
    expect(page.locator("#inside-left-out")).to_contain_text("2D noise only")
    probe = page.get_by_role("application", name=re.compile("Noise space probe"))
    probe.focus()
    page.keyboard.press("ArrowLeft")
    text = page.locator("#inside-probe-text")
    expect(text).to_contain_text("z3 to z4 from the sliders: 0.00, 0.00")
    first = text.text_content()
    z3.focus()
    page.keyboard.press("End")
    expect(text).to_contain_text("from the sliders: 1.00, 0.00")     # uniform noise: -1 to 1
    assert _gz(text.text_content()) != _gz(first)


def test_a_big_network_shows_128_units_and_says_which_are_left_out(page, site_url, open_ready):
    """D 2x100 and G 1x8: 208 hidden units, 128 shown (G's 8 and D's first 120, layer by
    layer), and the panel names the 80 left out in the page's words."""
    open_ready(page, site_url + "#seed=1&d_layers=2&d_units=100")
    page.get_by_role("button", name="Look inside").click()
    wait_until(page, "() => document.querySelectorAll('#inside-d-units button.unit').length > 0")
    expect(page.locator("#inside-d-units button.unit")).to_have_count(120)
    expect(page.locator("#inside-g-units button.unit")).to_have_count(8)
    expect(page.locator("#inside-left-out")).to_have_text(
        "Discriminator: Showing 120 of 200 units: units 21-100 of layer 2 left out (80 units).")
    expect(page.get_by_role("button", name="Discriminator layer 2, unit 20: show it large in the view")
           ).to_have_count(1)
    expect(page.get_by_role("button", name="Discriminator layer 2, unit 21: show it large in the view")
           ).to_have_count(0)


SMALL_TEXT = """() => [...document.querySelectorAll('#inside *')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [e.id || e.className || e.tagName, parseFloat(getComputedStyle(e).fontSize)])
    .filter(([, px]) => px < 10)"""


def test_on_a_phone_a_focused_unit_shows_large_in_the_panel_too(page, site_url, open_ready):
    page.set_viewport_size({"width": 390, "height": 844})
    open_ready(page, site_url)
    open_panel(page)
    unit = page.get_by_role("button", name="Discriminator layer 1, unit 4: show it large in the view")
    unit.focus()
    zoom = page.locator("#inside-zoom")
    expect(zoom).to_be_visible()           # the view is far above, out of sight
    expect(zoom).to_contain_text("Discriminator layer 1, unit 4")
    assert page.evaluate(OPAQUE, "#inside-zoom canvas") > 1000
    page.get_by_role("button", name="Live").focus()
    expect(zoom).to_be_hidden()
    assert page.evaluate(SMALL_TEXT) == []
    box = page.locator("#inside").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    violations = axe_violations(page)
    assert violations == [], report(violations)


def test_a_saved_model_brings_its_timeline_back(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(300)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Save model").click()
    path = tmp_path / "model.json"
    info.value.save_as(path)
    page.get_by_role("button", name="Reset").click()
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).epoch === 0")
    open_panel(page)
    slider = page.get_by_role("slider", name="Moment of training")
    expect(slider).to_have_attribute("max", "0")        # a new model: no past yet
    page.set_input_files("#load-model", str(path))
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).epoch === 300")
    wait_until(page, "() => +document.getElementById('inside-time').max > 10")
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator("#inside-caption")).to_contain_text("The past: Epoch 0 of 300")


def test_a_model_trained_on_the_command_line_can_be_scrubbed(page, site_url, open_ready, tmp_path):
    # The timeline is the history's snapshots: every model file has them, not only
    # the page's own.
    from ganlab import modelfile
    from ganlab.gan import Trainer

    t = Trainer({"seed": 3})
    t.train(400)
    path = tmp_path / "cli.json"
    modelfile.save(t, str(path))
    open_ready(page, site_url)
    open_panel(page)
    page.set_input_files("#load-model", str(path))
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).epoch === 400")
    wait_until(page, "() => +document.getElementById('inside-time').max === 20")
    slider = page.get_by_role("slider", name="Moment of training")
    slider.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    m = t.history.moment(19)
    expect(slider).to_have_attribute("aria-valuetext", f"Epoch 380 of 400, D loss {m.d_loss:.3f}, "
                                     f"G loss {m.g_loss:.3f}, KL {m.kl:.2f} bits, JS {m.js:.3f} bits, "
                                     f"precision {round(100 * m.precision)} %, "
                                     f"recall {round(100 * m.recall)} %")


COUNT_PANEL = """() => {
    window.__panel = 0; window.__frames = 0;
    const inside = window.ganlabInside, update = inside.update;
    inside.update = (...args) => { window.__panel++; return update.apply(inside, args); };
    const tick = () => { window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
}"""


def test_the_panel_costs_nothing_closed_and_redraws_every_sixth_frame_open(page, site_url, open_ready):
    # ganlab/ui/inside.py: closed, nothing of the panel is computed; open and playing,
    # it is refreshed on every EVERY-th (6th) redraw of the view.
    open_ready(page, site_url)
    page.evaluate(COUNT_PANEL)
    page.click("#play")
    page.wait_for_timeout(1500)
    page.click("#play")
    assert page.evaluate("window.__panel") == 0, "the closed panel computed something"
    open_panel(page)
    page.evaluate("() => { window.__panel = 0; window.__frames = 0; }")
    page.click("#play")
    page.wait_for_timeout(2000)
    updates, frames = page.evaluate("[window.__panel, window.__frames]")
    page.click("#play")
    assert frames > 30, frames
    assert 1 <= updates <= frames / 6 + 2, (updates, frames)
