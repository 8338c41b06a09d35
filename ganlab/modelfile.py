"""Model files: a trainer saved as JSON text, and loaded back to continue exactly.

A model file holds everything needed to go on where the trainer stopped: the
settings, both networks' parameters, both optimisers' memory, the random
generator's state and the sample pools in use, the counters, the history (with the
snapshots that replay the training) and the point set. JSON only (no pickle:
loading a file never runs code from it). Fields a model file does not have are
ignored (a "timeline" key of early development builds among them).

Loading checks every field before anything changes, so a broken or hostile file
gives one `ModelFileError` in plain words and the caller keeps what it had:
wrong types, numbers out of range, non-finite values, structures nested deeper
than a model file ever is (MAX_DEPTH; deeper nesting could exhaust the browser's
stack), integers too long to read, files larger than MAX_BYTES.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re

import numpy as np

from . import files
from .data import DataError
from .gan import (METRICS_EVERY, QUALITY_EVERY, SNAP_EVERY, SNAP_FAKES, SNAP_RES, History,
                  Trainer)
from .state import BY_NAME, SettingsError

FORMAT = "ganlab-model"
VERSION = 1
MAX_BYTES = 50 * files.MB
MAX_DEPTH = 32            # a model file nests 5 levels deep; JSON parsers recurse per level
MAX_COUNT = 2 ** 53       # epochs and steps: exact in a float, and more than anyone trains
MAX_STRIDE = 2 ** 40
DIVERGED = ("This model was saved after its training had diverged (so it says): "
            "press Reset to start a new model from its settings.")


class ModelFileError(ValueError):
    """A model file that cannot be saved or loaded, with the reason in plain words."""


# ----- saving ---------------------------------------------------------------------------------
def to_dict(t: Trainer) -> dict:
    """Everything needed to continue exactly where trainer `t` is."""
    t.settle()         # a pending epoch-0 record belongs in the file's history
    rng, real, noise = t.draws()    # mid-step: as that step began (Trainer.draws)
    return {
        "format": FORMAT, "version": VERSION,
        "settings": dict(t.settings),
        "points": None if t.points is None else t.points.tolist(),
        "epoch": t.epoch_count, "epoch_pos": t.epoch_pos,
        "d_steps": t.d_steps, "g_steps": t.g_steps,
        "last_d_loss": t.last_d_loss, "last_g_loss": t.last_g_loss,
        "g_params": t.G.params.tolist(), "d_params": t.D.params.tolist(),
        "opt_d": t.opt_d.state(), "opt_g": t.opt_g.state(),
        "rng": rng,
        "pools": {"real": real, "noise": noise},
        "history": t.history.to_dict(),
        "diverged": t.diverged,
    }


# The fields that hold long arrays of parameters (or optimiser memory): a compact file
# writes each as {"float64": base64 of its little-endian bytes}, exact and about half
# the size of decimal text (the page's pre-trained models are stored this way).
ARRAYS = (("g_params",), ("d_params",), ("opt_d", "m"), ("opt_d", "v"), ("opt_g", "m"),
          ("opt_g", "v"))
COMPACT = "float64"


def to_json(t: Trainer, compact: bool = False) -> str:
    """The model as JSON text; `compact`: long arrays as base64 (see ARRAYS).
    ModelFileError for a diverged model (nothing worth keeping)."""
    if t.diverged:
        raise ModelFileError("the model has diverged: Reset (or lower the learning rates "
                             "and Reset) before saving")
    d = to_dict(t)
    if compact:
        for path in ARRAYS:
            _swap(d, path, lambda values: {COMPACT: base64.b64encode(
                np.asarray(values, dtype="<f8").tobytes()).decode("ascii")})
    try:
        return json.dumps(d, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise ModelFileError("the model has diverged (some of its numbers are infinite "
                             "or NaN): Reset before saving") from None


def save(t: Trainer, path: str) -> None:
    """Write the model to `path`; an existing file is replaced only by a complete new one."""
    text = to_json(t)               # refuses a diverged model before the file is touched
    try:
        files.write_text(path, text)
    except files.FileProblem as err:
        raise ModelFileError(str(err)) from None


# ----- loading --------------------------------------------------------------------------------
def load(path: str) -> Trainer:
    """Read a model file; ModelFileError (naming the file) if it cannot be used."""
    try:
        text = files.read_text(path, MAX_BYTES, "a model file")
    except files.FileProblem as err:
        raise ModelFileError(str(err)) from None
    try:
        return from_json(text)
    except ModelFileError as err:
        raise ModelFileError(f"{path}: {err}") from None


def from_json(text: str) -> Trainer:
    """Rebuild a trainer from model-file text; ModelFileError says what is wrong."""
    if len(text) > MAX_BYTES:
        raise ModelFileError(f"the file is larger than {MAX_BYTES // files.MB} MB")
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ModelFileError(f"not a ganlab model file: it is nested {depth} levels deep "
                             f"(a model file has at most {MAX_DEPTH})")
    try:
        d = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise ModelFileError(f"not a ganlab model file: it is not valid JSON "
                             f"(line {err.lineno}, column {err.colno}: {err.msg.lower()})") from None
    except RecursionError:
        raise ModelFileError("not a ganlab model file: it is nested too deeply") from None
    except ModelFileError:
        raise
    except ValueError as err:   # e.g. an integer longer than Python reads (4,300 digits)
        if "digits" in str(err):
            raise ModelFileError("not a ganlab model file: it holds a whole number with "
                                 "more than 4,300 digits") from None
        raise ModelFileError(f"not a ganlab model file: {err}") from None
    return from_dict(d)


def from_dict(d) -> Trainer:
    """Rebuild a trainer from a parsed model file, checking every field first."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ModelFileError(f"not a ganlab model file (expected \"format\": \"{FORMAT}\")")
    if type(d.get("version")) is not int or d["version"] != VERSION:
        raise ModelFileError(f"unsupported model file version {_short(d.get('version'))} "
                             f"(this ganlab reads version {VERSION})")
    try:
        # Compact arrays decoded into copies: the caller's dict stays as it was.
        d = {k: dict(v) if k in ("opt_d", "opt_g") and isinstance(v, dict) else v
             for k, v in d.items()}
        for path in ARRAYS:
            _swap(d, path, lambda v, name=".".join(path): _decoded(v, name))
        settings = d["settings"]
        if not isinstance(settings, dict):
            raise ModelFileError("'settings' must be an object")
        unknown = sorted(str(k) for k in set(settings) - set(BY_NAME))
        if unknown:
            raise ModelFileError(f"unknown setting(s) {_clip(', '.join(unknown))}")
        t = Trainer(settings, d.get("points"), record=False)   # the file's history follows
        t.G.set_params(_finite(d["g_params"], "g_params"))
        t.D.set_params(_finite(d["d_params"], "d_params"))
        for net in ("d", "g"):
            st = _object(d[f"opt_{net}"], f"opt_{net}")
            kind = t.settings[f"optimizer_{net}"]
            if st.get("kind") != kind:
                raise ModelFileError(f"opt_{net} is for {_short(st.get('kind'))}, but "
                                     f"optimizer_{net} is {kind!r}")
            getattr(t, f"opt_{net}").load(st)
        pools = _object(d["pools"], "pools")
        for name, pool in (("real", t._real), ("noise", t._noise)):
            saved = pools[name]
            if saved is not None:
                saved = _object(saved, f"pools.{name}")
                _check_rng(saved.get("state"), f"pools.{name}.state")
            pool.load(t.rng, saved)
        t.rng.bit_generator.state = _check_rng(d["rng"], "rng")
        t.epoch_count, t.d_steps, t.g_steps = (_count(d[k], k) for k in ("epoch", "d_steps", "g_steps"))
        # Steps of an unfinished epoch already done (files from before it was stored: 0).
        t.epoch_pos = _count(d.get("epoch_pos", 0), "epoch_pos",
                             max(0, t.settings["k_d"] + t.settings["k_g"] - 1))
        t.last_d_loss = _opt_float(d["last_d_loss"], "last_d_loss")
        t.last_g_loss = _opt_float(d["last_g_loss"], "last_g_loss")
        t.history = _history(d["history"], t.epoch_count)
        t.record_pending = False    # the file's history is the record
        t.metric_fakes = None   # made by the fresh model's record, not by the loaded one
        # The reason is ours to word: a file's own text is not shown to the learner.
        t.diverged = None if d.get("diverged") is None else DIVERGED
    except ModelFileError:
        raise
    except KeyError as err:
        raise ModelFileError(f"missing field {_short(err.args[0])}") from None
    except (SettingsError, DataError) as err:
        raise ModelFileError(str(err)) from None
    except (TypeError, ValueError, AttributeError, IndexError, OverflowError) as err:
        raise ModelFileError(f"malformed model file: {_clip(str(err), 200)}") from None
    return t


