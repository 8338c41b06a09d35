"""The page as a learner meets it (issue 10), in headless Chromium at the three
window sizes the layout is made for: 1440×900, 1024×768 and 390×844 (a phone).

- layout: the view's size and place, no text under 10 px, no empty bands, nothing
  cut off at the sides;
- the model graph: every thumbnail follows the model, every part opens its
  settings, a change there takes effect, a bad value is explained beside its field;
- playing, slow motion, drawing, Reset and Undo, the keyboard, the data set tiles;
- axe-core (node_modules/axe-core, a devDependency used by the tests only, never
  shipped in dist/): no violations in the loading, ready, drawing, slow-motion and
  "settings open on a graph node" states.

The `page` fixture (conftest.py) already fails every test on console errors and on
requests that leave the local server. The page's Content-Security-Policy blocks
inline scripts, so axe's source is run with page.evaluate (the debugging protocol,
which the policy does not cover), not injected as a <script>.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import REAL, count_colour, redraw, set_value, snapshot, wait_snapshot, wait_until  # noqa: E402
from test_page_view import STROKE_Y, drag_stroke, drawn_count  # noqa: E402

from ganlab.state import BY_NAME, DEFAULTS, PRESETS  # noqa: E402
from ganlab.ui.overview import PARTS  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

WIDE, MEDIUM, PHONE = (1440, 900), (1024, 768), (390, 844)
SIZES = [pytest.param(WIDE, id="1440x900"), pytest.param(MEDIUM, id="1024x768"),
         pytest.param(PHONE, id="390x844")]


@pytest.fixture(params=SIZES)
def size(request, page):
    """Each of the three window sizes in turn: the page's window is set to it (open
    the site afterwards, with `open_ready`)."""
    width, height = request.param
    page.set_viewport_size({"width": width, "height": height})
    return width, height


def open_at(page, site_url, open_ready, width_height, link: str = "") -> None:
    """Open the site (plus `link`, a "#..." address) in a window of this size."""
    width, height = width_height
    page.set_viewport_size({"width": width, "height": height})
    open_ready(page, site_url + link)


def in_window(page, box, margin: float = 0.5) -> bool:
    """Whether the bounding `box` lies wholly inside the window as it is scrolled now."""
    w, h = page.evaluate("() => [innerWidth, innerHeight]")
    return (box["x"] >= -margin and box["y"] >= -margin
            and box["x"] + box["width"] <= w + margin and box["y"] + box["height"] <= h + margin)


def observe_layout_shifts(page) -> None:
    """From now on, window.__shift sums the layout shifts not caused by the learner's
    own input (Cumulative Layout Shift's rule)."""
    page.evaluate("""() => { window.__shift = 0; window.__shifts = [];
        new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
            window.__shift += e.value;
            window.__shifts.push(e.sources.map(s => {
                const n = s.node && s.node.nodeType === 3 ? s.node.parentElement : s.node;
                const where = !n ? '?' : n.id ? '#' + n.id
                    : n.nodeName.toLowerCase() + '.' + (n.getAttribute('class') || '');
                const r = q => `${Math.round(q.x)},${Math.round(q.y)} ${Math.round(q.width)}x${Math.round(q.height)}`;
                const text = (s.node && s.node.textContent || '').trim().slice(0, 24);
                return `${where} "${text}" ${r(s.previousRect)} -> ${r(s.currentRect)}`;
            }));
        } }).observe({ type: 'layout-shift', buffered: false }); }""")


def layout_shift(page) -> tuple[float, list]:
    return page.evaluate("() => [window.__shift, window.__shifts]")


# ----- layout -------------------------------------------------------------------------------------
def test_the_view_is_square_large_and_placed_for_the_window(page, site_url, open_ready, size):
    """1440×900: at least 540 px and wholly on the first screen; 1024×768: at least
    440 px, starting on the first screen; 390×844: nearly the full width (>= 360 px).
    At every size: square, and no sideways scrolling."""
    width, height = size
    open_ready(page, site_url)
    redraw(page)
    assert page.evaluate("() => window.scrollY") == 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    box = page.locator("#view").bounding_box()
    side = box["width"]
    assert box["height"] == pytest.approx(side, abs=1), f"not square: {box}"
    assert box["x"] >= 0 and box["x"] + side <= width, f"the view sticks out sideways: {box}"
    if size == WIDE:
        assert side >= 540, f"the view is {side:.0f} px"
        assert box["y"] >= 0 and box["y"] + side <= height, f"not wholly on the first screen: {box}"
    elif size == MEDIUM:
        assert side >= 440, f"the view is {side:.0f} px"
        assert 0 <= box["y"] < height, f"does not start on the first screen: {box}"
    else:
        assert side >= 360, f"the view is {side:.0f} px of {width}"
        assert 0 <= box["y"] < height, f"does not start on the first screen: {box}"
    # The canvas has one pixel per CSS pixel (devicePixelRatio 1 here): crisp.
    assert page.evaluate("() => document.getElementById('view').width") == round(side)


# Visible text, its font size, and whether it is cut off by the window's sides.
TEXT_ELEMENTS = """() => [...document.body.querySelectorAll('*')]
    .filter(e => !['SCRIPT', 'STYLE'].includes(e.tagName)
                 && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => ({ what: e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '')
                        + ' "' + e.textContent.trim().slice(0, 30) + '"',
                 px: parseFloat(getComputedStyle(e).fontSize) }))"""


def test_no_text_under_10_px(page, site_url, open_ready, size):
    """Every piece of text in the page, shown or not (settings rows, messages, the
    error panel), is at least 10 CSS px, at every window size."""
    open_ready(page, site_url)
    texts = page.evaluate(TEXT_ELEMENTS)
    assert len(texts) > 100
    small = [f"{t['what']}: {t['px']} px" for t in texts if t["px"] < 10]
    assert small == [], "text under 10 px:\n  " + "\n  ".join(small)


# What counts as content when looking for empty bands: text, pictures and controls.
CONTENT_BANDS = """() => {
    const out = [];
    for (const e of document.body.querySelectorAll('*')) {
        const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own && !e.matches('canvas, svg, input, select, button, label')) continue;
        if (e.closest('[hidden], .sr-only, #message') || !e.checkVisibility({ visibilityProperty: true })) continue;
        const r = e.getBoundingClientRect();
        if (r.width < 2 || r.height < 2) continue;
        out.push([r.top + scrollY, r.bottom + scrollY]);
    }
    return out;
}"""


def test_no_empty_bands(page, site_url, open_ready, size):
    """From the top of the page to its last content, no band across the whole width
    is empty for more than 64 px (a grid row left without content, a column that
    pushes the next row far down)."""
    open_ready(page, site_url)
    redraw(page)
    spans = sorted(page.evaluate(CONTENT_BANDS))
    assert spans
    gaps, reach = [], 0.0
    for top, bottom in spans:
        if top - reach > 64:
            gaps.append((round(reach), round(top)))
        reach = max(reach, bottom)
    assert gaps == [], f"empty bands (from y, to y) in a page {reach:.0f} px tall: {gaps}"


def test_the_top_bar_never_covers_the_view(page, site_url, open_ready, size):
    """Where the top bar stays on screen as the page scrolls (wide windows) it is one
    short row, with the whole view below it; where it would be taller (two rows and
    more), it scrolls away with the page, so scrolled to the view, the view is on top."""
    width, height = size
    open_ready(page, site_url)
    bar = page.locator("#topbar").bounding_box()
    view = page.locator("#view").bounding_box()
    if page.evaluate("() => getComputedStyle(document.getElementById('topbar')).position") == "sticky":
        assert bar["height"] <= 110, f"a {bar['height']:.0f} px sticky top bar at {width} px"
        assert view["y"] >= bar["y"] + bar["height"]
        assert width >= 1440, f"a sticky top bar at {width} px"
        return
    page.evaluate("() => window.scrollBy(0, document.getElementById('view').getBoundingClientRect().top - 4)")
    page.wait_for_timeout(100)
    top = page.evaluate("""() => { const r = document.getElementById('view').getBoundingClientRect();
        return [r.top, document.elementFromPoint(r.left + r.width / 2, Math.max(r.top, 0) + 10).id]; }""")
    assert top[1] in ("view", "morph"), f"scrolled to the view, {top[1]!r} is on top of it"


def test_nothing_is_cut_off_at_the_sides(page, site_url, open_ready, size):
    """No visible part of the page lies beyond the window's left or right edge, where
    nothing can scroll it into view (a scrolling strip, like the data set tiles on a
    phone, may hold more than it shows)."""
    width, _ = size
    open_ready(page, site_url)
    out = page.evaluate("""() => [...document.body.querySelectorAll('*')].filter(e => {
            if (e.closest('[hidden], .sr-only, #dataset-tiles') || e.id === 'load-model') return false;
            if (!e.checkVisibility({ visibilityProperty: true })) return false;
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5);
        }).map(e => { const r = e.getBoundingClientRect(), what = e.id ? '#' + e.id : e.tagName.toLowerCase();
                      return `${what} ${Math.round(r.left)}..${Math.round(r.right)}`; })""")
    assert out == [], f"cut off in a {width} px window: {out}"


# ----- the model graph -------------------------------------------------------------------------------
THUMBS = ("thumb-noise", "thumb-gen", "thumb-real", "thumb-fake", "thumb-disc",
          "thumb-pred-real", "thumb-pred-fake", "thumb-grad")
MODEL_THUMBS = ("thumb-gen", "thumb-fake", "thumb-disc", "thumb-pred-real", "thumb-pred-fake", "thumb-grad")


def thumbnails(page) -> dict[str, str]:
    """Each thumbnail's pixels, as a PNG data URL."""
    return page.evaluate("(ids) => Object.fromEntries(ids.map(id => [id, document.getElementById(id).toDataURL()]))",
                         list(THUMBS))


def test_every_graph_thumbnail_follows_the_model(page, site_url, open_ready, size):
    """Training changes the picture of every part that depends on the model (the
    generator's manifold, the fakes, D's verdict, D on the real and on the fake
    samples, the gradients); the inputs' pictures (noise, real samples) stay and
    change with their own settings. Every thumbnail is drawn, none left blank."""
    open_ready(page, site_url)
    redraw(page)
    before = thumbnails(page)
    blank = page.evaluate("""(ids) => ids.filter(id => { const c = document.getElementById(id);
        return !c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v); })""",
                          list(THUMBS))
    assert blank == [], f"blank thumbnails: {blank}"

    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, "s.epoch >= 30", timeout=60000)
    page.get_by_role("button", name="Pause", exact=True).click()
    redraw(page, 3)
    after = thumbnails(page)
    same = [t for t in MODEL_THUMBS if after[t] == before[t]]
    assert same == [], f"unchanged by {snapshot(page)['epoch']} epochs of training: {same}"
    assert after["thumb-noise"] == before["thumb-noise"] and after["thumb-real"] == before["thumb-real"]

    page.select_option("#set-noise", "gaussian")
    page.select_option("#set-preset", "ring")
    wait_snapshot(page, "s.settings.noise === 'gaussian' && s.settings.preset === 'ring'")
    redraw(page, 3)
    inputs = thumbnails(page)
    assert inputs["thumb-noise"] != after["thumb-noise"], "the noise picture ignores the noise setting"
    assert inputs["thumb-real"] != after["thumb-real"], "the real samples' picture ignores the data set"


