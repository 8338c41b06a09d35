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
