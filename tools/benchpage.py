"""Benchmark the real page in headless Chromium: `python tools/benchpage.py [--seconds 20]`.

Builds the site, serves it on 127.0.0.1, and prints one JSON object:
- time to `ready` (navigation start -> the page sets data-state="ready") with a
  fresh browser profile, and again with a warm HTTP cache (a reload in the same
  profile);
- while playing for `--seconds` at the defaults (every view and chart redrawn
  every frame), once the training worker is up (ui/trainworker.py; the time it
  took from the first Play is printed too): epochs per second, frames per second, median and p95 frame time
  (the interval between animation frames, measured by a requestAnimationFrame
  hook in the page), and the cost of redrawing the model graph's thumbnails per
  drawn frame (mean and p95 ms, timed in the page with performance.now());
- the same for 2x20 and 5x100 networks with `--sizes`;
- `engine_pyodide`: the engine alone (no page, nothing drawn) in the site's own
  Pyodide and NumPy, against the plain NumPy GAN of tools/plaingan_speed.py, at
  GAN Lab's defaults: ms per epoch of each (best round), the engine's epochs per
  second and the ratio engine / plain, training alone as the plain GAN does; then
  the engine recording its history (KL/JS, precision/recall, snapshots) as the page
  does, and what that costs, in all and record by record (`recording_parts_percent`,
  as `python -m ganlab bench` prints it natively: `new_metric` is precision/recall);
  and the random draws' share of an epoch (the reals and the noise, as the pools
  draw them). `--engine-only` measures just that.

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

from tools.chromium import FRESH, LAUNCH, wait_ready  # noqa: E402

SIZES = {"2x20": "g_layers=2&g_units=20&d_layers=2&d_units=20",
         "5x100": "g_layers=5&g_units=100&d_layers=5&d_units=100"}

FRAME_HOOK = """() => {
  window.__frames = [];
  // The longest task the page runs while playing (issue: none over ~100 ms).
  window.__longest = 0;
  if (!window.__longObserver) {
    window.__longObserver = new PerformanceObserver(list => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    });
    window.__longObserver.observe({ type: "longtask" });
  }
  window.ganlabThumbMs = [];   // static/view.js pushes each frame's thumbnails time here
  const tick = t => { window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def _ready_ms(page, url: str) -> float:
    page.goto(url)
    wait_ready(page)
    return page.evaluate("window.ganlabReadyAt")


def _first_frame_ms(page) -> float | None:
    """When the build-time first frame was painted, ms after navigation (None: not)."""
    return page.evaluate("window.ganlabFirstFrameAt === undefined ? null : window.ganlabFirstFrameAt")


def _warm_worker(page) -> float | None:
    """Play until the training worker is up (it loads on the first Play), then pause:
    ms from Play to ready (None if it never came up in 60 s)."""
    t0 = page.evaluate("performance.now()")
    page.click("#play")
    state = "off"
    while page.evaluate("performance.now()") - t0 < 60000:
        state = json.loads(page.evaluate("window.ganlab.snapshot()"))["worker"]
        if state in ("ready", "broken"):
            break
        page.wait_for_timeout(50)
    waited = page.evaluate("performance.now()") - t0
    page.click("#play")
    return round(waited, 0) if state == "ready" else None


def _play(page, seconds: float) -> dict:
    worker_ready_ms = _warm_worker(page)
    page.evaluate(FRAME_HOOK)
    start = json.loads(page.evaluate("window.ganlab.snapshot()"))
    start_epoch = start["epoch"]
    t0 = page.evaluate("performance.now()")
    page.click("#play")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#play")
    t1 = page.evaluate("performance.now()")
    snap = json.loads(page.evaluate("window.ganlab.snapshot()"))
    frames = page.evaluate("window.__frames")
    longest = page.evaluate("window.__longest")
    thumbs = sorted(page.evaluate("window.ganlabThumbMs.splice(0)"))
    page.evaluate("() => { window.ganlabThumbMs = null; }")
    gaps = sorted(b - a for a, b in zip(frames, frames[1:]))
    span_s = (t1 - t0) / 1000
    return {
        "epochs_per_s": round((snap["epoch"] - start_epoch) / span_s, 1),
        "frames_per_s": round(len(frames) / span_s, 1),
        "frame_ms_median": round(gaps[len(gaps) // 2], 2) if gaps else None,
        "frame_ms_p95": round(gaps[int(len(gaps) * 0.95)], 2) if gaps else None,
        # The model graph's eight thumbnails, per drawn frame (static/view.js thumbnails).
        "thumbs_ms_mean": round(sum(thumbs) / len(thumbs), 3) if thumbs else None,
        "thumbs_ms_p95": round(thumbs[int(len(thumbs) * 0.95)], 3) if thumbs else None,
        "frames_drawn": len(thumbs),
        # How often the views were redrawn (a big model's picture takes several frames).
        "views_per_s": round(len(thumbs) / span_s, 1),
        # Long tasks are those over 50 ms (the observer's own threshold): 0 means none.
        "longest_task_ms": round(longest, 1),
        "epochs": snap["epoch"] - start_epoch, "js_after": snap["js"],
        "diverged": snap["diverged"],
        # The training worker: ms from the first Play until it was up (it loads then;
        # the page trains by itself meanwhile), and the share of the epochs it trained.
        "worker_ready_ms": worker_ready_ms,
        "worker_share": round((snap["worker_epochs"] - start["worker_epochs"])
                              / max(1, snap["epoch"] - start_epoch), 3),
    }


# Every setting at its largest: one epoch is minutes of work in the browser.
LARGEST = "g_layers=6&g_units=128&d_layers=6&d_units=128&batch=2000&k_d=20&k_g=20"


def _largest(page, url: str, seconds: float = 10.0) -> dict:
    """At the largest settings: the longest task while pressing Step both, Play and
    Pause (each should return within a frame or two: the work goes on over frames),
    and whether no step finished after Pause (within the 300 ms looked at)."""
    _ready_ms(page, f"{url}?largest#{LARGEST}")
    page.evaluate(FRAME_HOOK)
    page.click("#step-both")
    page.wait_for_timeout(int(seconds * 500))
    page.click("#play")
    page.wait_for_timeout(int(seconds * 500))
    page.click("#play")         # Pause
    # Read before the snapshots below: snapshot() computes the summary's metrics (a
    # generator pass over 2,500 points, a quarter of a second at these sizes), which
    # is the benchmark's own doing, not the learner's.
    longest = page.evaluate("window.__longest")
    frames = page.evaluate("window.__frames")
    before = json.loads(page.evaluate("window.ganlab.snapshot()"))
    page.wait_for_timeout(300)
    after = json.loads(page.evaluate("window.ganlab.snapshot()"))
    # Reset: a new model of that size, its first picture and KL/JS record.
    page.evaluate("() => { window.__longest = 0; }")
    page.click("#reset")
    page.wait_for_timeout(3000)
    reset_longest = page.evaluate("window.__longest")
    return {"longest_task_ms": round(longest, 1), "reset_longest_task_ms": round(reset_longest, 1),
            "frames_per_s": round(len(frames) / seconds, 1),
            "paused_at_once": before["d_steps"] == after["d_steps"] and not after["playing"],
            "d_steps_done": after["d_steps"]}


# Runs inside Pyodide: the engine and the plain GAN alternately, ROUNDS rounds of
# EPOCHS epochs each (interleaved, so a busy moment on a shared machine hits both),
# and returns the best round of each. The sources are written into Pyodide's file
# system first (ENGINE_JS).
ENGINE_PY = """
import json, sys, time
sys.path.insert(0, "/bench")
import numpy as np
from ganlab.gan import Trainer
from plaingan_speed import PlainGAN

def run(rounds, epochs):
    # "ganlab": training alone, as the plain GAN does (it records nothing);
    # "ganlab_recording": with the history's metrics and snapshots, as the page runs it.
    engine, recording, plain = Trainer({}), Trainer({}), PlainGAN(1)
    engine.record_metrics = False
    for gan in (engine, recording, plain):
        gan.train(50)
    times = {"ganlab": [], "ganlab_recording": [], "plain": []}
    for _ in range(rounds):
        for name, gan in (("ganlab", engine), ("ganlab_recording", recording), ("plain", plain)):
            start = time.perf_counter()
            gan.train(epochs)
            times[name].append(1e3 * (time.perf_counter() - start) / epochs)
    # The random draws of one epoch (reals for each D step, noise for every step),
    # timed as the pools draw them, 4,096 rows at a time.
    s, rng = engine.settings, np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(20):
        engine.sample_real(rng, 4096)
    real = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    for _ in range(20):
        engine._sample_noise_rows(rng, 4096)
    noise = (time.perf_counter() - start) / 20
    n = s["batch"]
    times["random_ms"] = 1e3 * (real * s["k_d"] * n + noise * (s["k_d"] + s["k_g"]) * n) / 4096
    # Each recorded series' share of an epoch, timed record by record as
    # `python -m ganlab bench` does (steadier than the difference of two speeds).
    from ganlab.bench import recording_parts
    times["recording_parts"] = recording_parts(5)
    return times

json.dumps(run(ROUNDS, EPOCHS))
"""

ENGINE_JS = """async ([files, code]) => {
    const { loadPyodide } = await import("./pyodide/pyodide.mjs");
    const py = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
    await py.loadPackage("numpy");
    for (const [path, text] of Object.entries(files)) {
        py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
        py.FS.writeFile(path, text);
    }
    return py.runPython(code);
}"""


def engine_sources() -> dict[str, str]:
    """The engine as the site ships it (dist/ganlab, without the page's ui/) and the
    plain GAN, keyed by their paths in Pyodide's file system."""
    import build
    files = {f"/bench/ganlab/{p.relative_to(build.DIST / 'ganlab').as_posix()}": p.read_text()
             for p in sorted((build.DIST / "ganlab").rglob("*.py")) if "ui" not in p.parts}
    files["/bench/plaingan_speed.py"] = (ROOT / "tools" / "plaingan_speed.py").read_text()
    # Not shipped (command line only), but it runs in Pyodide: its per-record timing.
    files["/bench/ganlab/bench.py"] = (ROOT / "ganlab" / "bench.py").read_text()
    return files


def _engine(page, url: str, rounds: int, epochs: int) -> dict:
    """The engine alone against the plain GAN, in a bare Pyodide loaded from the site
    (a same-origin document: the site's pyscript.toml will do)."""
    page.goto(url + "pyscript.toml")
    code = ENGINE_PY.replace("ROUNDS", str(rounds)).replace("EPOCHS", str(epochs))
    times = json.loads(page.evaluate(ENGINE_JS, [engine_sources(), code]))
    ganlab, plain = min(times["ganlab"]), min(times["plain"])
    recording = min(times["ganlab_recording"])
    return {"ganlab_ms": round(ganlab, 4), "plain_ms": round(plain, 4),
            "ratio": round(ganlab / plain, 3), "epochs_per_s": round(1e3 / ganlab, 0),
            "ganlab_recording_ms": round(recording, 4),
            "recording_cost_percent": round(100 * (1 - ganlab / recording), 1),
            "random_draws_ms": round(times["random_ms"], 4),
            "recording_parts_percent": times["recording_parts"],
            "rounds": rounds, "epochs_per_round": epochs,
            "ganlab_ms_rounds": [round(t, 4) for t in times["ganlab"]],
            "plain_ms_rounds": [round(t, 4) for t in times["plain"]]}


def run(seconds: float = 20.0, sizes: bool = False, engine_only: bool = False,
        rounds: int = 7, epochs: int = 2000) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    server, url = build.serve_in_thread(0)
    out: dict = {} if engine_only else {"seconds": seconds}
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(
                profile, viewport={"width": 1400, "height": 1000}, **LAUNCH)
            page = ctx.new_page()
            out["engine_pyodide"] = _engine(page, url, rounds, epochs)
            if engine_only:
                ctx.close()
                return out
            # Opening as a learner does: the default pre-trained model, its first frame
            # painted before Python is up.
            out["ready_ms_fresh"] = round(_ready_ms(page, url), 0)
            out["first_frame_ms_fresh"] = round(_first_frame_ms(page), 0)
            out["ready_ms_warm"] = round(_ready_ms(page, url), 0)
            out["first_frame_ms_warm"] = round(_first_frame_ms(page), 0)
            _ready_ms(page, f"{url}?defaults{FRESH}")     # GAN Lab's defaults, a new model
            out["defaults"] = _play(page, seconds)
            if sizes:
                for name, query in SIZES.items():
                    _ready_ms(page, f"{url}?{name}#{query}")   # "?": a real navigation
                    out[name] = _play(page, max(5.0, seconds / 4))
                out["largest"] = _largest(page, url)
            ctx.close()
    finally:
        server.shutdown()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/benchpage.py")
    ap.add_argument("--seconds", type=float, default=20.0, help="play time at the defaults")
    ap.add_argument("--sizes", action="store_true", help="also 2x20 and 5x100 networks")
    ap.add_argument("--engine-only", action="store_true",
                    help="only the engine against the plain GAN in the site's Pyodide")
    ap.add_argument("--rounds", type=int, default=7, help="engine rounds (each: both GANs)")
    ap.add_argument("--epochs", type=int, default=2000, help="epochs per engine round")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.seconds, args.sizes, args.engine_only, args.rounds, args.epochs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