GRID_RGB = (196, 186, 206)     # static/view.js GRID_RGB: the noise grid's lines


def test_the_noise_node_shows_the_noise_grid(page, site_url, open_ready):
    """The noise thumbnail draws the noise grid the manifold is made from: light lines
    under the samples, six each way, across the thumbnail for uniform noise (1D noise's
    one line lies under its samples, which sit on it), and they follow the noise kind."""
    open_ready(page, site_url)
    redraw(page)
    side = page.evaluate("() => document.getElementById('thumb-noise').width")
    lines = count_colour(page, "thumb-noise", GRID_RGB, tol=2)
    assert 6 * side < lines <= 12 * side, (lines, side)       # 6 + 6 lines, less the samples on them
    page.select_option("#set-noise", "gaussian")                # -3..3 sds: a smaller grid
    wait_snapshot(page, "s.settings.noise === 'gaussian'")
    redraw(page, 3)
    assert 0 < count_colour(page, "thumb-noise", GRID_RGB, tol=2) < lines


# For each part of the graph: the node that opens it and one change a learner makes
# there (a setting of that part, a valid value other than the default).
PART_CHANGES = {
    "noise": ("#node-noise", "noise", "gaussian"),
    "real": ("#node-real", "preset", "ring"),
    "fake": ("#node-fake", "batch", "64"),
    "generator": ("#node-generator", "g_units", "16"),
    "update-g": ("#node-update-g", "lr_g", "0.05"),
    "discriminator": ("#node-discriminator", "d_activation", "tanh"),
    "update-d": ("#node-update-d", "k_d", "1"),
    "loss": ("#node-dloss", "loss", "hinge"),
}


