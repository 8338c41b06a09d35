"""`python -m ganlab train | sample | figure | gradcheck | bench`, run as a real subprocess.

Every expected mistake must end with exit status 2 and exactly one line on stderr,
"ganlab: error: ...", never a traceback.
"""
from __future__ import annotations

import copy
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ganlab import modelfile
from ganlab.cli import DEFAULT_EPOCHS
from ganlab.gan import Trainer
from ganlab.state import RECIPES, make_settings, recipe

ROOT = Path(__file__).resolve().parents[1]
RESULT_KEYS = {"epochs", "d_loss", "g_loss", "kl", "js", "diverged", "seconds"}


def run(*args, timeout=120, **env_changes):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="default", **env_changes)
    return subprocess.run([sys.executable, "-m", "ganlab", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def assert_usage_error(p, *needles):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("ganlab: error: "), lines[0]
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    pts = d / "points.csv"
    pts.write_text("x,y\n0.2,0.3\n0.25,0.35\n\n0.7,0.8\n0.75,0.7\n", encoding="utf-8")
    bad = d / "bad.csv"
    bad.write_text("x,y\n0.2,0.3\n0.25,abc\n", encoding="utf-8")
    outside = d / "outside.csv"
    outside.write_text("0.2,0.3\n0.5,0.5\n0.25,1.25\n", encoding="utf-8")
    empty = d / "empty.csv"
    empty.write_text("", encoding="utf-8")
    model = d / "model.json"
    p = run("train", "--epochs", 30, "--save", model, "--json")
    assert p.returncode == 0, p.stderr
    return {"dir": d, "points": pts, "bad": bad, "outside": outside, "empty": empty,
            "model": model, "missing": d / "missing.csv"}


# ----- train ------------------------------------------------------------------------------
def test_train_json_last_line():
    p = run("train", "--epochs", 60, "--json", "--preset", "ring", "--lr-d", "0.05")
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    result = json.loads(p.stdout.strip().splitlines()[-1])
    assert RESULT_KEYS <= set(result)
    assert result["epochs"] == 60 and result["diverged"] is False
    assert isinstance(result["seconds"], (int, float)) and result["seconds"] >= 0
    assert 0.0 <= result["js"] <= 1.0
    assert result["settings"]["preset"] == "ring" and result["settings"]["lr_d"] == 0.05
    # The same run in this process gives the same numbers, bit for bit.
    t = Trainer({"preset": "ring", "lr_d": 0.05})
    t.train(60)
    assert (result["d_loss"], result["g_loss"]) == (t.last_d_loss, t.last_g_loss)
    assert (result["kl"], result["js"]) == t.kl_js()


def test_train_plain_output():
    p = run("train", "--epochs", 5)
    assert p.returncode == 0, p.stderr
    keys = [line.split(":")[0] for line in p.stdout.splitlines()]
    assert keys == ["epochs", "d_loss", "g_loss", "kl", "js", "precision", "recall", "modes",
                    "verdict", "diverged", "seconds"]
    assert p.stdout.startswith("epochs: 5\n")


def test_train_optimizer_sets_both():
    p = run("train", "--epochs", 2, "--json", "--optimizer", "adam", "--optimizer-g", "momentum")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout.splitlines()[-1])["settings"]
    assert s["optimizer_d"] == "adam" and s["optimizer_g"] == "momentum"


def test_train_points_file(files):
    p = run("train", "--points", files["points"], "--epochs", 20, "--json")
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout.splitlines()[-1])
    assert result["epochs"] == 20 and result["settings"]["preset"] == "points"
    assert result["modes"] is None
    # --preset points with --points is fine too.
    p = run("train", "--preset", "points", "--points", files["points"], "--epochs", 1, "--json")
    assert p.returncode == 0, p.stderr


def test_train_save_writes_a_loadable_model(files):
    t = modelfile.load(str(files["model"]))
    assert t.epoch_count == 30
    u = Trainer()
    u.train(30)
    np.testing.assert_array_equal(t.G.params, u.G.params)