# ----- checks, one per kind of field -----------------------------------------------------------
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r'[^\[\]{}]+')


def nesting_depth(text: str) -> int:
    """How deeply the brackets of JSON text nest ("[[1]]" -> 2), strings ignored.

    Counted without parsing (a parser recurses once per level, and in the browser a
    few thousand levels exhaust the stack): strip the strings, keep the brackets,
    and take the running sum of +1 per opening and -1 per closing bracket, in
    chunks so a 50 MB file needs little memory.
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text)).encode("ascii")
    deepest, level = 0, 0
    for start in range(0, len(brackets), 1 << 20):
        chunk = np.frombuffer(brackets, np.uint8, count=min(1 << 20, len(brackets) - start),
                              offset=start)
        steps = np.where((chunk == ord("[")) | (chunk == ord("{")), 1, -1).astype(np.int32)
        running = np.cumsum(steps, dtype=np.int64) + level
        deepest = max(deepest, int(running.max()))
        level = int(running[-1])
    return deepest


def _no_constant(name: str):
    raise ModelFileError(f"not a ganlab model file: it contains {name}, which is not a "
                         "number JSON allows")


def _clip(text: str, limit: int = 60) -> str:
    """Text for a message, cut to `limit` characters."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _short(value) -> str:
    """A value for a message: its repr, cut to 60 characters."""
    return _clip(repr(value))