def test_every_graph_node_opens_its_settings_and_a_change_takes_effect(page, site_url, open_ready, size):
    """Each clickable part of the model graph opens a panel with that part's settings
    (focus on the first usable one), on screen; a change made there is applied and
    shows in the graph's labels; Esc closes the panel and gives the focus back."""
    assert set(PART_CHANGES) == set(PARTS)
    open_ready(page, site_url)
    panel = page.locator("#part-settings")
    expect(panel).to_be_hidden()
    nodes = page.locator("#overview [data-part]")
    assert sorted({nodes.nth(i).get_attribute("data-part") for i in range(nodes.count())}) == sorted(PARTS)
    for part, (node, name, value) in PART_CHANGES.items():
        title, names = PARTS[part]
        page.locator(node).click()
        expect(panel).to_be_visible()
        expect(page.locator("#part-title")).to_have_text(f"{title}: settings")
        expect(panel).to_have_accessible_name(f"{title}: settings")
        shown = page.locator("#part-body [data-setting]")
        assert [shown.nth(i).get_attribute("data-setting") for i in range(shown.count())] == list(names)
        first = next(n for n in names if page.locator(f"#set-{n}").is_enabled())
        expect(page.locator(f"#set-{first}")).to_be_focused()
        panel.scroll_into_view_if_needed()
        box = panel.bounding_box()
        assert in_window(page, {**box, "y": 0, "height": 1}), f"{part}: the panel sticks out sideways: {box}"

        field = page.locator(f"#part-body #set-{name}")
        if BY_NAME[name].choices:
            field.select_option(value)
        else:
            set_value(page, f"#set-{name}", value)
        wait_snapshot(page, f"String(s.settings[{name!r}]) === {value!r}")
        expect(page.locator("#message")).to_contain_text(" is now ")
        page.locator(f"#set-{name}").focus()
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(page.locator(node)).to_be_focused()
        expect(page.locator(f"#settings #set-{name}")).to_have_count(1)   # the row went back home

    s = snapshot(page)["settings"]
    for _part, (_node, name, value) in PART_CHANGES.items():
        assert str(s[name]) == value, name
    expect(page.locator("#ov-noise")).to_have_text("2D gaussian")
    expect(page.locator("#ov-g")).to_have_text("1×16 ReLU")
    expect(page.locator("#ov-update-d")).to_contain_text("1 step")
    expect(page.locator("#ov-loss")).to_have_text("hinge")


def test_graph_nodes_open_by_keyboard_and_the_loss_nodes_show_the_losses(page, site_url, open_ready):
    """Enter and Space on a focused node open its settings as a click does (the G loss
    node too: the loss's settings); the loss nodes read the latest losses as the
    engine has them (3 decimals), and follow training."""
    from ganlab.ui.overview import loss_value
    open_ready(page, site_url)
    panel = page.locator("#part-settings")
    for node, key, title in (("#node-generator", "Enter", "Generator"), ("#node-gloss", " ", "Loss"),
                             ("#node-update-d", " ", "Discriminator's update")):
        page.locator(node).focus()
        page.keyboard.press(key)
        expect(panel).to_be_visible()
        expect(page.locator("#part-title")).to_have_text(f"{title}: settings")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(page.locator(node)).to_be_focused()
    expect(page.locator("#ov-dloss")).to_have_text("–")      # a new model: no loss yet
    for epochs in (40, 80):
        page.evaluate("() => window.ganlab.train(40)")
        wait_snapshot(page, f"s.epoch === {epochs}")
        redraw(page, 2)
        s = snapshot(page)
        expect(page.locator("#ov-dloss")).to_have_text(loss_value(s["d_loss"]))
        expect(page.locator("#ov-gloss")).to_have_text(loss_value(s["g_loss"]))


