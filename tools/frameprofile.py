"""Where a playing frame's time goes, in the real page: `python tools/frameprofile.py`.

Builds the site, copies it to a temporary folder and adds timers to that copy only
(the shipped files are untouched): around the training of each frame
(`Loop._train`), each part of `App.render` (the view's arrays, the painter call,
the charts, the readout sentence, the loss nodes, the "Look inside" panel) and the
readouts. Then it plays the page in headless Chromium at the defaults for
`--seconds` (after a second of warming up, and at full speed once the training
worker is up: it then trains, and this page only draws), and prints, per animation frame,
milliseconds in each part, and the frame rate and epochs per second. What is left
of a frame beyond these is the browser's own work (layout, painting the canvases,
compositing), which in headless Chromium on this machine is done in software.

`--inside` opens the "Look inside" panel first; `--reduce-motion` plays it as a
browser that prefers reduced motion does (the model graph's edges stand still);
`--settings` takes the page's address hash. It also prints each busy thread's CPU
time per frame from Chrome's trace: on a shared machine whose speed changes from
minute to minute, that (with `--per-frame 10`, a fixed workload) is the figure to
compare two builds by. A developer tool, not shipped.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.benchpage import _warm_worker  # noqa: E402
from tools.chromium import LAUNCH, wait_ready  # noqa: E402

PROF_MODULE = "import collections\nPROF = collections.defaultdict(float)\n"
RENDER_PARTS = {        # the line in App.render -> the name its time is kept under
    "fr = paint.frame_of(t)": "view arrays (fields.frame)",
    "self.painter.draw(fr, self.flags)": "painter (view, thumbnails)",
    "self.lessons.render(fr)": "lessons",
    "self.graph.show_losses(t.last_d_loss, t.last_g_loss)": "loss nodes",
    "self.charts.update(t.history)": "charts",
    "self._metrics_text()": "readout sentence",
    "self.inside.render()": "look inside",
}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if old not in text:     # the page's code moved on: say where, rather than time nothing
        raise SystemExit(f"frameprofile: {path.name} no longer has {old.strip()!r}")
    path.write_text(text.replace(old, new, 1))


def timed_copy(dist: Path, to: Path) -> None:
    """A copy of the built site at `to` whose loop and render keep their timings in
    window.ganlabProf (JSON: seconds per part, and counts of ticks and epochs)."""
    shutil.copytree(dist, to)
    ui = to / "ganlab" / "ui"
    (ui / "_prof.py").write_text(PROF_MODULE)
    _replace(to / "index.html", '"./ganlab/ui/app.py":"ganlab/ui/app.py",',
             '"./ganlab/ui/app.py":"ganlab/ui/app.py","./ganlab/ui/_prof.py":"ganlab/ui/_prof.py",')
    app = ui / "app.py"
    _replace(app, "from .. import modelfile", "import time as _T\nfrom ._prof import PROF\nfrom .. import modelfile")
    for line, name in RENDER_PARTS.items():
        _replace(app, f"        {line}\n",
                 f"        _c = _T.perf_counter(); {line}; PROF[{name!r}] += _T.perf_counter() - _c\n")
    loop = ui / "loop.py"
    _replace(loop, "from pyscript.ffi import create_proxy", "from pyscript.ffi import create_proxy\nfrom ._prof import PROF")
    _replace(loop, "                epochs = self._train()\n",
             "                _c = time.perf_counter(); epochs = self._train(); "
             "PROF['training'] += time.perf_counter() - _c; PROF['epochs'] += epochs\n")
    _replace(loop, "            self._readouts()\n",
             "            _c = time.perf_counter(); self._readouts(); PROF['readouts'] += time.perf_counter() - _c\n"
             "            PROF['ticks'] += 1\n            window.ganlabProf = __import__('json').dumps(PROF)\n")


def thread_ms(trace: Path) -> dict:
    """CPU time per animation frame of each busy thread in a Chrome trace (its tasks'
    thread time, `tdur`): unlike wall time, it does not grow when the machine is busy
    with something else, so two builds compare fairly on a noisy machine."""
    events = json.loads(trace.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    busy: dict[str, float] = {}
    frames = 0
    for e in events:
        thread = names.get((e.get("pid"), e.get("tid")), "?")
        if e.get("ph") != "X":
            continue
        if e.get("name") == "ThreadControllerImpl::RunTask" and "tdur" in e:
            busy[thread] = busy.get(thread, 0.0) + e["tdur"] / 1e3
        elif e.get("name") == "FireAnimationFrame" and thread == "CrRendererMain":
            frames += 1
    top = sorted(busy.items(), key=lambda kv: -kv[1])[:4]
    return {"frames": frames, **{name: round(ms / max(frames, 1), 2) for name, ms in top}}


def run(seconds: float, inside: bool, reduce_motion: bool = False, settings: str = "seed=1",
        per_frame: int = 0) -> dict:
    import build
    from playwright.sync_api import sync_playwright

    build.build()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        timed_copy(build.DIST, site)
        server, url = build.serve_in_thread(0, site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(**LAUNCH)
                page = browser.new_page(viewport={"width": 1440, "height": 900},
                                        reduced_motion="reduce" if reduce_motion else "no-preference")
                page.goto(f"{url}index.html#{settings}")     # default: GAN Lab's defaults, a new model
                wait_ready(page)
                if inside:
                    page.click("#inside-toggle")
                if per_frame:
                    page.select_option("#speed", str(per_frame))
                if not per_frame:
                    _warm_worker(page)      # full speed trains in the worker: have it up
                page.click("#play")
                page.wait_for_timeout(1000)
                start = json.loads(page.evaluate("window.ganlabProf"))
                trace = Path(tmp) / "trace.json"
                browser.start_tracing(page=page, path=str(trace), categories=["toplevel", "devtools.timeline"])
                page.wait_for_timeout(int(seconds * 1000))
                browser.stop_tracing()
                end = json.loads(page.evaluate("window.ganlabProf"))
                page.click("#play")
                browser.close()
            threads = thread_ms(trace)
        finally:
            server.shutdown()
    d = {k: end[k] - start.get(k, 0.0) for k in end}
    ticks = d.pop("ticks")
    epochs = d.pop("epochs")
    parts = {k: round(1e3 * v / ticks, 3) for k, v in sorted(d.items(), key=lambda kv: -kv[1])}
    frame = 1e3 * seconds / ticks
    return {"seconds": seconds, "settings": settings, "inside_open": inside,
            "reduced_motion": reduce_motion, "frames_per_s": round(ticks / seconds, 1),
            "epochs_per_s": round(epochs / seconds), "frame_ms": round(frame, 2),
            "ms_per_frame": parts,
            "browser_ms_per_frame": round(frame - sum(parts.values()), 2),
            "thread_cpu_ms_per_frame": threads}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--inside", action="store_true", help="open the Look inside panel first")
    ap.add_argument("--reduce-motion", action="store_true",
                    help="as a browser that prefers reduced motion (the graph's edges stand still)")
    ap.add_argument("--per-frame", type=int, default=0, choices=(0, 1, 10, 100),
                    help="epochs per frame, as the speed control sets them (0: as fast as possible); "
                         "a fixed number makes the threads' CPU time per frame comparable between builds")
    ap.add_argument("--settings", default="seed=1",
                    help="the page's address hash (default seed=1: GAN Lab's defaults, a new model)")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.seconds, args.inside, args.reduce_motion, args.settings, args.per_frame),
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