def _object(v, name: str) -> dict:
    if not isinstance(v, dict):
        raise ModelFileError(f"'{name}' must be an object")
    return v


def _swap(d: dict, path: tuple, change) -> None:
    """Replace the field at `path` (e.g. ("opt_d", "m")) by change(value), if it is there."""
    *outer, last = path
    for key in outer:
        d = d.get(key) if isinstance(d, dict) else None
    if isinstance(d, dict) and last in d:
        d[last] = change(d[last])


def _decoded(value, name: str):
    """A compact array ({"float64": base64}) as a list of floats; anything else as it is
    (the checks of each field then apply alike to both spellings)."""
    if not isinstance(value, dict):
        return value
    text = value.get(COMPACT)
    if set(value) != {COMPACT} or not isinstance(text, str):
        raise ModelFileError(f"'{name}' must be a list of numbers or {{\"{COMPACT}\": base64 text}}")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ModelFileError(f"'{name}' is not valid base64 text") from None
    if len(raw) % 8:
        raise ModelFileError(f"'{name}' holds {len(raw)} bytes, not a whole number of "
                             "8-byte floats")
    return np.frombuffer(raw, dtype="<f8").astype(float).tolist()


# What JSON numbers load as. (bool is a subclass of int, but its type is not in here.)
# The checks below look at types with set(map(type, ...)), which runs in C: a shipped
# model file holds some 26,000 numbers, and a Python test per number cost the page's
# start a tenth of a second.
_NUMBER = frozenset((int, float))
_NUMBER_OR_NULL = frozenset((int, float, type(None)))