def test_train_divergence_is_reported_not_raised():
    p = run("train", "--loss", "least_squares", "--lr-d", 10, "--lr-g", 10, "--epochs", 100, "--json")
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout.splitlines()[-1])
    assert result["diverged"] is True and result["epochs"] < 100
    assert "Traceback" not in p.stderr and "Warning" not in p.stderr
    assert "Training stopped" in p.stderr and "D learning rate" in p.stderr


def _train_json(*args):
    p = run("train", "--json", *args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.splitlines()[-1])


@pytest.mark.parametrize("preset", ["ring", "grid"])
def test_train_recommended_applies_the_data_sets_recipe(preset):
    # ring's recipe (adam32) and grid's (adam64) differ; --epochs 0 only builds the model.
    result = _train_json("--preset", preset, "--recommended", "--epochs", 0)
    assert result["epochs"] == 0
    assert result["settings"] == make_settings(dict(recipe(preset), preset=preset))
    assert result["settings"] != make_settings({"preset": preset})


def test_train_recommended_a_flag_given_overrides_the_recipe():
    assert recipe("moons")["lr_g"] != 0.002 and recipe("moons")["g_units"] != 16
    result = _train_json("--preset", "moons", "--recommended", "--lr-g", "0.002",
                         "--g-units", 16, "--epochs", 0)
    assert result["settings"] == make_settings(dict(recipe("moons"), preset="moons", lr_g=0.002,
                                                    g_units=16))
    # Before --recommended too: the order of the flags does not matter.
    again = _train_json("--lr-g", "0.002", "--g-units", 16, "--preset", "moons", "--recommended",
                        "--epochs", 0)
    assert again["settings"] == result["settings"]


def test_train_recommended_trains_the_recipes_epochs_unless_epochs_is_given(tmp_path):
    # The recipe's 4,000 epochs, at batch 1 (not part of any recipe) to take a few seconds.
    assert "batch" not in recipe("gaussians") and RECIPES["gaussians"].epochs == 4000
    model = tmp_path / "model.json"
    result = _train_json("--preset", "gaussians", "--recommended", "--batch", 1, "--save", model)
    assert result["epochs"] == 4000 and result["diverged"] is False
    assert result["settings"] == make_settings(dict(recipe("gaussians"), preset="gaussians",
                                                    batch=1))
    saved = modelfile.load(str(model))
    assert saved.epoch_count == 4000 and saved.settings == result["settings"]
    result = _train_json("--preset", "gaussians", "--recommended", "--epochs", 7)
    assert result["epochs"] == 7 and result["settings"]["lr_d"] == recipe("gaussians")["lr_d"]
    # Without --recommended, the default epochs and settings.
    assert DEFAULT_EPOCHS != 4000
    result = _train_json("--preset", "gaussians", "--epochs", 3)
    assert result["settings"] == make_settings({"preset": "gaussians"})


# ----- sample -----------------------------------------------------------------------------
def _rows(text):
    lines = text.splitlines()
    assert lines[0] == "x,y"
    rows = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    return rows


def test_sample_to_stdout_and_to_file(files):
    p = run("sample", "--model", files["model"], "-n", 250, "--seed", 3)
    assert p.returncode == 0, p.stderr
    rows = _rows(p.stdout)
    assert rows.shape == (250, 2) and np.isfinite(rows).all()
    out = files["dir"] / "samples.csv"
    q = run("sample", "--model", files["model"], "-n", 250, "--seed", 3, "--out", out)
    assert q.returncode == 0 and q.stdout == ""
    assert out.read_text(encoding="utf-8") == p.stdout      # same seed, same points
    r = run("sample", "--model", files["model"], "-n", 10)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 11
    assert _rows(r.stdout).tolist() != rows[:10].tolist()  # another seed


def test_sample_output_trains_back_unchanged(files, tmp_path):
    """`sample` writes x,y in [0, 1] (G's few points outside the square are put on its
    edge), so `train --points` reads its output; the points read back are the ones written."""
    from ganlab import data
    model = tmp_path / "wide.json"
    t = Trainer({"seed": 4})
    t.G.b[-1][:] = [1.1, -0.2]          # most fakes outside the square
    modelfile.save(t, str(model))
    out = tmp_path / "fakes.csv"
    p = run("sample", "--model", model, "-n", 400, "--out", out)
    assert p.returncode == 0, p.stderr
    rows = data.read_csv(str(out))
    assert rows.shape == (400, 2) and rows.min() >= 0 and rows.max() <= 1
    assert (rows[:, 0] == 1.0).any() and (rows[:, 1] == 0.0).any()      # clamped, not dropped
    assert data.parse_csv(data.to_csv(rows)).tolist() == rows.tolist()  # exact round trip
    q = run("train", "--points", out, "--epochs", 5, "--json")
    assert q.returncode == 0, q.stderr


