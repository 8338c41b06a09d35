"""Pre-trained models for the page: `python tools/pretrain.py` (a few minutes).

For every preset: its recipe (state.RECIPES), seed 1, the recipe's epochs, trained
by the engine under CPython (deterministic: the same file every run), saved as a
model file in static/pretrained/<preset>.json, and recorded in
static/pretrained/index.json with what was measured at the end: JS (the last
metric record, and the mean of the last 10 records at every 50th epoch, as
tests/test_training.py measures), precision, recall and the modes.

No model at GAN Lab's defaults: on gaussians they do not learn reliably (mean JS
after 4,000 epochs .52, .85, .60 for seeds 1-3 against the recipe's .36, .33, .45;
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
SEED = 1


def mean_js(t: Trainer) -> float:
    e = t.epoch_count
    rows = [r[2] for r in t.history.metrics if r[0] >= e - 450 and r[0] % 50 == 0]
    return sum(rows) / len(rows)


def pretrain(preset: str) -> dict:
    r = RECIPES[preset]
    t = Trainer(dict(recipe(preset), preset=preset, seed=SEED))
    assert t.train(r.epochs) == r.epochs, t.diverged
    text = modelfile.to_json(t)
    (OUT / f"{preset}.json").write_text(text, encoding="utf-8")
    s = t.summary()
    return {"file": f"{preset}.json", "preset": preset, "recipe": r.about, "seed": SEED,
            "epochs": t.epoch_count, "hash": to_query(t.settings),
            "js": s["js"], "js_mean_last_10": round(mean_js(t), 4),
            "precision": s["precision"], "recall": s["recall"], "modes": s["modes"],
            "verdict": s["verdict"], "bytes": len(text.encode())}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python tools/pretrain.py", description=__doc__.split("\n")[0])
    p.add_argument("presets", nargs="*", default=list(PRESETS))
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    index_path = OUT / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    for preset in args.presets:
        index[preset] = entry = pretrain(preset)
        print(json.dumps(entry), flush=True)
    index = {k: index[k] for k in PRESETS if k in index}
    index_path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
