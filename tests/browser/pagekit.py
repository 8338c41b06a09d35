"""Helpers for the playground-page tests (test_page*.py): state, redraws, pixels.

- `snapshot(page)`: `window.ganlab.snapshot()` parsed from JSON.
- `redraw(page)`: resolves after two animation frames, so the page's loop (which
  redraws on the next frame after any change) has drawn at least once since.
- `heat_pixels(page)`: the RGBA bytes of the `#heat` canvas.
- `count_colour(page, canvas_id, rgb, ...)`: pixels of one colour on a canvas.

No fixed sleeps: waits are on page state (`wait_until`) or animation frames.
"""
from __future__ import annotations

import json
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REAL = (27, 120, 55)        # static/paint.js REAL  #1b7837
FAKE = (118, 42, 131)       # static/paint.js FAKE  #762a83 (also the manifold's colour)
ARROW = (214, 51, 108)      # static/paint.js ARROW #d6336c


def snapshot(page) -> dict:
    return json.loads(page.evaluate("() => window.ganlab.snapshot()"))


def redraw(page, frames: int = 2) -> None:
    """Wait for `frames` animation frames (the loop draws once per frame when dirty)."""
    page.evaluate(
        """(n) => new Promise(resolve => {
            const tick = () => (--n <= 0 ? resolve() : requestAnimationFrame(tick));
            requestAnimationFrame(tick);
        })""",
        frames,
    )


def wait_until(page, predicate: str, arg=None, timeout: float = 20000, poll: float = 0.05):
    """Poll the JS function `predicate` (called with `arg`) until it returns a truthy
    value, and return that value; PlaywrightTimeoutError after `timeout` ms.

    Playwright's own wait_for_function compiles its predicate with eval inside the
    page, which the page's Content-Security-Policy forbids; page.evaluate runs
    through the debugging protocol, which the policy does not cover.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(predicate, arg)
        if value:
            return value
        if time.monotonic() >= deadline:
            raise PlaywrightTimeoutError(f"not true after {timeout:g} ms: {predicate}")
        time.sleep(poll)


def wait_snapshot(page, condition: str, timeout: float = 20000) -> None:
    """Wait until the JS expression `condition` over `s` (the parsed snapshot) is true."""
    wait_until(page, f"() => {{ const s = JSON.parse(window.ganlab.snapshot()); return {condition}; }}",
               timeout=timeout)


def heat_pixels(page) -> list[int]:
    return page.evaluate(
        """() => {
            const c = document.getElementById('heat');
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        }"""
    )


def count_colour(page, canvas_id: str, rgb, tol: int = 16, min_alpha: int = 128) -> int:
    """Pixels of `canvas_id` within `tol` of `rgb` per channel, with alpha >= min_alpha.

    getImageData gives un-premultiplied colours, so a dot's anti-aliased rim keeps
    its colour at a lower alpha; `min_alpha` decides whether rims count.
    """
    return page.evaluate(
        """([id, rgb, tol, minAlpha]) => {
            const c = document.getElementById(id);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] >= minAlpha && Math.abs(d[i] - rgb[0]) <= tol
                    && Math.abs(d[i + 1] - rgb[1]) <= tol && Math.abs(d[i + 2] - rgb[2]) <= tol) n++;
            }
            return n;
        }""",
        [canvas_id, list(rgb), tol, min_alpha],
    )


def painted(page, canvas_id: str) -> int:
    """Pixels of `canvas_id` that are not fully transparent."""
    return page.evaluate(
        """(id) => {
            const c = document.getElementById(id);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }""",
        canvas_id,
    )


def set_value(page, selector: str, value: str) -> None:
    """Type a value into a number input and commit it as a user does (Tab away)."""
    page.fill(selector, value)
    page.press(selector, "Tab")
