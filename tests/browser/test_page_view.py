"""The playground page's main view, in headless Chromium: drawing your own data
and the layer toggles (checked on the canvases' pixels).

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
from pagekit import ARROW, FAKE, REAL, count_colour, painted, redraw, snapshot, wait_snapshot  # noqa: E402

pytestmark = pytest.mark.browser

STROKE_Y = 0.3              # from the top of the view, as a fraction of its height
STROKE_X = (0.2, 0.8)       # as fractions of its width


def drag_stroke(page, y_frac=STROKE_Y, x_from=STROKE_X[0], x_to=STROKE_X[1], moves=12):
    """Press, move in several steps and release across the #view canvas."""
    page.locator("#view").scroll_into_view_if_needed()
    box = page.locator("#view").bounding_box()
    y = box["y"] + y_frac * box["height"]

    def x(f):
        return box["x"] + f * box["width"]

    page.mouse.move(x(x_from), y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(x(x_from + (x_to - x_from) * i / moves), y, steps=2)
    page.mouse.up()


def drawn_count(page) -> int:
    text = page.inner_text("#draw-count")
    m = re.fullmatch(r"(\d+) points? drawn", text.strip())
    assert m, text
    return int(m.group(1))


def test_draw_a_stroke_and_apply_it(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    expect(page.locator("#draw")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#draw")).to_have_accessible_name("Stop drawing")
    drag_stroke(page)
    expect(page.locator("#draw-count")).not_to_have_text("0 points drawn")
    n = drawn_count(page)
    assert n > 10

    # What the painter recorded: points on the stroke, in data coordinates (y up).
    drawn = np.array(page.evaluate("() => window.ganlabView.drawnPoints()")).reshape(-1, 2)
    assert len(drawn) == n
    assert np.abs(drawn[:, 1] - (1 - STROKE_Y)).max() < 0.01
    assert drawn[:, 0].min() == pytest.approx(STROKE_X[0], abs=0.01)
    assert drawn[:, 0].max() == pytest.approx(STROKE_X[1], abs=0.02)

    page.evaluate("() => window.ganlab.train(5)")
    page.get_by_role("button", name="Apply drawing").click()
    wait_snapshot(page, "s.settings.preset === 'points'")
    s = snapshot(page)
    assert s["points"] == n
    assert s["epoch"] == 0, "applying a drawing starts a new model"
    expect(page.locator("#epoch")).to_have_text("0")
    expect(page.locator("#set-preset")).to_have_value("points")
    expect(page.locator("#draw")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#message")).to_contain_text(f"{n} drawn points")
    # A point set cannot travel in a link, so the address leaves the preset out
    # (reloading it opens the default data instead of an error).
    assert "preset=" not in page.evaluate("() => location.hash")

    # The displayed real samples lie along the stroke (jitter 0.02).
    real = np.array(s["real"])
    assert real.shape == (400, 2)
    near = np.abs(real[:, 1] - (1 - STROKE_Y)) <= 0.08
    assert near.mean() >= 0.98, f"only {near.mean():.1%} of the real points lie on the stroke"
    inside = (real[:, 0] >= 0.15) & (real[:, 0] <= 0.85)
    assert inside.mean() >= 0.98
    assert np.percentile(real[:, 0], 5) < 0.3 and np.percentile(real[:, 0], 95) > 0.7

    # And it trains on them.
    page.get_by_role("button", name="Step both").click()
    expect(page.locator("#epoch")).to_have_text("1")


def test_applying_an_empty_drawing_changes_nothing(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("button", name="Draw", exact=True).click()
    drag_stroke(page)
    assert drawn_count(page) > 10
    page.get_by_role("button", name="Clear drawing").click()
    expect(page.locator("#draw-count")).to_have_text("0 points drawn")

    assert page.evaluate("() => window.ganlab.train(5)") == 5
    before = snapshot(page)
    page.get_by_role("button", name="Apply drawing").click()
    expect(page.locator("#message")).to_contain_text("A drawing needs at least 10 points; it has 0.")
    after = snapshot(page)
    assert after["settings"] == before["settings"]
    assert after["settings"]["preset"] == "gaussians" and after["points"] is None
    assert after["epoch"] == before["epoch"] == 5
    assert after["fake"] == before["fake"]
    expect(page.locator("#set-preset")).to_have_value("gaussians")
    assert "preset=" not in page.evaluate("() => location.hash")


def test_each_toggle_hides_its_layer(page, site_url, open_ready):
    open_ready(page, site_url)
    assert snapshot(page)["playing"] is False
    redraw(page)
    heat = page.locator("#heat")
    expect(heat).to_be_visible()

    page.get_by_role("checkbox", name="Discriminator").uncheck()
    redraw(page)
    assert page.evaluate("() => document.getElementById('heat').style.visibility") == "hidden"
    expect(heat).to_be_hidden()

    counts = {}
    for name, colour in (("Real samples", REAL), ("Fake samples", FAKE), ("Gradients", ARROW)):
        before = count_colour(page, "view", colour)
        page.get_by_role("checkbox", name=name).uncheck()
        redraw(page)
        after = count_colour(page, "view", colour)
        assert before > 300, f"{name}: too few pixels to start with ({before})"
        assert after <= before * 0.02, f"{name}: {before} -> {after} pixels"
        counts[name] = before
    assert painted(page, "view") == 0, "every layer is off: the view should be blank"

    page.get_by_role("checkbox", name="Manifold").check()
    redraw(page)
    manifold = count_colour(page, "view", FAKE, min_alpha=1)
    assert manifold > 1000, f"the manifold drew only {manifold} pixels"

    # Back on: the layers come back.
    page.get_by_role("checkbox", name="Manifold").uncheck()
    page.get_by_role("checkbox", name="Real samples").check()
    page.get_by_role("checkbox", name="Discriminator").check()
    redraw(page)
    # (at least as many real pixels as at first: no fakes cover them now)
    assert count_colour(page, "view", REAL) >= counts["Real samples"]
    expect(heat).to_be_visible()


def test_narrow_screen_keeps_the_view_square_and_on_screen(page, site_url, open_ready):
    # A phone-sized window: one column, no sideways scrolling, the data square square.
    page.set_viewport_size({"width": 400, "height": 800})
    open_ready(page, site_url)
    redraw(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
    box = page.locator("#view").bounding_box()
    assert box["width"] == pytest.approx(box["height"], abs=1)
    assert 200 < box["width"] and box["x"] >= 0 and box["x"] + box["width"] <= 400
    size = page.evaluate("() => [document.getElementById('view').width, document.getElementById('view').height]")
    dpr = page.evaluate("() => devicePixelRatio")
    assert size == [round(box["width"] * dpr), round(box["height"] * dpr)]
    # Drawing still maps the pointer onto the square.
    page.get_by_role("button", name="Draw", exact=True).click()
    drag_stroke(page)
    drawn = np.array(page.evaluate("() => window.ganlabView.drawnPoints()")).reshape(-1, 2)
    assert len(drawn) > 10 and np.abs(drawn[:, 1] - (1 - STROKE_Y)).max() < 0.01


@pytest.mark.parametrize("link", ["loss=least_squares&lr_d=10&lr_g=10&seed=1",   # D blows up
                                  "lr_d=10&lr_g=10&seed=3"])                      # G blows up
def test_every_layer_survives_a_blown_up_model(page, site_url, open_ready, link):
    """With every layer on, a diverging run pauses with its message and the page keeps
    drawing without a console error (the fixture fails the test on any)."""
    open_ready(page, site_url + "#" + link)
    for name in ("show-manifold", "show-pred"):
        page.check(f"#{name}")
    page.get_by_role("button", name="Play").click()
    wait_snapshot(page, "s.diverged", timeout=60000)
    expect(page.locator("#diverged")).to_be_visible()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    redraw(page, 5)
    page.get_by_role("button", name="Step both").click()
    redraw(page, 3)


# static/paint.js PRGN: the colours of D(x) = 0, 1/8, ..., 1 (purple = fake, green = real).
PRGN = [(0x76, 0x2a, 0x83), (0x99, 0x70, 0xab), (0xc2, 0xa5, 0xcf), (0xe7, 0xd4, 0xe8),
        (0xf7, 0xf7, 0xf7), (0xd9, 0xf0, 0xd3), (0xa6, 0xdb, 0xa0), (0x5a, 0xae, 0x61),
        (0x1b, 0x78, 0x37)]


def test_predictions_colour_each_sample_by_d_of_x(page, site_url, open_ready):
    """With Predictions on, each sample is filled with the colour of D(x) at that sample
    (to the nearest eighth), D(x) as the engine computes it under CPython."""
    from ganlab import fields
    from ganlab.gan import Trainer

    # D's verdicts on the samples span 2/8 to 5/8 (at GAN Lab's defaults, lr G 0.1 and
    # uniform noise, they all round to 4/8: hence the former G rate and noise here).
    epochs, link = 300, "lr_d=0.5&lr_g=0.03&noise=gaussian"
    open_ready(page, site_url + "#" + link)
    assert page.evaluate(f"() => window.ganlab.train({epochs})") == epochs
    for name in ("show-heat", "show-grad"):
        page.uncheck(f"#{name}")
    page.check("#show-pred")
    redraw(page, 3)

    t = Trainer({"lr_d": 0.5, "lr_g": 0.03, "noise": "gaussian"})
    t.train(epochs)
    f = fields.frame(t, with_manifold=False)
    s = snapshot(page)
    np.testing.assert_allclose(s["fake"], f.fake, atol=1e-6)      # the same model as here
    points = np.vstack((f.real, f.fake))
    verdict = np.concatenate((f.d_real, f.d_fake))

    # Dots inside the view, alone (no neighbour within 0.02 of the square), and not within
    # 1/80 of a colour boundary (the page's numbers match these to ~1e-6, not exactly).
    gaps = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, 1.0)
    eighths = verdict * 8
    inside = ((points > 0.01) & (points < 0.99)).all(axis=1)
    keep = inside & (gaps.min(axis=1) > 0.02) & (np.abs(eighths - np.floor(eighths) - 0.5) > 0.1)
    w, h = page.evaluate("() => [document.getElementById('view').width, "
                         "document.getElementById('view').height]")
    pixels = [[int(x * w), int((1 - y) * h)] for x, y in points[keep]]
    rgb = page.evaluate(
        """(pixels) => {
            const c = document.getElementById('view');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            return pixels.map(([x, y]) => Array.from(d.slice((y * c.width + x) * 4, (y * c.width + x) * 4 + 3)));
        }""",
        pixels,
    )
    nearest = [int(np.argmin([sum((a - b) ** 2 for a, b in zip(px, stop)) for stop in PRGN]))
               for px in rgb]
    expected = np.rint(eighths[keep]).astype(int).tolist()
    assert len(expected) >= 40 and len(set(expected)) >= 3, expected
    assert nearest == expected


def test_the_painter_draws_from_plain_typed_arrays(page, site_url, open_ready):
    """frameArray, chartRows and tileArray draw from plain Float64Arrays, with no
    Python object in between (a first frame can be painted before Python is up)."""
    open_ready(page, site_url)
    redraw(page)
    page.evaluate("""() => {
        const v = window.ganlabView;
        // Two real points left, two fakes right with arrows pointing up; a 2x2 heatmap.
        v.setLayout(JSON.stringify({heat: [0, 4], real: [4, 4], fake: [8, 4], d_real: [12, 2],
            d_fake: [14, 2], arrows: [16, 4], noise: [20, 4], manifold: [24, 0], shade: [24, 0],
            grid: [24, 0], res: 2, curve: false}));
        v.frameArray(new Float64Array([0, 1, 0, 1,  0.2, 0.3, 0.2, 0.7,  0.8, 0.3, 0.8, 0.7,
            1, 1, 0, 0,  0, 0.1, 0, 0.1,  0.5, 0.5, 0.5, 0.5]), 2 | 4 | 16);
        v.chartRows("chart-loss", new Float64Array([0, 2, 0, 2,  0, 1, 1.5, 1, 1.5,  10, 1.2, 1.4, 1.1, 1.45]), true);
        v.tileArray("ring", new Float64Array(Array.from({length: 400}, (_, i) => (i % 2 ? 0.5 : 0.25) + (i % 7) / 50)));
    }""")
    assert count_colour(page, "view", REAL) > 20
    assert count_colour(page, "view", FAKE) > 20
    assert count_colour(page, "view", ARROW) > 20, "no gradient lines drawn from the offsets"
    assert page.evaluate("""() => { const c = document.getElementById('chart-loss');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }""") > 100
    assert page.evaluate("""() => { const c = document.querySelector('#tile-ring canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }""") > 10
