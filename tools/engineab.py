"""The engine's time per epoch in Pyodide, this checkout against an earlier commit's:
`python tools/engineab.py --before REV`.

Runs the site's own Pyodide and NumPy (dist/pyodide, from `python build.py`) under
Node, with two copies of the engine side by side: this checkout's `ganlab/` and
commit REV's, imported under another name. Both train at the defaults without
recording the history, in alternating rounds of `--epochs` epochs (`--rounds` of
each), so a busy moment of a shared machine hits both; short rounds and their best
and 10th-percentile times are steadier than one long run. Prints, as JSON, ms per
epoch (best, 10th percentile, median) of each, their ratios, and whether the two
engines ended with the same parameters, bit for bit. A developer tool, not shipped.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NODE_SCRIPT = r"""
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
const py = await loadPyodide({ indexURL: "%(pyodide)s/" });
await py.loadPackage("numpy", { messageCallback: () => {} });
py.FS.mkdirTree("/ab");
py.mountNodeFS("/ab", "%(tree)s");
console.log(py.runPython(`%(code)s`));
"""

CODE = r"""
import json, sys, time
sys.path.insert(0, "/ab")
import numpy as np
from ganlab_before.gan import Trainer as Before
from ganlab.gan import Trainer as Now
gans = {"before": Before({}), "now": Now({})}
for t in gans.values():
    t.record_metrics = False
    t.train(200)
times = {name: [] for name in gans}
clock = time.perf_counter
for _ in range(%(rounds)d):
    for name, t in gans.items():
        start = clock()
        t.train(%(epochs)d)
        times[name].append(1e3 * (clock() - start) / %(epochs)d)
out = {}
for name, v in times.items():
    v.sort()
    out[name] = {"best": round(v[0], 4), "p10": round(v[len(v) // 10], 4),
                 "median": round(v[len(v) // 2], 4)}
out["ratio_now_to_before"] = {k: round(out["now"][k] / out["before"][k], 3)
                              for k in ("best", "p10", "median")}
b, n = gans["before"], gans["now"]
out["same_parameters"] = bool(np.array_equal(b.D.params, n.D.params)
                              and np.array_equal(b.G.params, n.G.params))
json.dumps(out)
"""


def run(before: str, rounds: int, epochs: int) -> dict:
    pyodide = ROOT / "dist" / "pyodide"
    if not (pyodide / "pyodide.mjs").exists():
        raise SystemExit("no dist/pyodide: run `python build.py` first")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        shutil.copytree(ROOT / "ganlab", tree / "ganlab",
                        ignore=shutil.ignore_patterns("__pycache__", "ui"))
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", before, "ganlab"],
                                 check=True, capture_output=True).stdout
        old = tree / "old"
        old.mkdir()
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        shutil.move(str(old / "ganlab"), str(tree / "ganlab_before"))
        shutil.rmtree(tree / "ganlab_before" / "ui", ignore_errors=True)
        script = tree / "ab.mjs"
        code = CODE % {"rounds": rounds, "epochs": epochs}
        script.write_text(NODE_SCRIPT % {"pyodide": pyodide.as_posix(), "tree": tree.as_posix(),
                                         "code": code.replace("\\", "\\\\").replace("`", "\\`")})
        done = subprocess.run(["node", str(script)], check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(before_commit=before, rounds=rounds, epochs_per_round=epochs)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/engineab.py", description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="the commit to compare with (e.g. HEAD~1)")
    ap.add_argument("--rounds", type=int, default=300, help="rounds of each engine")
    ap.add_argument("--epochs", type=int, default=40, help="epochs per round")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.before, args.rounds, args.epochs), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
