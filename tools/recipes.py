"""The recipe table: `python tools/recipes.py [--presets a,b] [--seeds 1,2,3] [--plain]`.

For each preset, its recipe (state.RECIPES) trained for the recipe's epochs on each
seed; printed: data set, recipe, seeds, JS (mean of the metric records at every
50th epoch over the last 500 epochs), precision, recall and modes at the end.
With --plain, the independent plain GAN (tools/plaingan.py) on the same seeds
and epochs beside it. About 10 s per 4,000 epochs on a quiet core.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from ganlab import data, metrics  # noqa: E402
from ganlab.gan import Trainer  # noqa: E402
from ganlab.state import PRESETS, RECIPES, recipe  # noqa: E402


def measure(preset: str, seed: int) -> dict:
    r = RECIPES[preset]
    t = Trainer(dict(recipe(preset), preset=preset, seed=seed))
    t.train(r.epochs)
    e = t.epoch_count
    js = np.mean([row[2] for row in t.history.metrics if row[0] >= e - 450 and row[0] % 50 == 0])
    s = t.summary()
    return {"js": float(js), "precision": s["precision"], "recall": s["recall"], "modes": s["modes"]}


def plain(preset: str, seed: int, epochs: int) -> float:
    from tools import plaingan
    real = data.sample(preset, np.random.default_rng(10_000 + seed), 5000)
    h = metrics.histogram(real)
    snaps = plaingan.train(preset, seed, epochs)[-10:]
    return float(np.mean([metrics.js(h, metrics.histogram(f)) for _, f in snaps]))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python tools/recipes.py", description=__doc__.split("\n")[0])
    p.add_argument("--presets", default=",".join(PRESETS))
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--plain", action="store_true", help="also train the plain GAN")
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    print("| data set | recipe | epochs | seed | JS | precision | recall | modes |"
          + (" plain GAN JS |" if args.plain else ""))
    print("|---" * (9 if args.plain else 8) + "|")
    for preset in args.presets.split(","):
        r = RECIPES[preset]
        for seed in seeds:
            m = measure(preset, seed)
            modes = "" if m["modes"] is None else f"{m['modes']['covered']} of {m['modes']['modes']}"
            row = (f"| {preset} | {r.about} | {r.epochs:,} | {seed} | {m['js']:.3f} | "
                   f"{m['precision']:.2f} | {m['recall']:.2f} | {modes} |")
            if args.plain:
                row += f" {plain(preset, seed, r.epochs):.3f} |"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
