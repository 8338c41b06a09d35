"""Time to `ready`, this build against an earlier commit's: `python tools/startab.py --before REV`.

Builds commit REV in a temporary git worktree (with this checkout's node_modules, which
its build vendors the runtime from) and this checkout as it is, serves both, and opens
each `--loads` times in a fresh browser context (no cache: as a first visit), the two
alternately so a busy moment of a shared machine hits both. Prints, as JSON, each load's
time to `ready` (window.ganlabReadyAt: ms after navigation) and their medians.

The issue's target "time to interactive not worse than today" is read against the
commit before the pre-trained models: `--before 0eb7a22~1`. A developer tool, not
shipped; it starts Chromium as the browser tests do (tools/chromium.py).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.chromium import LAUNCH, wait_ready  # noqa: E402


def build_commit(rev: str, where: Path) -> Path:
    """Commit `rev` built into `where`/dist; returns that folder."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), rev],
                   check=True, capture_output=True)
    (where / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run([sys.executable, "build.py"], cwd=where, check=True, capture_output=True)
    return where / "dist"


def ready_ms(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        wait_ready(page)
        return float(page.evaluate("window.ganlabReadyAt"))
    finally:
        context.close()


def run(before: str, loads: int) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        try:
            sites = {"before": build_commit(before, old), "now": build.DIST}
            servers = {name: build.serve_in_thread(0, site) for name, site in sites.items()}
            times: dict[str, list[float]] = {name: [] for name in sites}
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(**LAUNCH)
                    for i in range(loads):
                        for name in (("before", "now") if i % 2 == 0 else ("now", "before")):
                            times[name].append(round(ready_ms(browser, servers[name][1] + "index.html")))
                    browser.close()
            finally:
                for server, _ in servers.values():
                    server.shutdown()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                           capture_output=True)
    return {"before": before, "loads": loads, "ready_ms": times,
            "median_ms": {name: statistics.median(v) for name, v in times.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/startab.py", description=__doc__.split("\n")[0])
    ap.add_argument("--before", default="0eb7a22~1", help="the commit to compare with")
    ap.add_argument("--loads", type=int, default=8, help="loads of each build")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.before, args.loads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
