"""Benchmark the real page in headless Chromium: `python tools/benchpage.py [--seconds 20]`.

Builds the site, serves it on 127.0.0.1, and prints one JSON object:
- time to `ready` (navigation start -> the page sets data-state="ready") with a
  fresh browser profile, and again with a warm HTTP cache (a reload in the same
  profile);
- while playing for `--seconds` at the defaults (every view and chart redrawn
  every frame): epochs per second, frames per second, median and p95 frame time
  (the interval between animation frames, measured by a requestAnimationFrame
  hook in the page);
- the same for 2x20 and 5x100 networks with `--sizes`.

A developer tool (needs Playwright and Debian's chromium), not shipped to the page;
it starts Chromium as the browser tests do (tools/chromium.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as a script: the repo's build.py and tools/
    sys.path.insert(0, str(ROOT))

from tools.chromium import LAUNCH  # noqa: E402

SIZES = {"2x20": "g_layers=2&g_units=20&d_layers=2&d_units=20",
         "5x100": "g_layers=5&g_units=100&d_layers=5&d_units=100"}

FRAME_HOOK = """() => {
  window.__frames = [];
  const tick = t => { window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def _ready_ms(page, url: str) -> float:
    page.goto(url)
    page.wait_for_function("document.body.dataset.state !== 'loading'", timeout=120_000)
    if page.evaluate("document.body.dataset.state") != "ready":
        raise RuntimeError("page did not start: " + page.inner_text("#error-panel"))
    return page.evaluate("window.ganlabReadyAt")


def _play(page, seconds: float) -> dict:
    page.evaluate(FRAME_HOOK)
    start_epoch = json.loads(page.evaluate("window.ganlab.snapshot()"))["epoch"]
    t0 = page.evaluate("performance.now()")
    page.click("#play")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#play")
    t1 = page.evaluate("performance.now()")
    snap = json.loads(page.evaluate("window.ganlab.snapshot()"))
    frames = page.evaluate("window.__frames")
    gaps = sorted(b - a for a, b in zip(frames, frames[1:]))
    span_s = (t1 - t0) / 1000
    return {
        "epochs_per_s": round((snap["epoch"] - start_epoch) / span_s, 1),
        "frames_per_s": round(len(frames) / span_s, 1),
        "frame_ms_median": round(gaps[len(gaps) // 2], 2) if gaps else None,
        "frame_ms_p95": round(gaps[int(len(gaps) * 0.95)], 2) if gaps else None,
        "epochs": snap["epoch"] - start_epoch, "js_after": snap["js"],
        "diverged": snap["diverged"],
    }


def run(seconds: float = 20.0, sizes: bool = False) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    server, url = build.serve_in_thread(0)
    out: dict = {"seconds": seconds}
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(
                profile, viewport={"width": 1400, "height": 1000}, **LAUNCH)
            page = ctx.new_page()
            out["ready_ms_fresh"] = round(_ready_ms(page, url), 0)
            out["ready_ms_warm"] = round(_ready_ms(page, url), 0)
            out["defaults"] = _play(page, seconds)
            if sizes:
                for name, query in SIZES.items():
                    _ready_ms(page, f"{url}?{name}#{query}")   # "?": a real navigation
                    out[name] = _play(page, max(5.0, seconds / 4))
            ctx.close()
    finally:
        server.shutdown()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/benchpage.py")
    ap.add_argument("--seconds", type=float, default=20.0, help="play time at the defaults")
    ap.add_argument("--sizes", action="store_true", help="also 2x20 and 5x100 networks")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.seconds, args.sizes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
