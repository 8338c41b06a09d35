"""tools/: the developer tools run as the README says, and share the browser tests' Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_page_benchmark_starts_as_the_readme_says_and_launches_the_shared_chromium():
    out = subprocess.run([sys.executable, "tools/benchpage.py", "--help"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python tools/benchpage.py")
    assert "python tools/benchpage.py --seconds 20 --sizes" in (ROOT / "README.md").read_text()
    from tools import benchpage, chromium
    assert benchpage.LAUNCH is chromium.LAUNCH
    assert chromium.LAUNCH["executable_path"] == "/usr/bin/chromium"
    conftest = (ROOT / "tests" / "browser" / "conftest.py").read_text()
    assert "from tools.chromium import" in conftest and "--no-sandbox" not in conftest


def test_the_plain_reference_gan_trains():
    """tools/plaingan_speed.py, the yardstick of the page benchmark: its losses stay
    finite and its fakes move toward the data (their mean log-density under the data's
    two gaussians rises)."""
    import numpy as np
    from tools.plaingan_speed import CENTRES, SPREADS, PlainGAN

    def log_density(p):
        dens = [np.exp(-0.5 * (((p - c) / s) ** 2).sum(axis=1)) / (2 * np.pi * s.prod())
                for c, s in zip(CENTRES, SPREADS)]
        return float(np.log(0.5 * dens[0] + 0.5 * dens[1] + 1e-300).mean())

    gan = PlainGAN(seed=1)
    before = log_density(gan.sample(3000))
    gan.train(1500)
    assert np.isfinite([gan.d_loss, gan.g_loss]).all()
    assert 0.3 < gan.d_loss < 3 and 0.1 < gan.g_loss < 5
    assert log_density(gan.sample(3000)) > before + 2
    out = subprocess.run([sys.executable, "tools/plaingan_speed.py", "--epochs", "50"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0 and '"ms_per_epoch"' in out.stdout, out.stderr


def test_the_frame_profile_times_a_copy_of_the_built_site_and_leaves_it_alone(tmp_path):
    """tools/frameprofile.py adds its timers to a copy of dist/: every part of a frame
    it names is still in the page's code (else it stops and says which), and the
    built site itself keeps no timer."""
    import build
    from tools import frameprofile
    build.build()
    frameprofile.timed_copy(build.DIST, tmp_path / "site")
    app = (tmp_path / "site" / "ganlab" / "ui" / "app.py").read_text()
    assert app.count("PROF[") == len(frameprofile.RENDER_PARTS)
    loop = (tmp_path / "site" / "ganlab" / "ui" / "loop.py").read_text()
    assert "PROF['training']" in loop and "window.ganlabProf" in loop
    assert '"./ganlab/ui/_prof.py"' in (tmp_path / "site" / "index.html").read_text()
    assert "PROF" not in (build.DIST / "ganlab" / "ui" / "app.py").read_text()
    assert not (build.DIST / "ganlab" / "ui" / "_prof.py").exists()


def test_the_frame_profile_reads_each_threads_cpu_time_per_frame_from_a_trace(tmp_path):
    """thread_ms: the tasks' thread time (tdur, in microseconds) per animation frame,
    by thread name, busiest first; wall time (dur) is not what it reads."""
    import json
    from tools.frameprofile import thread_ms
    meta = [{"ph": "M", "name": "thread_name", "pid": 1, "tid": t, "args": {"name": n}}
            for t, n in ((1, "CrRendererMain"), (2, "VizCompositorThread"))]
    task = lambda tid, tdur: {"ph": "X", "name": "ThreadControllerImpl::RunTask",  # noqa: E731
                              "pid": 1, "tid": tid, "dur": 10 * tdur, "tdur": tdur}
    frame = {"ph": "X", "name": "FireAnimationFrame", "pid": 1, "tid": 1, "dur": 5}
    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps({"traceEvents": meta + [task(1, 3000), task(1, 5000), task(2, 1000),
                                                        frame, frame]}))
    assert thread_ms(trace) == {"frames": 2, "CrRendererMain": 4.0, "VizCompositorThread": 0.5}


def test_the_engine_ab_runs_two_engines_in_the_sites_pyodide():
    """tools/engineab.py: against this very commit, the two copies of the engine run
    side by side in the site's Pyodide under Node and end with the same parameters."""
    from tools import engineab
    out = engineab.run("HEAD", rounds=3, epochs=5)
    assert out["same_parameters"] is True
    assert out["before"]["best"] > 0 and out["now"]["best"] > 0
    assert set(out["ratio_now_to_before"]) == {"best", "p10", "median"}
    assert "python tools/engineab.py --before" in (ROOT / "README.md").read_text()
