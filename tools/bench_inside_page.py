"""The "Look inside" panel's cost in the real page: `python tools/bench_inside_page.py [--seconds 6]`.

Plays the page in headless Chromium (as tools/benchpage.py does, with its `_play`)
at the defaults and at 2x32 units, with the panel closed and then open (neuron maps
of D and G redrawn every few frames), and prints epochs/s, frames/s and frame
times for each as JSON. A developer tool, not shipped; on a busy machine run it
twice and compare like with like.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.benchpage import _play  # noqa: E402
from tools.chromium import LAUNCH, wait_ready  # noqa: E402

SIZES = {"defaults": "seed=1", "2x32": "seed=1&g_layers=2&g_units=32&d_layers=2&d_units=32"}


def run(seconds: float) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    server, url = build.serve_in_thread(0)
    out = {"seconds": seconds}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**LAUNCH)
            for name, query in SIZES.items():
                for panel in ("closed", "open"):
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    page.goto(f"{url}index.html#{query}")
                    wait_ready(page)
                    if panel == "open":
                        page.get_by_role("button", name="Look inside").click()
                    out[f"{name}_panel_{panel}"] = _play(page, seconds)
                    page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/bench_inside_page.py",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds of play per case")
    print(json.dumps(run(parser.parse_args(argv).seconds), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
