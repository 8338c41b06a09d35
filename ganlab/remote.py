"""Training in another interpreter, with the page's copy of the model kept exact.

The page trains in a Web Worker (static/train-worker.js), so that its own thread
only draws. The worker starts from the page's model, sent as a model file
(`start_text`), and trains whole epochs (`Runner.train_for`). After each batch of
epochs it sends an update (`Runner.update`): every number that changed. `apply`
makes the page's copy exactly the worker's model at that epoch, bit for bit.
So Pause, or any control that changes the model, only has to ignore the worker's
later updates: the page's copy is exact, and training carries on from it, in the
worker again or in the page.

An update has two parts:
- `meta`, JSON text: the counts, the last losses, the random generator's state,
  the sample pools' states, the optimisers' step counts, the history's new rows,
  and the names and lengths of the arrays in `raw`;
- `raw`, the float64 bytes of those arrays (both networks' parameters, the
  optimisers' memory, the latest KL/JS fakes), one after the other.
"""
from __future__ import annotations

import json
import time

import numpy as np

from . import modelfile

SERIES = ("losses", "metrics", "quality", "snapshots")


def start_text(t) -> str:
    """What the worker starts from: trainer `t` as a model file (arrays exact)."""
    return modelfile.to_json(t, compact=True)


def _marks(history) -> dict:
    """Per series: how many rows it has, and its stride (a change means it was thinned)."""
    return {s: (len(getattr(history, s)), history.stride[s]) for s in SERIES}


def _arrays(t) -> list:
    """(name, array) of every array of `t` an update carries, in their order."""
    out = [("g_params", t.G.params), ("d_params", t.D.params)]
    for net in ("d", "g"):
        opt = getattr(t, f"opt_{net}")
        out += [(f"opt_{net}.{attr}", getattr(opt, attr)) for attr in opt.memory]
    return out


def _counts(t) -> list:
    return [t.epoch_count, t.d_steps, t.g_steps]


def model_key(t) -> tuple:
    """What tells "the same model, as the last update left it" (see same_model): the
    objects themselves (held, so that a new one can never take a freed one's
    identity) and the numbers that any training or reset changes."""
    return (t, t.settings, t.history, t.points,
            t.generation, t.epoch_count, t.d_steps, t.g_steps, t.epoch_pos)


def same_model(a: tuple, b: tuple) -> bool:
    """Whether two model_key()s name the same model in the same state: the same
    objects (identity) and equal numbers (equality: two equal large ints can be
    different objects)."""
    return all(x is y for x, y in zip(a[:4], b[:4])) and a[4:] == b[4:]


class Runner:
    """The worker's side: a trainer made from the page's model file, trained in batches
    of whole epochs, each batch reported as an update."""

    def __init__(self, text: str):
        self.t = modelfile.from_json(text)
        self.sent = _marks(self.t.history)      # the page has these rows already
        self.fakes_sent = None                  # epoch of the metric fakes last sent

    @property
    def going(self) -> bool:
        """Whether there is more to train (not diverged)."""
        return not self.t.diverged

    def train_for(self, seconds: float, most: int | None = None) -> tuple[str, bytes]:
        """Train whole epochs for about `seconds` (one at least, none once diverged;
        `most` at most); return the update (meta, raw)."""
        t, clock = self.t, time.perf_counter
        base = _counts(t)
        end = clock() + seconds
        done = 0
        while not t.diverged and t.epoch():
            done += 1
            if clock() >= end or done == most:
                break
        return self.update(base)

    def update(self, base: list) -> tuple[str, bytes]:
        """Everything that changed since the last update, which left the model at the
        counts `base` (epochs, D steps, G steps)."""
        t, h = self.t, self.t.history
        history = {}
        for s in SERIES:
            rows, stride = getattr(h, s), h.stride[s]
            n, was = self.sent[s]
            if stride != was or len(rows) < n:      # thinned: all of it, as it is now
                history[s] = {"rows": rows, "stride": stride}
            elif len(rows) > n:
                history[s] = {"rows": rows[n:]}
        self.sent = _marks(h)
        arrays = _arrays(t)
        fakes_epoch = None
        if t.metric_fakes is not None and t.metric_fakes[0] != self.fakes_sent:
            fakes_epoch = self.fakes_sent = t.metric_fakes[0]
            arrays.append(("metric_fakes", t.metric_fakes[1]))
        meta = {
            "base": base, "counts": _counts(t), "epoch_pos": t.epoch_pos,
            "last_d_loss": t.last_d_loss, "last_g_loss": t.last_g_loss,
            "diverged": t.diverged, "rng": t.rng.bit_generator.state,
            "pools": {"real": t._real.to_dict(), "noise": t._noise.to_dict()},
            "opt_t": {net: getattr(getattr(t, f"opt_{net}"), "t", None) for net in ("d", "g")},
            "history": history, "fakes_epoch": fakes_epoch,
            "arrays": [[name, int(a.size)] for name, a in arrays],
        }
        raw = b"".join(np.ascontiguousarray(a, dtype="<f8").tobytes() for _, a in arrays)
        return json.dumps(meta, separators=(",", ":")), raw


def apply(t, meta: str, raw) -> int:
    """Make trainer `t` the worker's model that update (meta, raw) describes; return the
    epochs it gained. ValueError, with `t` untouched, if the update does not continue
    from `t` as it is (the page changed the model meanwhile)."""
    m = json.loads(meta)
    if m["base"] != _counts(t):
        raise ValueError(f"the update continues from {m['base']}, the model is at {_counts(t)}")
    buf = np.frombuffer(raw, dtype="<f8")
    targets = dict(_arrays(t))
    if sum(n for _, n in m["arrays"]) != buf.size or any(
            name != "metric_fakes" and (name not in targets or targets[name].size != n)
            for name, n in m["arrays"]):
        raise ValueError("the update's arrays do not fit the model")
    before = t.epoch_count
    at = 0
    for name, n in m["arrays"]:
        part, at = buf[at:at + n], at + n
        if name == "metric_fakes":
            t.metric_fakes = (m["fakes_epoch"], part.reshape(-1, 2).copy())
        else:
            targets[name][...] = part
    t.epoch_count, t.d_steps, t.g_steps = m["counts"]
    t.epoch_pos = m["epoch_pos"]
    t.last_d_loss, t.last_g_loss = m["last_d_loss"], m["last_g_loss"]
    t.diverged = m["diverged"]
    t.rng.bit_generator.state = m["rng"]
    t._real.defer(m["pools"]["real"])
    t._noise.defer(m["pools"]["noise"])
    for net, steps in m["opt_t"].items():
        if steps is not None:
            getattr(t, f"opt_{net}").t = steps
    h = t.history
    for s, part in m["history"].items():
        rows = getattr(h, s)
        if "stride" in part:
            rows[:] = part["rows"]
            h.stride[s] = part["stride"]
        else:
            rows.extend(part["rows"])
    return t.epoch_count - before
