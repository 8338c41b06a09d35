"""The page's first picture (ganlab.ui.firstframe and build.start_data), under CPython:
the recorded painter calls are exactly the ones Python makes for the same model."""
from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path

import numpy as np

from ganlab import modelfile
from ganlab.gan import Trainer
from ganlab.state import BY_NAME
from ganlab.ui import firstframe, overview, paint

ROOT = Path(__file__).resolve().parents[1]


def _array(arg) -> np.ndarray:
    return np.frombuffer(base64.b64decode(arg["f64"]), dtype="<f8")


def test_the_recorder_keeps_calls_in_order_with_arrays_exact():
    r = firstframe.Recorder()
    a = np.array([0.1, -2.5e-300, np.nan, 1 / 3])
    r.frame(a, 7)
    r.setLayout('{"x": 1}')
    assert [c[0] for c in r.calls] == ["frame", "setLayout"]
    np.testing.assert_array_equal(_array(r.calls[0][1][0]), a)
    assert r.calls[0][1][1] == 7 and r.calls[1][1] == ['{"x": 1}']


def test_the_first_frame_is_what_the_painter_gets_from_python():
    t = Trainer({"optimizer_d": "adam"})
    t.train(120)
    flags = paint.FLAGS["heat"] | paint.FLAGS["fake"]
    first = firstframe.first_frame(t, flags)
    names = [c[0] for c in first["calls"]]
    assert names == (["drawTile"] * len(paint.tile_points()) + ["setLayout", "frame"]
                     + ["chartPush"] * len(paint.CHARTS))
    frame = paint.frame_of(t)
    (lay,) = first["calls"][names.index("setLayout")][1]
    assert json.loads(lay) == paint.layout(frame)
    buf, got_flags = first["calls"][names.index("frame")][1]
    np.testing.assert_array_equal(_array(buf), paint.pack(frame))
    assert got_flags == flags
    charts = firstframe.Recorder()
    paint.Charts(charts).update(t.history)
    assert first["calls"][-len(paint.CHARTS):] == charts.calls
    assert [c[1][0] for c in charts.calls] == ["chart-loss", "chart-div", "chart-pr"]
    assert first["text"]["epoch"] == "120"
    assert first["text"]["metrics-now"] == overview.metrics_sentence(t).strip() != ""
    assert first["text"]["ov-g"] == "1×8 ReLU"
    assert first["epoch"] == 120 and first["preset"] == "gaussians"


def test_the_built_page_carries_the_default_pretrained_models_first_frame():
    sys.path.insert(0, str(ROOT))
    try:
        import build
    finally:
        sys.path.remove(str(ROOT))
    source = (ROOT / "index.html").read_text()
    script = build.start_data(source)
    body = re.fullmatch(r'<script type="application/json" id="ganlab-start">(.*)</script>', script, re.S)
    assert body and "</" not in body.group(1)      # nothing can close the script early
    data = json.loads(body.group(1))
    default = BY_NAME["preset"].default
    index = json.loads((ROOT / "static" / "pretrained" / "index.json").read_text())
    assert data["pretrained"][default]["hash"] == index[default]["hash"]
    t = modelfile.load(str(ROOT / "static" / "pretrained" / index[default]["file"]))
    # The layers the page shows at first: its checked boxes.
    shown = set(re.findall(r'id="show-(\w+)"[^>]*\bchecked\b', source))
    assert shown == {"heat", "real", "fake", "grad"}
    assert data["first"] == json.loads(json.dumps(
        firstframe.first_frame(t, sum(paint.FLAGS[k] for k in shown))))
    assert data["first"]["epoch"] == index[default]["epochs"]


def test_the_recorded_first_frame_for_builds_without_numpy_is_current():
    """static/pretrained/first-frame.json (tools/pretrain.py) equals a fresh computation:
    run `python tools/pretrain.py --first-frame` after changing the painter's data."""
    sys.path.insert(0, str(ROOT))
    try:
        import build
    finally:
        sys.path.remove(str(ROOT))
    recorded = json.loads(build.FIRST_FRAME_FILE.read_text())
    assert recorded == build.first_frame((ROOT / "index.html").read_text())


def test_a_build_without_numpy_inlines_the_recorded_first_frame():
    import subprocess
    code = ("import sys\n"
            "class NoNumpy:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'numpy': raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, NoNumpy())\n"
            "import build, pathlib\n"
            "print(build.start_data(pathlib.Path('index.html').read_text()))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    sys.path.insert(0, str(ROOT))
    try:
        import build
    finally:
        sys.path.remove(str(ROOT))
    assert out.stdout.strip() == build.start_data((ROOT / "index.html").read_text())