CODE_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")    # lr_d, k_g, optimizer_d, ...


def test_a_bad_value_is_explained_beside_its_field_and_changes_nothing(page, site_url, open_ready, size):
    """In a graph node's settings panel: a value out of range stays in its field,
    marked invalid, with the reason right under it, inside the window, in the
    page's words (no code name); the model, the settings and the address are
    unchanged; Esc puts the value in use back."""
    open_ready(page, site_url)
    assert page.evaluate("() => window.ganlab.train(5)") == 5
    before, address = snapshot(page), page.evaluate("() => location.hash")
    page.locator("#node-update-d").click()
    field, msg = page.locator("#part-body #set-lr_d"), page.locator("#set-lr_d-msg")
    set_value(page, "#set-lr_d", "100")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(msg).to_contain_text("D learning rate must be between 0.00001 and 10; you typed 100.")
    expect(field).to_have_value("100")
    msg.scroll_into_view_if_needed()
    f, m = field.bounding_box(), msg.bounding_box()
    assert in_window(page, m), f"the message is outside the window: {m}"
    assert 0 <= m["y"] - (f["y"] + f["height"]) < 40, f"the message is not under its field: {f} {m}"
    assert m["x"] < f["x"] + f["width"] and f["x"] < m["x"] + m["width"], "the message is not beside its field"
    text = msg.inner_text()
    assert CODE_NAME.findall(text) == [], f"a code name in {text!r}"
    after = snapshot(page)
    assert after["settings"] == before["settings"] and after["epoch"] == 5 and after["fake"] == before["fake"]
    assert page.evaluate("() => location.hash") == address
    field.focus()
    page.keyboard.press("Escape")
    expect(field).to_have_value(str(DEFAULTS["lr_d"]))
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#part-settings")).to_be_visible()      # the first Esc only undid the value


# ----- playing, slow motion -------------------------------------------------------------------------
def test_playing_and_slow_motion_move_nothing(page, site_url, open_ready, size):
    """Playing at full speed shifts no layout (epoch counter, rates, losses, metrics
    all keep their place); slow motion, picked with the keyboard, then takes one
    explained step at a time, "step 1 of 2" first, without shifting anything either.
    (A shift right after the learner's own input, such as the explanation's area
    opening on a phone when slow motion is picked, does not count: the rule of
    Cumulative Layout Shift.)"""
    open_ready(page, site_url)
    observe_layout_shifts(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, "s.epoch >= 120", timeout=60000)   # past 10 and 100: more digits, new metrics
    page.get_by_role("button", name="Pause", exact=True).click()
    shift, sources = layout_shift(page)
    assert shift == 0, f"playing shifted the layout by {shift}: {sources}"
    start = snapshot(page)
    assert (start["d_steps"], start["g_steps"]) == (2 * start["epoch"], start["epoch"]), "paused mid-epoch"

    page.locator("#speed").focus()
    page.keyboard.press("s")                    # "slow motion: ..." (a real key press: an input)
    expect(page.locator("#speed")).to_have_value("-1")
    expect(page.locator("#explain")).to_contain_text("Slow motion")
    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, f"s.d_steps === {start['d_steps'] + 1}")
    expect(page.locator("#explain")).to_contain_text("Discriminator step 1 of 2")
    expect(page.locator("#explain-sr")).to_contain_text("step 1 of 2")
    wait_snapshot(page, f"s.d_steps === {start['d_steps'] + 2}")
    expect(page.locator("#explain")).to_contain_text("Discriminator step 2 of 2")
    wait_snapshot(page, f"s.g_steps === {start['g_steps'] + 1}")
    expect(page.locator("#explain")).to_contain_text("Generator step 1 of 1")
    shift, sources = layout_shift(page)
    assert shift == 0, f"slow motion shifted the layout by {shift}: {sources}"
    page.get_by_role("button", name="Pause", exact=True).click()


def test_nothing_to_train_plays_nothing_and_says_why(page, site_url, open_ready):
    """k_D = k_G = 0: Play stays Play, no step is taken, and the message says why."""
    open_ready(page, site_url)
    set_value(page, "#set-k_d", "0")
    set_value(page, "#set-k_g", "0")
    wait_snapshot(page, "s.settings.k_d === 0 && s.settings.k_g === 0")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator("#message")).to_contain_text("Nothing to train")
    expect(page.locator("#message")).to_contain_text("both 0")
    expect(page.locator("#play")).to_have_accessible_name("Play")
    redraw(page, 5)
    s = snapshot(page)
    assert s["playing"] is False and (s["epoch"], s["d_steps"], s["g_steps"]) == (0, 0, 0)
    assert in_window(page, page.locator("#message").bounding_box())
    # One step count above 0 and it plays again.
    set_value(page, "#set-k_g", "1")
    page.get_by_role("button", name="Play", exact=True).click()
    wait_snapshot(page, "s.playing && s.g_steps > 0")
    page.get_by_role("button", name="Pause", exact=True).click()
    assert snapshot(page)["d_steps"] == 0