def test_sample_of_a_blown_up_model_exits_2(tmp_path):
    """Huge weights (finite in the file) give infinite points: nothing to write."""
    model = tmp_path / "huge.json"
    modelfile.save(Trainer({"seed": 4}), str(model))
    d = json.loads(model.read_text())
    d["g_params"] = [1e308] * len(d["g_params"])
    model.write_text(json.dumps(d))
    assert_usage_error(run("sample", "--model", model, "-n", 10), "not finite")


# ----- figure -------------------------------------------------------------------------------
matplotlib_installed = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import matplotlib"], capture_output=True).returncode != 0,
    reason="matplotlib is not installed (pip install -e '.[figures]')")


@matplotlib_installed
@pytest.mark.parametrize("ext, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_figure_writes_each_format(files, ext, magic):
    out = files["dir"] / f"figure.{ext}"
    p = run("figure", "--model", files["model"], "--out", out, "--layers",
            "heat,real,fake,manifold,grad,pred", "--dpi", 100)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(magic)
    assert "Traceback" not in p.stderr


@matplotlib_installed
def test_figure_png_size_follows_dpi(files):
    from PIL import Image
    out = files["dir"] / "small.png"
    assert run("figure", "--model", files["model"], "--out", out, "--dpi", 50).returncode == 0
    assert Image.open(out).size == (500, 320)
    assert run("figure", "--model", files["model"], "--out", out).returncode == 0
    assert Image.open(out).size == (1500, 960)


@matplotlib_installed
def test_figure_animate_writes_a_replay_gif(files):
    from PIL import Image
    out = files["dir"] / "replay.gif"
    p = run("figure", "--model", files["model"], "--animate", out)
    assert p.returncode == 0, p.stderr
    gif = Image.open(out)
    assert gif.format == "GIF" and gif.n_frames == 2     # epochs 0 and 20 of a 30-epoch model


def test_figure_without_matplotlib_says_how_to_install_it(files, tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None; from ganlab.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", code, "figure", "--model", str(files["model"]),
                        "--out", str(tmp_path / "f.png")], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=60)
    line = assert_usage_error(p, "matplotlib", "pip install")
    assert "[figures]" in line
    assert not (tmp_path / "f.png").exists()


# ----- gradcheck and bench -----------------------------------------------------------------
def test_gradcheck_exits_0():
    p = run("gradcheck")
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().splitlines()[-1].endswith(": ok")


def test_gradcheck_json():
    p = run("gradcheck", "--json")
    assert p.returncode == 0
    result = json.loads(p.stdout)
    assert result["ok"] is True and result["tolerance"] == 1e-6
    assert result["worst"] == max(result["items"].values()) < 1e-6
    assert len(result["items"]) == 35


