"""Soak the real page: `python tools/soak.py [--minutes 10] [--every 30]`.

Builds the site, serves it on 127.0.0.1, opens it in headless Chromium, presses
Play and keeps it playing at the defaults for `--minutes`. Every `--every`
seconds it samples
- the JavaScript heap in use (after a forced garbage collection, through the
  DevTools protocol),
- the WebAssembly memory of the Python interpreter (it only ever grows, so a
  leak in Python or NumPy shows as steps),
- the number of DOM nodes,
- the epoch, and whether the page still answers.
It prints one JSON object: the samples and the growth of each figure from the
first sample after a one-minute warm-up to the last. A flat soak shows no growth
beyond noise. A developer tool, not shipped; it starts Chromium as the browser
tests do (tools/chromium.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as a script: the repo's build.py and tools/
    sys.path.insert(0, str(ROOT))

from tools.chromium import FRESH, LAUNCH, wait_ready  # noqa: E402

WARM_UP_S = 60


def _sample(page, cdp, t0: float) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    snap = json.loads(page.evaluate("() => window.ganlab.snapshot()"))
    return {
        "t_s": round(time.monotonic() - t0, 1),
        "epoch": snap["epoch"],
        "js_heap_bytes": int(heap["usedSize"]),
        "wasm_bytes": snap["wasm_bytes"],
        "dom_nodes": page.evaluate("() => document.getElementsByTagName('*').length"),
        "playing": snap["playing"],
    }


def run(minutes: float = 10.0, every: float = 30.0) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    server, url = build.serve_in_thread(0)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(**LAUNCH)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            cdp = page.context.new_cdp_session(page)
            page.goto(url + FRESH)
            wait_ready(page)
            page.click("#play")
            t0 = time.monotonic()
            samples = [_sample(page, cdp, t0)]
            while time.monotonic() - t0 < minutes * 60:
                time.sleep(min(every, max(0.0, minutes * 60 - (time.monotonic() - t0))))
                samples.append(_sample(page, cdp, t0))
            page.click("#play")
            browser.close()
    finally:
        server.shutdown()
    warm = next((s for s in samples if s["t_s"] >= WARM_UP_S), samples[0])
    last = samples[-1]
    growth = {k: last[k] - warm[k] for k in ("js_heap_bytes", "wasm_bytes", "dom_nodes")}
    return {"minutes": minutes, "epochs": last["epoch"],
            "epochs_per_s": round(last["epoch"] / max(last["t_s"], 1e-9), 1),
            "still_playing": last["playing"], "growth_after_warm_up": growth,
            "samples": samples}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/soak.py")
    ap.add_argument("--minutes", type=float, default=10.0, help="how long to keep playing")
    ap.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.minutes, args.every)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