# ----- Reset, keyboard ----------------------------------------------------------------------------
def test_reset_can_be_undone(page, site_url, open_ready, size):
    """Reset starts a new model and offers Undo beside the button, inside the window;
    Undo brings the trained model back exactly."""
    open_ready(page, site_url)
    assert page.evaluate("() => window.ganlab.train(30)") == 30
    trained = snapshot(page)
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#epoch")).to_have_text("0")
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    assert in_window(page, page.locator("#message").bounding_box())
    undo.click()
    expect(page.locator("#epoch")).to_have_text("30")
    back = snapshot(page)
    assert (back["epoch"], back["d_steps"], back["g_steps"]) == (30, trained["d_steps"], trained["g_steps"])
    assert back["fake"] == trained["fake"] and back["d_loss"] == trained["d_loss"]
    expect(page.locator("#message")).to_contain_text("Undone: back at epoch 30")
    # It goes on training from there.
    page.get_by_role("button", name="Step both").click()
    expect(page.locator("#epoch")).to_have_text("31")


@pytest.mark.parametrize("width, height", [(1440, 900), (1024, 768), (960, 800), (390, 844),
                                           (320, 640)])
def test_the_explanation_area_holds_every_explanation(page, site_url, open_ready, width, height):
    """Slow motion's explanation box has a fixed height (no layout shift between steps)
    that holds the longest explanation of any loss, step and size: nothing is cut off."""
    from ganlab.state import LOSSES, make_settings
    from ganlab.ui import overview
    texts = [overview.explanation(kind, make_settings(loss=loss, batch=2000, k_d=20, k_g=20), 20, 20)
             for kind in "dg" for loss in LOSSES]
    page.set_viewport_size({"width": width, "height": height})
    open_ready(page, site_url)
    page.select_option("#speed", "-1")
    expect(page.locator("#explain")).to_contain_text("Slow motion")
    fits = page.evaluate("""(texts) => {
        const e = document.getElementById('explain'), keep = e.textContent, out = [];
        for (const t of texts) { e.textContent = t; out.push([e.scrollHeight, e.clientHeight]); }
        e.textContent = keep;
        return out;
    }""", texts)
    heights = {box for _, box in fits}
    assert len(heights) == 1 and heights.pop() > 0, "one fixed height"
    assert all(need <= box for need, box in fits), list(zip(fits, texts))


def test_the_chosen_losss_formulas_show_under_it_and_follow_the_choice(page, site_url, open_ready):
    """Help reachable without hovering: the chosen loss's formulas are a visible line
    under the field (and part of its description for a screen reader), and change
    with the choice."""
    from ganlab import losses
    open_ready(page, site_url)
    line = page.locator("#set-loss-choice")
    expect(line).to_be_visible()
    expect(line).to_have_text(f"log loss (non-saturating): {losses.get('log').help}")
    expect(page.locator("#set-loss")).to_have_attribute("aria-describedby", re.compile("set-loss-choice"))
    page.select_option("#set-loss", "hinge")
    expect(line).to_have_text(f"hinge: {losses.get('hinge').help}")
    page.evaluate("() => { location.hash = 'loss=wasserstein'; }")       # any way the loss changes
    expect(line).to_have_text(f"Wasserstein (clipped): {losses.get('wasserstein').help}")


def test_the_view_is_crisp_on_a_high_dpi_screen_and_follows_the_window(browser, site_url, open_ready):
    """At two device pixels per CSS pixel the view's canvases have two pixels per CSS
    pixel each way (no blurry upscaling), and after the window changes size they match
    the view's new size."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=2)
    try:
        page = context.new_page()
        open_ready(page, site_url)
        sizes = """() => ['view'].map(id => {
            const c = document.getElementById(id), r = c.getBoundingClientRect();
            return [c.width, c.height, r.width, r.height];
        })"""
        for width, height in ((1440, 900), (1024, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("() => window.ganlab.train(1)")
            redraw(page, 3)
            view_px = page.evaluate(sizes)[0]
            w, h, css_w, css_h = view_px
            assert abs(w - 2 * css_w) <= 2 and abs(h - 2 * css_h) <= 2, (width, view_px)
            assert css_w >= 300 and abs(css_w - css_h) <= 1, (width, view_px)
    finally:
        context.close()


MORPH = """() => {
    const c = document.getElementById('morph');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0, h = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) { n++; h = (Math.imul(h, 31) + i + d[i - 3]) | 0; }
    return [n, h, c.dataset.t || null];
}"""


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_the_generator_node_shows_how_g_transforms_the_noise(browser, site_url, open_ready, motion):
    """Hovering (or focusing) the generator animates, in the view, the noise grid
    flowing into the manifold; with reduced motion both end states are drawn, still.
    Leaving the node clears it."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, reduced_motion=motion)
    try:
        page = context.new_page()
        open_ready(page, site_url)
        page.evaluate("() => window.ganlab.train(50)")
        assert page.evaluate(MORPH)[0] == 0
        page.locator("#node-generator").hover()
        redraw(page, 3)
        first = page.evaluate(MORPH)
        page.wait_for_timeout(500)
        later = page.evaluate(MORPH)
        assert first[0] > 200 and later[0] > 200, (first, later)
        if motion == "reduce":
            assert later[1] == first[1] and later[2] is None, "reduced motion moved"
        else:
            assert later[1] != first[1] and later[2] != first[2], "the grid did not flow"
        page.mouse.move(5, 5)
        redraw(page, 3)
        assert page.evaluate(MORPH)[0] == 0
        page.locator("#node-generator").focus()            # the keyboard's way in
        redraw(page, 3)
        assert page.evaluate(MORPH)[0] > 200
    finally:
        context.close()


