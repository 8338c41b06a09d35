"""Training speed and NumPy calls per epoch (`python -m ganlab bench`).

In the browser every NumPy call costs several times its native price, so the
number of calls per epoch decides the page's speed at small network sizes. They
are counted with an ndarray subclass whose __array_ufunc__ / __array_function__
hooks see every ufunc (operators, in-place operators, reductions, matmul) and
every array function (concatenate, clip, ...) and every copy into an array
(`a[...] = b`) the trainer runs. Random draws (made in pools of thousands, so
rare), slicing and attribute access are not counted.
"""
from __future__ import annotations

import os
import time

import numpy as np

from .gan import Trainer

NEW_METRIC_TARGET = 5.0     # % of an epoch precision/recall may cost at the defaults (issue 11)

CONFIGS = {
    "defaults (1x8)": {},
    "2x20": {"g_layers": 2, "g_units": 20, "d_layers": 2, "d_units": 20},
    "5x100": {"g_layers": 5, "g_units": 100, "d_layers": 5, "d_units": 100},
}


class _Counted(np.ndarray):
    calls = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _Counted.calls += 1
        inputs = tuple(x.view(np.ndarray) if isinstance(x, _Counted) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(x.view(np.ndarray) if isinstance(x, _Counted) else x
                                  for x in kwargs["out"])
        out = getattr(ufunc, method)(*inputs, **kwargs)
        return out.view(_Counted) if isinstance(out, np.ndarray) else out

    def __setitem__(self, key, value):     # a copy into an array: a call like any other
        _Counted.calls += 1
        super().__setitem__(key, value)

    def __array_function__(self, func, types, args, kwargs):
        _Counted.calls += 1
        return super().__array_function__(func, (np.ndarray,), _plain(args), _plain(kwargs))


def _plain(x):
    if isinstance(x, _Counted):
        return x.view(np.ndarray)
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def count_calls(settings: dict | None = None, epochs: int = 2000) -> float:
    """NumPy calls per epoch, averaged over `epochs` (pool refills included)."""
    t = Trainer(settings or {})
    for net in (t.G, t.D):
        net.bind(net.params.view(_Counted), net.grad.view(_Counted))
    t.opt_d, t.opt_g = t._optimizer("d"), t._optimizer("g")
    t.train(10)
    _Counted.calls = 0
    t.train(epochs)
    return _Counted.calls / epochs


def time_epochs(settings: dict, seconds: float, record: bool = True) -> dict:
    t = Trainer(settings)
    t.record_metrics = record
    t.train(20)
    n, start = 0, time.perf_counter()
    batch = 10
    while time.perf_counter() - start < seconds:
        t.train(batch)
        n += batch
        batch = min(batch * 2, 2000)
    dt = time.perf_counter() - start
    return {"epochs_per_s": round(n / dt, 1), "ms_per_epoch": round(1e3 * dt / n, 4), "epochs": n}


def recording_cost(seconds: float) -> dict:
    """Epochs/s at the defaults with the metric series recorded (KL/JS every 10
    epochs, precision/recall every 50) and without; runs alternate, best of 3 each,
    so a busy machine disturbs both alike."""
    on, off = [], []
    for _ in range(3):
        on.append(time_epochs({}, seconds / 3)["epochs_per_s"])
        off.append(time_epochs({}, seconds / 3, record=False)["epochs_per_s"])
    with_, without = max(on), max(off)
    return {"with_metrics": with_, "without_metrics": without,
            "cost_percent": round(100 * (1 - with_ / without), 1)}


def recording_parts(repeat: int = 7) -> dict:
    """Each recorded series' share of an epoch at the defaults: the best of `repeat`
    timings of one record, divided by its stride, over the best timing of an epoch
    (steadier on a busy machine than the difference of two epochs/s figures)."""
    import timeit
    from .gan import METRICS_EVERY, QUALITY_EVERY, SNAP_EVERY
    t = Trainer({})
    t.record_metrics = False
    t.train(300)

    def best(fn, number):
        return min(timeit.repeat(fn, number=number, repeat=repeat)) / number
    epoch = best(t.epoch, 200)
    parts = {"kl_js": (t.kl_js, METRICS_EVERY), "precision_recall": (t.precision_recall, QUALITY_EVERY),
             "replay_snapshot": (t.snapshot, SNAP_EVERY)}
    out = {name: round(100 * best(fn, 20) / every / epoch, 1) for name, (fn, every) in parts.items()}
    out["total"] = round(sum(out.values()), 1)
    # The metric issue 11 added (KL/JS was recorded before it, every 50 epochs; its
    # stride of 10, which a 40-epoch oscillation needs, is shown apart above).
    out["new_metric"] = out["precision_recall"]
    return out


def run(seconds: float = 2.0) -> dict:
    out = {name: time_epochs(cfg, seconds) for name, cfg in CONFIGS.items()}
    out["recording"] = recording_cost(2 * seconds)
    out["recording_parts_percent"] = recording_parts()
    out["numpy_calls_per_epoch_defaults"] = round(count_calls(), 1)
    out["numpy"] = np.__version__
    out["blas_threads_env"] = os.environ.get("OPENBLAS_NUM_THREADS")
    return out


def format_table(result: dict) -> str:
    lines = [f"{'configuration':16} {'epochs/s':>10} {'ms/epoch':>10}"]
    for name in CONFIGS:
        r = result[name]
        lines.append(f"{name:16} {r['epochs_per_s']:>10,.0f} {r['ms_per_epoch']:>10.4f}")
    r = result["recording"]
    lines.append(f"defaults: {r['with_metrics']:,.0f} epochs/s recording metrics, "
                 f"{r['without_metrics']:,.0f} without (cost {r['cost_percent']} %)")
    p = result["recording_parts_percent"]
    lines.append(f"recording, share of an epoch at the defaults: KL/JS every 10 epochs {p['kl_js']} %, "
                 f"precision/recall every 50 {p['precision_recall']} %, replay snapshot every 20 "
                 f"{p['replay_snapshot']} %; {p['total']} % in all")
    lines.append(f"the new metric (precision/recall every 50 epochs): {p['new_metric']} % of an epoch "
                 f"(target <= {NEW_METRIC_TARGET:g} %)")
    lines.append(f"NumPy calls per epoch at the defaults: {result['numpy_calls_per_epoch_defaults']}")
    return "\n".join(lines)