def test_bench_json_keys():
    # One BLAS thread: a spinning BLAS thread pool crawls when the 2 cores are busy.
    p = run("bench", "--json", "--seconds", 0.2, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    for name in ("defaults (1x8)", "2x20", "5x100"):
        assert set(result[name]) == {"epochs_per_s", "ms_per_epoch", "epochs"}
        assert result[name]["epochs"] > 0
    assert result["numpy_calls_per_epoch_defaults"] > 0
    assert result["numpy"] == np.__version__
    parts = result["recording_parts_percent"]
    assert parts["new_metric"] == parts["precision_recall"] > 0
    assert parts["total"] == pytest.approx(parts["kl_js"] + parts["precision_recall"]
                                           + parts["replay_snapshot"], abs=0.11)


def test_bench_table_prints_the_new_metrics_cost_against_its_target():
    p = run("bench", "--seconds", 0.2, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    assert p.returncode == 0, p.stderr
    assert re.search(r"the new metric \(precision/recall every 50 epochs\): [0-9.]+ % of an "
                     r"epoch \(target <= 5 %\)", p.stdout), p.stdout


# ----- mistakes: exit 2, one line, no traceback ----------------------------------------------
BAD_ARGS = {
    "bad setting value": (["train", "--lr-d", "abc"],
                          ["D learning rate (lr_d) must be a number between 1e-05 and 10, got 'abc'"]),
    "bad int setting": (["train", "--k-d", "1.5"], ["D steps per epoch (k_D) must be a whole number"]),
    "bad choice": (["train", "--loss", "l1"], ["Loss must be one of"]),
    "bad --optimizer": (["train", "--optimizer", "rmsprop"], ["rmsprop"]),
    "unknown flag": (["train", "--colour", "red"], ["--colour"]),
    "unknown command": (["fly"], ["fly"]),
    "no command": ([], []),
    "epochs -1": (["train", "--epochs", "-1"], ["--epochs"]),
    "epochs text": (["train", "--epochs", "many"], ["--epochs"]),
    "n 0": (["sample", "--model", "{model}", "-n", "0"], ["-n"]),
    "sample without model": (["sample"], ["--model"]),
    "preset and points": (["train", "--preset", "ring", "--points", "{points}"],
                          ["--preset", "--points"]),
    "preset points without file": (["train", "--preset", "points"], ["--points"]),
    "missing csv": (["train", "--points", "{missing}"], ["missing.csv", "cannot read"]),
    "csv bad value": (["train", "--points", "{bad}"], ["bad.csv", "line 3", "'abc' is not a number"]),
    "csv value outside": (["train", "--points", "{outside}"], ["line 3", "outside [0, 1]"]),
    "csv empty": (["train", "--points", "{empty}"], ["empty.csv", "no data rows"]),
    "missing model": (["sample", "--model", "{dir}/nope.json"], ["nope.json", "cannot read"]),
    "sample out unwritable": (["sample", "--model", "{model}", "--out", "{dir}/no/such/dir/x.csv"],
                              ["cannot write"]),
    "save unwritable": (["train", "--epochs", "1", "--save", "{dir}/no/such/dir/m.json"],
                        ["cannot write", "does not exist"]),
    "bench seconds text": (["bench", "--seconds", "soon"], ["--seconds"]),
    "figure without out": (["figure", "--model", "{model}"], ["--out"]),
    "figure without model": (["figure", "--out", "{dir}/f.png"], ["--model"]),
    "figure bad format": (["figure", "--model", "{model}", "--out", "{dir}/f.gif"],
                          ["f.gif", ".png, .svg or .pdf"]),
    "figure no extension": (["figure", "--model", "{model}", "--out", "{dir}/figure"],
                            [".png, .svg or .pdf"]),
    "figure bad layer": (["figure", "--model", "{model}", "--out", "{dir}/f.png", "--layers",
                          "heat,dots"], ["unknown layer 'dots'", "heat, real, fake"]),
    "figure empty layers": (["figure", "--model", "{model}", "--out", "{dir}/f.png", "--layers",
                             ","], ["--layers"]),
    "figure dpi low": (["figure", "--model", "{model}", "--out", "{dir}/f.png", "--dpi", "10"],
                       ["--dpi", "between 50 and 600"]),
    "figure dpi text": (["figure", "--model", "{model}", "--out", "{dir}/f.png", "--dpi", "high"],
                        ["--dpi"]),
    "figure missing model": (["figure", "--model", "{dir}/nope.json", "--out", "{dir}/f.png"],
                             ["nope.json", "cannot read"]),
    "figure out unwritable": (["figure", "--model", "{model}", "--out", "{dir}/no/dir/f.png"],
                              ["cannot write", "does not exist"]),
    "figure from a csv": (["figure", "--model", "{points}", "--out", "{dir}/f.png"],
                          ["points.csv"]),
    "animate not a gif": (["figure", "--model", "{model}", "--animate", "{dir}/f.mp4"],
                          ["f.mp4", ".gif"]),
    "animate unwritable": (["figure", "--model", "{model}", "--animate", "{dir}/no/dir/f.gif"],
                           ["cannot write"]),
}


@pytest.mark.parametrize("name", BAD_ARGS)
def test_bad_input_exits_2_with_one_line(name, files):
    args, needles = BAD_ARGS[name]
    args = [a.format(**files) for a in args]
    assert_usage_error(run(*args), *needles)


@pytest.mark.parametrize("seconds", ["0", "-1"])
def test_bench_non_positive_seconds_is_a_usage_error(seconds):
    assert_usage_error(run("bench", "--seconds", seconds), "--seconds")


def _model_variants(good):
    def edit(f):
        d = copy.deepcopy(good)
        f(d)
        return json.dumps(d)
    text = json.dumps(good)
    first = json.dumps(good["g_params"][0])
    return {
        "not json": ("this is not JSON {", "not valid JSON"),
        "truncated": (text[: len(text) // 2], "not valid JSON"),
        "wrong format": (edit(lambda d: d.update(format="pickle")), "not a ganlab model file"),
        "wrong version": (edit(lambda d: d.update(version=99)), "unsupported model file version 99"),
        "missing field": (edit(lambda d: d.pop("d_params")), "missing field 'd_params'"),
        "wrong param count": (edit(lambda d: d["g_params"].pop()), "expected"),
        "NaN literal": (text.replace('"g_params": [' + first, '"g_params": [NaN', 1),
                        "it contains NaN, which is not a number JSON allows"),
        "null param": (text.replace('"g_params": [' + first, '"g_params": [null', 1),
                       "'g_params' must be a list of finite numbers"),
        "unknown setting": (edit(lambda d: d["settings"].update(speed=3)), "unknown setting(s) speed"),
        "bad setting value": (edit(lambda d: d["settings"].update(batch=0)),
                              "Batch size must be a whole number between 1 and 2000, got 0"),
        "empty file": ("", "not valid JSON"),
    }


@pytest.fixture(scope="module")
def good_model(files):
    return json.loads(files["model"].read_text(encoding="utf-8"))


@pytest.mark.parametrize("variant", ["not json", "truncated", "wrong format", "wrong version",
                                     "missing field", "wrong param count", "NaN literal",
                                     "null param", "unknown setting", "bad setting value",
                                     "empty file"])
def test_bad_model_file_exits_2_with_one_line(variant, files, good_model):
    text, needle = _model_variants(good_model)[variant]
    path = files["dir"] / f"model-{variant.replace(' ', '-')}.json"
    path.write_text(text, encoding="utf-8")
    line = assert_usage_error(run("sample", "--model", path), needle)
    assert str(path) in line


def test_model_with_negative_rng_state_exits_2(files, good_model):
    d = copy.deepcopy(good_model)
    d["rng"]["state"]["state"] = -1
    path = files["dir"] / "model-bad-rng.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    assert_usage_error(run("sample", "--model", path))


def test_long_runs_print_progress_lines_on_stderr(monkeypatch, capsys):
    """A clock that moves 1.5 s per reading makes every 200-epoch chunk 'long'."""
    from ganlab import cli
    ticks = iter(range(10_000))
    monkeypatch.setattr(cli.time, "perf_counter", lambda: 1.5 * next(ticks))
    assert cli.main(["train", "--epochs", "600", "--json"]) == 0
    out, err = capsys.readouterr()
    progress = [line for line in err.splitlines() if line.startswith("epoch ")]
    assert [p.split()[1] for p in progress] == ["200/600", "400/600", "600/600"]
    assert all("JS " in p for p in progress)
    assert json.loads(out.splitlines()[-1])["epochs"] == 600


# ----- nothing lost, no traceback, whatever the input ----------------------------------------
def test_a_diverging_run_never_truncates_an_existing_model(tmp_path):
    """The data-loss bug: `--save m.json` on a run that diverges emptied m.json."""
    model = tmp_path / "m.json"
    assert run("train", "--epochs", 50, "--save", model).returncode == 0
    before = model.read_bytes()
    p = run("train", "--loss", "least_squares", "--lr-d", 10, "--lr-g", 10, "--epochs", 200,
            "--save", model)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.splitlines()[-1].startswith(f"ganlab: error: not saved to {model}: "
                                                "the model has diverged")
    assert model.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize("args", [
    ["train", "--epochs", "30000", "--save", "{dir}/nodir/m.json"],
    ["train", "--epochs", "30000", "--save", "{dir}"],
    ["sample", "--model", "{model}", "-n", "1000000", "--out", "{dir}/nodir/x.csv"],
])
def test_unwritable_targets_are_refused_before_any_work(args, files):
    p = run(*[a.format(**files) for a in args])
    line = assert_usage_error(p, "cannot write")
    assert p.stdout == "" and "epoch " not in p.stderr      # nothing was trained first
    assert "nodir" in line or "it is a folder" in line


def test_a_model_with_a_huge_integer_exits_2(files, good_model):
    path = files["dir"] / "model-huge-int.json"
    path.write_text(json.dumps(dict(good_model, epoch=1)).replace('"epoch": 1', '"epoch": ' + "9" * 5000))
    assert_usage_error(run("sample", "--model", path), "more than 4,300 digits")


def test_a_deeply_nested_model_exits_2(files):
    path = files["dir"] / "model-deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000)
    assert_usage_error(run("sample", "--model", path), "nested 10000 levels deep")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("flag", ["--points", "--model"])
def test_endless_devices_as_input_exit_2(device, flag, files):
    args = ["train", "--points", device] if flag == "--points" else ["sample", "--model", device]
    assert_usage_error(run(*args), f"cannot read {device}")


def test_a_closed_stdout_ends_quietly(files):
    p = subprocess.Popen([sys.executable, "-m", "ganlab", "sample", "--model", str(files["model"]),
                          "-n", "200000"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    p.stdout.close()                    # as `| head -0` does
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 141
    assert err == ""


def _in_pythons_own_start_up(err: str) -> bool:
    """Whether a Ctrl-C's traceback lies wholly in Python's start-up (frozen modules
    only, no file of ours)."""
    if "init_import_site" in err:
        return True
    frames = [line for line in err.splitlines() if line.strip().startswith("File ")]
    return (err.rstrip().endswith("KeyboardInterrupt") and bool(frames)
            and all('"<frozen ' in line for line in frames))


@pytest.mark.parametrize("delay", [0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.6])
def test_ctrl_c_at_any_moment_gives_no_traceback(delay):
    """From the moment our code runs. A Ctrl-C that lands while Python itself is still
    starting (its `site` module, or runpy finding ganlab/__main__.py, before any line
    of ours: on a busy machine that can take longer than `delay`) is outside our
    code: that launch is tried again."""
    import signal
    import time
    for _ in range(5):
        p = subprocess.Popen([sys.executable, "-m", "ganlab", "train", "--epochs", "100000"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        if not _in_pythons_own_start_up(err.decode()):
            break
    else:
        pytest.skip("every Ctrl-C landed in Python's own start-up (a very busy machine)")
    assert "Traceback" not in err.decode(), err.decode()
    assert p.returncode in (130, -signal.SIGINT)     # -SIGINT: before Python set its handler
    if p.returncode == 130:
        assert err.decode().splitlines()[-1] == "ganlab: interrupted"


@pytest.mark.parametrize("args, needle", [
    (["train", "--lr-d", "0_1"], "D learning rate (lr_d) must be a number between"),
    (["train", "--lr-d", "\u0660.\u0661"], "D learning rate (lr_d) must be a number between"),
    (["train", "--epochs", "1_000"], "--epochs must be a whole number"),
    (["train", "--epochs", "\u0661\u0660"], "--epochs must be a whole number"),
    (["sample", "--model", "m.json", "-n", "1_0"], "-n must be a whole number"),
    (["bench", "--seconds", "0_5"], "--seconds must be a number"),
])
def test_numbers_are_plain_decimal_only(args, needle):
    assert_usage_error(run(*args), needle)


def test_a_semicolon_csv_says_it_wants_commas(tmp_path):
    f = tmp_path / "semi.csv"
    f.write_text("x;y\n0.1;0.2\n0.3;0.4\n")
    assert_usage_error(run("train", "--points", f), "line 1: expected comma-separated x,y")