def test_a_message_goes_with_the_next_action_or_after_its_time(page, site_url, open_ready):
    """A toast stays while the learner only moves (Tab, Shift) and goes with the next
    action, a key or a press; left alone, it goes after its seconds."""
    open_ready(page, site_url)
    message = page.locator("#message")
    shown = "() => document.getElementById('message').dataset.shown"
    page.get_by_role("button", name="Reset").click()
    expect(message).to_contain_text("Reset")
    assert page.evaluate(shown) == "true"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift")
    assert page.evaluate(shown) == "true"
    page.locator("body").focus()
    page.keyboard.press("d")                    # a shortcut: the next action
    wait_until(page, f"() => ({shown})() === 'false'")
    expect(page.locator("#epoch")).to_have_text("0")   # a D step is no epoch yet
    page.get_by_role("button", name="Reset").click()
    assert page.evaluate(shown) == "true"
    page.get_by_role("button", name="Step generator").click()     # a press
    assert page.evaluate(shown) == "false"
    page.get_by_role("button", name="Reset").click()
    assert page.evaluate(shown) == "true"
    wait_until(page, f"() => ({shown})() === 'false'", timeout=15000)   # Undo's 8 s


def test_shortcuts_work_with_caps_lock_and_never_while_typing(page, site_url, open_ready):
    """Caps Lock on: the letters arrive in capitals and do the same; in a text or
    number field, or with Ctrl/Alt/Meta, they are typing, never a shortcut."""
    open_ready(page, site_url)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # With Caps Lock on a key gives its capital with no Shift held: as here.
    page.keyboard.press("B")
    wait_snapshot(page, "s.epoch === 1")
    page.keyboard.press("D")
    wait_snapshot(page, "s.d_steps === 3")
    page.keyboard.press("G")
    wait_snapshot(page, "s.g_steps === 2")
    page.keyboard.press("R")
    wait_snapshot(page, "s.epoch === 0 && s.d_steps === 0")
    expect(page.get_by_role("button", name="Undo")).to_be_visible()

    assert page.evaluate("() => window.ganlab.train(3)") == 3
    before = snapshot(page)
    for selector in ("#set-lr_d", "#set-seed"):
        page.locator(selector).focus()
        for key in ("b", "B", "d", "g", "r", "R", "Space"):
            page.keyboard.press(key)
    page.locator("#set-lr_d").focus()
    for key in ("Control+b", "Alt+d", "Meta+g"):
        page.keyboard.press(key)
    redraw(page, 3)
    after = snapshot(page)
    steps = lambda s: (s["epoch"], s["d_steps"], s["g_steps"])   # noqa: E731
    assert steps(after) == steps(before)
    assert after["playing"] is False and after["fake"] == before["fake"]
    page.locator("#set-lr_d").press("Escape")
    page.evaluate("() => document.activeElement.blur()")
    for key in ("Control+b", "Alt+d"):
        page.keyboard.press(key)
    redraw(page, 2)
    assert snapshot(page)["epoch"] == before["epoch"], "a browser shortcut stepped the model"


# ----- settings that do nothing ----------------------------------------------------------------------
def test_unused_settings_come_alive_when_they_matter(page, site_url, open_ready):
    """β1/β2 open with Adam, momentum with momentum SGD, clip with the Wasserstein
    loss, jitter with a point set; each is disabled again, with its reason, when
    it stops mattering."""
    open_ready(page, site_url)
    for name in ("beta1", "beta2", "momentum", "clip", "jitter"):
        expect(page.locator(f"#set-{name}")).to_be_disabled()
        expect(page.locator(f"#set-{name}-msg")).not_to_be_empty()

    page.select_option("#set-optimizer_d", "adam")
    for name in ("beta1", "beta2"):
        expect(page.locator(f"#set-{name}")).to_be_enabled()
        expect(page.locator(f"#set-{name}-msg")).to_be_empty()
    expect(page.locator("#set-momentum")).to_be_disabled()
    page.select_option("#set-optimizer_g", "momentum")
    expect(page.locator("#set-momentum")).to_be_enabled()
    page.select_option("#set-optimizer_d", "sgd")
    expect(page.locator("#set-beta1")).to_be_disabled()
    expect(page.locator("#set-beta1-msg")).to_contain_text("Adam")

    page.select_option("#set-loss", "wasserstein")
    expect(page.locator("#set-clip")).to_be_enabled()
    set_value(page, "#set-clip", "0.1")
    wait_snapshot(page, "s.settings.clip === 0.1")
    page.select_option("#set-loss", "log")
    expect(page.locator("#set-clip")).to_be_disabled()
    expect(page.locator("#set-clip-msg")).to_contain_text("Wasserstein")

    page.get_by_role("button", name="Draw", exact=True).click()
    drag_stroke(page)
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, "s.settings.preset === 'points'")
    expect(page.locator("#set-jitter")).to_be_enabled()
    expect(page.locator("#set-jitter-msg")).to_be_empty()
    page.select_option("#set-preset", "ring")
    expect(page.locator("#set-jitter")).to_be_disabled()
    expect(page.locator("#set-jitter-msg")).to_contain_text("your own points")


