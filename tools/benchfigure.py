"""How long the page's Figure export takes: the cold install of matplotlib through
micropip (from the site's own wheels) on the first export, the first render, and the
later renders; and which requests happened before the first export (none may be for
matplotlib or micropip) and whether any left the origin.

    .venv/bin/python tools/benchfigure.py [--runs N] [--no-build]

Each run is a fresh browser profile (a cold cache), headless Chromium as the tests
start it (tools/chromium.py). Prints one line per run and the medians.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from tools.chromium import LAUNCH, wait_ready  # noqa: E402


def one_run(pw, url: str, formats=("png", "png", "svg", "pdf")) -> dict:
    browser = pw.chromium.launch(**LAUNCH)
    try:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        requests: list[str] = []
        origin = url.rstrip("/")

        def route(r):
            requests.append(r.request.url)
            if r.request.url.startswith(origin):
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url + "index.html")
        wait_ready(page)
        ready_s = time.perf_counter() - t0
        page.evaluate("() => window.ganlab.train(300)")
        early = [u for u in requests if "matplotlib" in u or "micropip" in u]
        clicks, renders = [], []
        for fmt in formats:
            page.select_option("#figure-format", fmt)
            start = time.perf_counter()
            with page.expect_download(timeout=180000):
                page.click("#export-figure")
            clicks.append(round(time.perf_counter() - start, 3))
            renders.append(json.loads(page.evaluate("() => window.ganlab.figureTimings()")))
        return {"ready_s": round(ready_s, 3), "install_s": renders[0]["install_s"],
                "first_render_s": renders[0]["render_s"],
                "second_png_render_s": renders[1]["render_s"],
                "svg_render_s": renders[2]["render_s"], "pdf_render_s": renders[3]["render_s"],
                "first_click_to_download_s": clicks[0], "second_png_click_to_download_s": clicks[1],
                "matplotlib_requests_before_export": len(early),
                "off_origin_requests": len([u for u in requests if not u.startswith(origin)])}
    finally:
        browser.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    dist = build.DIST if args.no_build else build.build()
    server, url = build.serve_in_thread(0, dist)
    results = []
    try:
        with sync_playwright() as pw:
            for i in range(args.runs):
                r = one_run(pw, url)
                results.append(r)
                print(json.dumps(r), flush=True)
    finally:
        server.shutdown()
    keys = [k for k in results[0] if k.endswith("_s")]
    print("medians: " + ", ".join(f"{k} {statistics.median(r[k] for r in results):.2f}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