def _number(v) -> bool:
    """A number (a float or whole number, not a bool), as _opt_float takes it."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _finite(values, name: str) -> np.ndarray:
    # The type set is the fast path (JSON gives exactly int and float); anything else
    # (a NumPy scalar in a dict made in memory) is tested one by one, as before.
    if not isinstance(values, list) or not (set(map(type, values)) <= _NUMBER
                                            or all(map(_number, values))):
        raise ModelFileError(f"'{name}' must be a list of finite numbers")
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or not np.isfinite(arr).all():
        raise ModelFileError(f"'{name}' must be a list of finite numbers")
    return arr


def _count(v, name: str, hi: int = MAX_COUNT) -> int:
    if type(v) is not int or not 0 <= v <= hi:
        raise ModelFileError(f"'{name}' must be a whole number from 0 to {hi:,}")
    return v


def _opt_float(v, name: str):
    if v is None:
        return None
    if not _number(v) or not math.isfinite(v):
        raise ModelFileError(f"'{name}' must be a finite number or null, got {_short(v)}")
    return float(v)


def _check_rng(state, name: str) -> dict:
    """A PCG64 generator state with every number in its range (NumPy would truncate a
    float, or fail deep inside on a huge integer)."""
    ok = (isinstance(state, dict) and state.get("bit_generator") == "PCG64"
          and isinstance(state.get("state"), dict) and set(state["state"]) == {"state", "inc"}
          and all(type(state["state"][k]) is int and 0 <= state["state"][k] < 2 ** 128
                  for k in ("state", "inc"))
          and state.get("has_uint32") in (0, 1) and type(state.get("has_uint32")) is int
          and type(state.get("uinteger")) is int and 0 <= state["uinteger"] < 2 ** 32)
    if not ok:
        raise ModelFileError(f"'{name}' is not a valid random generator state")
    return state


def _power_of_two(v: int) -> bool:
    return v > 0 and v & (v - 1) == 0


# Each series: the base strides History may have used (metrics: every 50 epochs in
# files saved before KL/JS was recorded every 10), and whether files may lack it.
SERIES = (("losses", (1,), False), ("metrics", (METRICS_EVERY, 50), False),
          ("quality", (QUALITY_EVERY,), True))


def _history(h, epochs: int) -> History:
    """The loss and metric series, checked: strides as History makes them (losses
    every 2^k epochs, metrics every METRICS_EVERY * 2^k, quality (precision and
    recall) every QUALITY_EVERY * 2^k), rows [epoch, a, b] with epochs rising, on
    the stride, and not past the model's epoch. A file without 'quality' (saved
    before it existed) loads with that series empty."""
    h = _object(h, "history")
    stride = _object(h["stride"], "history.stride")
    out = History()
    for series, bases, optional in SERIES:
        if optional and series not in h and series not in stride:
            continue
        s = _count(stride[series], f"history.stride.{series}", MAX_STRIDE)
        if not any(s % base == 0 and _power_of_two(s // base) for base in bases):
            raise ModelFileError(f"'history.stride.{series}' must be "
                                 f"{' or '.join(map(str, bases))} times a power of 2")
        rows = h[series]
        if not isinstance(rows, list) or len(rows) >= History.CAP:
            raise ModelFileError(f"'history.{series}' must be a list of fewer than "
                                 f"{History.CAP} rows")
        setattr(out, series, _rows(rows, series, s, epochs))
        out.stride[series] = s
    if "snapshots" in h or "snapshots" in stride:
        out.snapshots, out.stride["snapshots"] = _snapshots(h.get("snapshots"),
                                                            stride.get("snapshots"), epochs)
    return out


def _rows(rows: list, series: str, stride: int, epochs: int) -> list:
    """A series' rows [epoch, a, b], checked: whole-number epochs from 0 to `epochs`,
    rising, each a multiple of `stride`; a and b finite numbers or null. The same
    checks as _count and _opt_float on each value, made column by column."""
    if not all(type(row) is list and len(row) == 3 for row in rows):
        raise ModelFileError(f"'history.{series}' rows must be [epoch, value, value]")
    if not rows:
        return []
    e, a, b = zip(*rows)
    if not set(map(type, e)) <= {int} or not 0 <= min(e) <= max(e) <= epochs:
        raise ModelFileError(f"'history.{series} epoch' must be a whole number from 0 to "
                             f"{epochs:,}")
    ee = np.array(e, dtype=np.int64)
    if (np.diff(ee) <= 0).any() or (ee % stride).any():
        raise ModelFileError(f"'history.{series}' epochs must rise, each a multiple "
                             f"of its stride {stride}")
    for col in (a, b):
        # The fast path (see _finite): plain numbers or null, the floats finite. Anything
        # else is checked value by value by _opt_float, which says what is wrong.
        if not (set(map(type, col)) <= _NUMBER_OR_NULL
                and np.isfinite([v for v in col if type(v) is float]).all()):
            for v in col:
                _opt_float(v, f"history.{series}")
    # Integers become floats, as _opt_float makes them (one too big for a float raises
    # OverflowError there as here); null stays None.
    return [[ei, None if ai is None else float(ai), None if bi is None else float(bi)]
            for ei, ai, bi in rows]


def _snapshots(rows, stride, epochs: int) -> tuple[list, int]:
    """The training replay's snapshots (a file saved before they existed has none):
    stride SNAP_EVERY * 2^k, fewer than SNAP_CAP rows [epoch, fakes, heatmap] with the
    sizes History makes, finite numbers, D(x) in [0, 1]."""
    s = _count(stride, "history.stride.snapshots", MAX_STRIDE)
    if not (s % SNAP_EVERY == 0 and _power_of_two(s // SNAP_EVERY)):
        raise ModelFileError(f"'history.stride.snapshots' must be {SNAP_EVERY} times a power of 2")
    cap = History.CAPS["snapshots"]
    if not isinstance(rows, list) or len(rows) >= cap:
        raise ModelFileError(f"'history.snapshots' must be a list of fewer than {cap} rows")
    clean, last = [], -1
    for row in rows:
        if not isinstance(row, list) or len(row) != 3:
            raise ModelFileError("'history.snapshots' rows must be [epoch, fakes, heatmap]")
        e = _count(row[0], "history.snapshots epoch", epochs)
        if e <= last or e % s:
            raise ModelFileError(f"'history.snapshots' epochs must rise, each a multiple of "
                                 f"its stride {s}")
        last = e
        fake = _finite(row[1], "history.snapshots fakes")
        heat = _finite(row[2], "history.snapshots heatmap")
        if len(fake) != 2 * SNAP_FAKES or len(heat) != SNAP_RES ** 2:
            raise ModelFileError(f"'history.snapshots' rows hold {2 * SNAP_FAKES} fake "
                                 f"coordinates and {SNAP_RES ** 2} heatmap values")
        if heat.min() < 0 or heat.max() > 1:
            raise ModelFileError("'history.snapshots' heatmap values must be between 0 and 1")
        clean.append([e, fake.tolist(), heat.tolist()])
    return clean, s