# ----- drawing ------------------------------------------------------------------------------------------
def test_escape_leaves_drawing(page, site_url, open_ready, size):
    """Esc ends drawing wherever the focus is; the points drawn stay, and a drag on
    the view adds no more."""
    open_ready(page, site_url)
    draw = page.locator("#draw")
    draw.click()
    expect(draw).to_have_attribute("aria-pressed", "true")
    # Back to the top, where the view is whole (scrolled to it from below, the
    # sticky top bar would cover its upper part).
    page.evaluate("() => window.scrollTo(0, 0)")
    drag_stroke(page)
    n = drawn_count(page)
    assert n > 10
    page.keyboard.press("Escape")
    expect(draw).to_have_attribute("aria-pressed", "false")
    expect(draw).to_have_accessible_name("Draw")
    expect(page.locator("#view")).not_to_have_class(re.compile(r"\bdrawing\b"))
    drag_stroke(page, y_frac=0.6)
    assert drawn_count(page) == n, "a drag after Esc still drew"
    # Again, with the focus nowhere (on the page's body) rather than on the Draw button.
    draw.click()
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Escape")
    expect(draw).to_have_attribute("aria-pressed", "false")


def test_while_drawing_the_models_layers_dim(page, site_url, open_ready):
    open_ready(page, site_url)
    redraw(page)
    solid = count_colour(page, "view", REAL, min_alpha=200)
    assert solid > 300
    page.get_by_role("button", name="Draw", exact=True).click()
    redraw(page, 3)
    assert count_colour(page, "view", REAL, min_alpha=200) <= solid * 0.02, "the real samples did not dim"
    assert count_colour(page, "view", REAL, min_alpha=32) > 300, "the real samples vanished instead of dimming"
    heat = float(page.evaluate("() => getComputedStyle(document.getElementById('heat')).opacity"))
    assert heat < 0.5
    page.keyboard.press("Escape")
    redraw(page, 3)
    assert count_colour(page, "view", REAL, min_alpha=200) >= solid * 0.9
    assert page.evaluate("() => getComputedStyle(document.getElementById('heat')).opacity") == "1"


def test_points_are_added_only_inside_the_view(page, site_url, open_ready):
    """A stroke that leaves the view adds nothing while outside (no pile of points on
    its edge) and goes on where it comes back in."""
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    view = page.locator("#view")
    view.scroll_into_view_if_needed()
    box = view.bounding_box()
    y = box["y"] + STROKE_Y * box["height"]
    x = lambda f: box["x"] + f * box["width"]   # noqa: E731
    page.mouse.move(x(0.5), y)
    page.mouse.down()
    page.mouse.move(x(0.9), y, steps=8)
    for i in range(40):                          # out past the right edge, wandering there
        page.mouse.move(x(1.05 + 0.02 * (i % 5)), y + (i % 7) * 3)
    page.mouse.move(x(0.7), y + 40, steps=8)     # back in, lower down
    page.mouse.up()
    drawn = np.array(page.evaluate("() => window.ganlabView.drawnPoints()")).reshape(-1, 2)
    assert len(drawn) == drawn_count(page) > 10
    assert ((drawn >= 0) & (drawn <= 1)).all()
    at_edge = int((drawn[:, 0] > 0.98).sum())
    assert at_edge <= 3, f"{at_edge} points piled up on the right edge"
    assert (drawn[:, 1] < (1 - STROKE_Y) - 0.02).any(), "the stroke did not go on when it came back in"


def click_points(page, n: int, row: float) -> None:
    """n single clicks on the view along a row (one drawn point each)."""
    view = page.locator("#view")
    view.scroll_into_view_if_needed()
    box = view.bounding_box()
    for i in range(n):
        page.mouse.click(box["x"] + (0.1 + 0.08 * i) * box["width"], box["y"] + row * box["height"])


def test_a_drawing_needs_at_least_ten_points(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    click_points(page, 9, 0.4)
    expect(page.locator("#draw-count")).to_have_text("9 points drawn")
    before = snapshot(page)
    page.get_by_role("button", name="Apply drawing").click()
    expect(page.locator("#message")).to_contain_text("A drawing needs at least 10 points; it has 9.")
    after = snapshot(page)
    assert after["settings"] == before["settings"] and after["points"] is None
    expect(page.locator("#draw")).to_have_attribute("aria-pressed", "true")   # still drawing: add more
    click_points(page, 1, 0.6)
    expect(page.locator("#draw-count")).to_have_text("10 points drawn")
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, "s.settings.preset === 'points' && s.points === 10")


def reload(page) -> None:
    """Reload the tab and wait until the page is ready again."""
    page.reload(wait_until="commit")
    wait_until(page, "() => document.body && document.body.dataset.state === 'ready'", timeout=60000)


def test_the_drawing_survives_a_reload(page, site_url, open_ready):
    """The points drawn (applied or not) come back after a reload of the tab; a
    cleared drawing stays cleared."""
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    drag_stroke(page)
    drawn = page.evaluate("() => window.ganlabView.drawnPoints()")
    assert len(drawn) // 2 == drawn_count(page) > 10
    reload(page)
    expect(page.locator("#draw-count")).to_have_text(f"{len(drawn) // 2} points drawn")
    assert page.evaluate("() => window.ganlabView.drawnPoints()") == drawn
    # ... and can be applied after the reload.
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, f"s.settings.preset === 'points' && s.points === {len(drawn) // 2}")

    page.get_by_role("button", name="Clear drawing").click()
    expect(page.locator("#draw-count")).to_have_text("0 points drawn")
    reload(page)
    expect(page.locator("#draw-count")).to_have_text("0 points drawn")
    assert page.evaluate("() => window.ganlabView.drawnPoints()") == []


