"""What the "Look inside" views cost, under CPython (`python tools/bench_inside.py`).

- the training timeline (the history's replay snapshots, History.snapshots):
  epochs/s at the defaults with and without them (runs alternate, best of 3
  each, so a busy machine disturbs both alike);
- the panel's views, one call each (what the page runs every few frames while the
  panel is open): D's and G's neuron maps at the defaults and at 2x32, the ideal
  discriminator, the gradient field.

In the browser each NumPy call costs ~5-10x its native price: multiply the view
times by about that much for the page. Not shipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ganlab import inside  # noqa: E402
from ganlab.gan import SNAP_EVERY, Trainer  # noqa: E402


def epochs_per_s(snapshots: bool, seconds: float, warm: int = 20) -> float:
    """Epochs/s at the defaults after `warm` epochs, with the history's snapshots (one
    every SNAP_EVERY epochs at first, then ever more rarely) or without (their stride
    out of reach)."""
    t = Trainer()
    if not snapshots:
        t.history.stride["snapshots"] = SNAP_EVERY * 2 ** 40
    t.train(warm)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        t.train(100)
        n += 100
    return n / (time.perf_counter() - start)


def per_call_ms(fn, repeat: int = 50) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return 1e3 * (time.perf_counter() - start) / repeat


def run(seconds: float) -> dict:
    out = {}
    for name, warm in (("snapshots_from_epoch_20", 20), ("snapshots_from_epoch_2000", 2000)):
        on, off = [], []
        for _ in range(3):
            off.append(epochs_per_s(False, seconds / 12, warm))
            on.append(epochs_per_s(True, seconds / 12, warm))
        out[name] = {"without": round(max(off)), "with": round(max(on)),
                     "cost_percent": round(100 * (1 - max(on) / max(off)), 1)}
    for name, cfg in (("defaults", {}), ("2x32", {"d_layers": 2, "d_units": 32,
                                                  "g_layers": 2, "g_units": 32})):
        t = Trainer(cfg)
        t.train(50)
        out[f"neuron_maps_{name}_ms"] = round(per_call_ms(
            lambda: (inside.neuron_maps(t, "d"), inside.neuron_maps(t, "g"))), 3)
        out[f"ideal_{name}_ms"] = round(per_call_ms(lambda: inside.ideal_discriminator(t)), 3)
        out[f"gradient_field_{name}_ms"] = round(per_call_ms(lambda: inside.gradient_field(t)), 3)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/bench_inside.py", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time for the epochs/s runs")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.seconds), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
