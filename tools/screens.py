"""Screenshots of the built page, for looking at it: `python tools/screens.py [--epochs 300] [--out DIR]`.

Builds the site, serves it on 127.0.0.1, opens it in headless Chromium at 1440x900,
1024x768 and 390x844, trains `--epochs` epochs (window.ganlab.train), and saves for
each size the first screen (`<size>.png`), the whole page (`<size>-full.png`) and the
first screen scrolled down by half a window (`<size>-scrolled.png`: does the top bar
cover the view?). A developer tool (needs Playwright and Debian's chromium), not shipped.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as a script: the repo's build.py and tools/
    sys.path.insert(0, str(ROOT))

from tools.chromium import LAUNCH, wait_ready  # noqa: E402

SIZES = ((1440, 900), (1024, 768), (390, 844))


def _train(page, epochs: int, timeout_s: float = 120) -> None:
    """Train `epochs` epochs through the page and wait for them (polled: no eval in the page)."""
    start = page.evaluate("() => JSON.parse(window.ganlab.snapshot()).epoch")
    page.evaluate(f"() => window.ganlab.train({int(epochs)})")
    deadline = time.monotonic() + timeout_s
    while page.evaluate("() => JSON.parse(window.ganlab.snapshot()).epoch") < start + epochs:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{epochs} epochs not trained after {timeout_s:g} s")
        time.sleep(0.1)
    page.wait_for_timeout(300)      # a frame or two to draw them


def run(out: Path, epochs: int = 300) -> list[Path]:
    import build
    from playwright.sync_api import sync_playwright

    build.main([])
    server, url = build.serve_in_thread(0, build.DIST)
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(**LAUNCH)
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(url + "index.html")
                wait_ready(page)
                _train(page, epochs)
                name = f"{width}x{height}"
                for suffix, full in (("", False), ("-full", True)):
                    path = out / f"{name}{suffix}.png"
                    page.screenshot(path=str(path), full_page=full)
                    saved.append(path)
                page.evaluate(f"() => window.scrollTo(0, {height // 2})")
                page.wait_for_timeout(200)
                path = out / f"{name}-scrolled.png"
                page.screenshot(path=str(path))
                saved.append(path)
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return saved


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/screens.py")
    ap.add_argument("--epochs", type=int, default=300, help="epochs to train before the pictures")
    ap.add_argument("--out", type=Path, default=Path("/tmp/ganlab-screens"), help="folder for the PNGs")
    args = ap.parse_args(argv)
    for path in run(args.out, args.epochs):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