# ----- data set tiles ---------------------------------------------------------------------------------------
def test_data_sets_are_picked_by_tiles(page, site_url, open_ready):
    """#dataset-tiles is a radio group: a tile per data set and a "draw your own"
    tile, exactly one checked, the one in use; a click or Enter picks another."""
    open_ready(page, site_url)
    group = page.get_by_role("radiogroup", name="Data set")
    expect(group).to_have_attribute("id", "dataset-tiles")
    radios = group.get_by_role("radio")
    expect(radios).to_have_count(len(PRESETS) + 1)
    label = BY_NAME["preset"].choice_label
    for i, name in enumerate([label(p) for p in PRESETS] + ["draw your own"]):
        expect(radios.nth(i)).to_have_accessible_name(name)
    checked = lambda: [r.get_attribute("data-preset") for r in radios.all()  # noqa: E731
                       if r.get_attribute("aria-checked") == "true"]
    assert checked() == [DEFAULTS["preset"]]

    assert page.evaluate("() => window.ganlab.train(5)") == 5
    ring = group.get_by_role("radio", name=label("ring"), exact=True)
    ring.click()
    wait_snapshot(page, "s.settings.preset === 'ring' && s.epoch === 0")
    expect(ring).to_be_checked()
    assert checked() == ["ring"]
    expect(page.locator("#set-preset")).to_have_value("ring")

    line = page.locator("#tile-line")
    line.focus()
    page.keyboard.press("Enter")
    wait_snapshot(page, "s.settings.preset === 'line'")
    assert checked() == ["line"]

    # "Draw your own" with nothing drawn starts drawing; once applied, it is checked.
    own = group.get_by_role("radio", name="draw your own", exact=True)
    own.click()
    expect(page.locator("#draw")).to_have_attribute("aria-pressed", "true")
    assert checked() == ["line"]
    drag_stroke(page)
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, "s.settings.preset === 'points'")
    assert checked() == ["points"]
    ring.click()
    wait_snapshot(page, "s.settings.preset === 'ring'")
    own.click()                                    # back to the drawing applied before
    wait_snapshot(page, "s.settings.preset === 'points'")
    assert checked() == ["points"]


# ----- axe-core ------------------------------------------------------------------------------------------
def axe_pin() -> str:
    return json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]


def axe_violations(page) -> list[dict]:
    """axe-core's violations for the page as it is now, with its default rules
    (WCAG 2.0/2.1/2.2 A and AA and best practices)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (build.py does)", pytrace=False)
    have = json.loads((AXE_JS.parent / "package.json").read_text())["version"]
    if have != axe_pin():
        pytest.fail(f"node_modules/axe-core is {have}, package.json pins {axe_pin()}: run `npm ci`", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("""() => axe.run(document, { resultTypes: ['violations'] }).then(r =>
        r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) })))""")


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:8])
                     for v in violations)


def test_axe_is_pinned_and_not_shipped(site_url):
    """axe-core is an exact-pinned devDependency, installed by `npm ci`, and nothing
    of it reaches dist/."""
    assert re.fullmatch(r"4\.\d+\.\d+", axe_pin()), axe_pin()
    lock = json.loads((ROOT / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/axe-core"]
    assert entry["version"] == axe_pin() and entry.get("dev") is True
    info = json.loads((ROOT / "dist" / "build-info.json").read_text())
    shipped = list(info["vendored"]) + list(info["app"])
    assert [f for f in shipped if "axe" in f.lower()] == []
    assert [p for p in (ROOT / "dist").rglob("*") if "axe" in p.name.lower()] == []


AXE_SIZES = [pytest.param(WIDE, id="1440x900"), pytest.param(PHONE, id="390x844")]


@pytest.mark.parametrize("width_height", AXE_SIZES)
def test_axe_while_loading(page, site_url, width_height):
    """Before Python is up: the skeleton page, every control disabled. The
    interpreter's WebAssembly is held back until axe has run, so the page is
    surely still loading."""
    held, holding = [], [True]
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route) if holding[0] else route.fallback())
    page.set_viewport_size({"width": width_height[0], "height": width_height[1]})
    page.goto(site_url, wait_until="domcontentloaded")
    wait_until(page, "() => document.readyState === 'complete' || document.readyState === 'interactive'")
    assert page.evaluate("() => document.body.dataset.state") == "loading"
    expect(page.locator("#loading")).to_be_visible()
    violations = axe_violations(page)
    assert page.evaluate("() => document.body.dataset.state") == "loading"
    assert violations == [], "axe violations while loading:\n" + report(violations)
    # Let it go on: the page still gets ready.
    holding[0] = False
    for route in held:
        route.fallback()
    wait_until(page, "() => document.body.dataset.state === 'ready'", timeout=60000)


@pytest.mark.parametrize("width_height", AXE_SIZES)
@pytest.mark.parametrize("state", ["ready", "drawing", "slow motion", "settings open"])
def test_axe(page, site_url, open_ready, width_height, state):
    open_at(page, site_url, open_ready, width_height)
    if state == "drawing":
        page.get_by_role("button", name="Draw", exact=True).click()
        drag_stroke(page)
    elif state == "slow motion":
        page.select_option("#speed", "-1")
        page.get_by_role("button", name="Play", exact=True).click()
        wait_snapshot(page, "s.d_steps >= 1")
        expect(page.locator("#explain")).to_contain_text("step 1 of 2")
    elif state == "settings open":
        # Each part's panel in turn (some settings there are disabled with their reasons).
        found = []
        for node in sorted({node for node, _, _ in PART_CHANGES.values()}):
            page.locator(node).click()
            expect(page.locator("#part-settings")).to_be_visible()
            found += [dict(v, id=f"{v['id']} [{node} open]") for v in axe_violations(page)]
            page.locator("#part-close").click()
        assert found == [], f"axe violations ({state}):\n" + report(found)
        return
    violations = axe_violations(page)
    assert violations == [], f"axe violations ({state}):\n" + report(violations)
