"""Pre-trained models for the page: `python tools/pretrain.py` (a few minutes).

For every preset: its recipe (state.RECIPES) for the recipe's epochs, trained by
the engine under CPython with seeds 1-4 (deterministic: the same files every run);
the run whose fakes best both look real and cover the data (the higher of the
four min(precision, recall), then the lower JS) is saved as a model file in
static/pretrained/<preset>.json (arrays as base64, history thinned to 512 rows a
series) and recorded in static/pretrained/index.json with what was measured at
the end: the seed, JS (the last metric record, and the mean of the last 10
records at every 50th epoch, as tests/test_training.py measures), precision,
recall, the modes, and every seed's figures. Last, the page's first frame (see
build.first_frame) goes to static/pretrained/first-frame.json for builds without NumPy;
`python tools/pretrain.py --first-frame` writes only that.

No model at GAN Lab's defaults: on gaussians they do not learn reliably (mean JS
after 4,000 epochs .52, .85, .60 for seeds 1-3 against the recipe's .26, .24, .27;
seed 1 covers 27 % of the data), so the page's pre-trained gaussians model is the
recipe's. build.py ships static/ whole, so these files reach dist/.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ganlab import modelfile  # noqa: E402
from ganlab.gan import Trainer  # noqa: E402
from ganlab.state import PRESETS, RECIPES, recipe, to_query  # noqa: E402

OUT = ROOT / "static" / "pretrained"
SEEDS = (1, 2, 3, 4)
HISTORY_ROWS = 512


def mean_js(t: Trainer) -> float:
    e = t.epoch_count
    rows = [r[2] for r in t.history.metrics if r[0] >= e - 450 and r[0] % 50 == 0]
    return sum(rows) / len(rows)


def score(s: dict) -> tuple:
    """Which run a learner should meet first: the one whose fakes both look real and
    cover the data (the smaller of precision and recall), then the lower JS."""
    return (min(s["precision"], s["recall"]), -s["js"])


def train(preset: str, seed: int) -> tuple[Trainer, dict]:
    r = RECIPES[preset]
    t = Trainer(dict(recipe(preset), preset=preset, seed=seed))
    assert t.train(r.epochs) == r.epochs, t.diverged
    s = t.summary()
    figures = {"seed": seed, "js": round(s["js"], 4), "js_mean_last_10": round(mean_js(t), 4),
               "precision": s["precision"], "recall": s["recall"], "modes": s["modes"],
               "verdict": s["verdict"]}
    return t, figures


def shipped(t: Trainer) -> str:
    """The model file as shipped: small, with the history at most HISTORY_ROWS rows a
    series (coarser strides, as a longer run would have) and the arrays as base64 (exact)."""
    t.history.thin(HISTORY_ROWS)
    return modelfile.to_json(t, compact=True)


def pretrain(preset: str) -> dict:
    """Train `preset`'s recipe once per seed in SEEDS, keep the best run (see `score`)."""
    runs = [train(preset, seed) for seed in SEEDS]
    t, best = max(runs, key=lambda run: score(run[1]))
    text = shipped(t)
    (OUT / f"{preset}.json").write_text(text, encoding="utf-8")
    return {"file": f"{preset}.json", "preset": preset, "recipe": RECIPES[preset].about,
            "epochs": t.epoch_count, "hash": to_query(t.settings), **best,
            "bytes": len(text.encode()),
            "seeds_tried": [{k: f[k] for k in ("seed", "js", "precision", "recall")}
                            for _, f in runs]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python tools/pretrain.py", description=__doc__.split("\n")[0])
    p.add_argument("presets", nargs="*", default=list(PRESETS))
    p.add_argument("--first-frame", action="store_true", help="only write the first frame")
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    index_path = OUT / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    for preset in [] if args.first_frame else args.presets:
        index[preset] = entry = pretrain(preset)
        print(json.dumps(entry), flush=True)
    index = {k: index[k] for k in PRESETS if k in index}
    index_path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    # The page's first frame, for builds whose Python has no NumPy.
    import build
    first = build.first_frame((ROOT / "index.html").read_text(encoding="utf-8"))
    build.FIRST_FRAME_FILE.write_text(json.dumps(first, separators=(",", ":")) + "\n",
                                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
