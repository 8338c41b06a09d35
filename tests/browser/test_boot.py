"""The built site: it boots offline in Chromium, and the build guards what it ships."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import build
from pagekit import wait_until


@pytest.mark.browser
def test_page_gets_ready_offline(page, site_url, open_ready):
    # The page fixture fails the test on console errors and off-origin requests.
    open_ready(page, site_url)
    assert page.evaluate("() => document.body.dataset.state") == "ready"


@pytest.mark.browser
def test_matplotlib_loads_on_demand_from_the_site(page, site_url):
    # Any same-origin document will do: load a bare Pyodide from ./pyodide/ and
    # ask it for matplotlib (and micropip), as figure export will.
    page.goto(site_url + "pyscript.toml")
    version = page.evaluate(
        """async () => {
            const { loadPyodide } = await import("./pyodide/pyodide.mjs");
            const py = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
            await py.loadPackage(["matplotlib", "micropip"]);
            return py.runPython(`
import io, matplotlib, micropip
matplotlib.use("agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1], [1, 0])
buf = io.BytesIO()
fig.savefig(buf, format="png")
assert buf.getvalue()[1:4] == b"PNG"
matplotlib.__version__
`);
        }"""
    )
    assert version == "3.8.4"


def test_build_info_lists_every_shipped_file(site_url):
    info = json.loads((build.DIST / "build-info.json").read_text())
    listed = {**info["vendored"], **info["app"]}
    on_disk = {
        p.relative_to(build.DIST).as_posix()
        for p in build.DIST.rglob("*")
        if p.is_file() and p.name != "build-info.json"
    }
    assert set(listed) == on_disk
    for rel, digest in listed.items():
        assert hashlib.sha256((build.DIST / rel).read_bytes()).hexdigest() == digest, rel
    assert "matplotlib" in info["packages"] and info["startup_packages"] == ["numpy"]


def test_the_runtime_ships_as_bytecode_and_the_lock_names_what_is_shipped(site_url):
    """tools/bytecode.py: the standard library and every wheel ship compiled (no source
    left but what did not compile), made from the verified originals; the shipped lock
    holds the shipped wheels' sha256, which Pyodide checks on load."""
    info = json.loads((build.DIST / "build-info.json").read_text())
    compiled = info["bytecode"]
    original = json.loads((build.PYODIDE_NPM / "pyodide-lock.json").read_text())["packages"]
    shipped_lock = json.loads((build.DIST / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    assert "pyodide/python_stdlib.zip" in compiled
    for name, file_name in info["packages"].items():
        digest = hashlib.sha256((build.DIST / "pyodide" / file_name).read_bytes()).hexdigest()
        assert shipped_lock[name]["sha256"] == digest, name
        assert compiled[f"pyodide/{file_name}"]["from_sha256"] == original[name]["sha256"], name
    for rel, done in compiled.items():
        with zipfile.ZipFile(build.DIST / rel) as archive:
            names = archive.namelist()
        assert sorted(n for n in names if n.endswith(".py")) == sorted(done["kept"]), rel
        assert sum(n.endswith(".pyc") for n in names) == done["compiled"] > 0, rel


@pytest.mark.browser
def test_the_pages_python_loads_the_bytecode_and_tracebacks_keep_their_files_and_lines(page, site_url):
    page.goto(site_url + "pyscript.toml")
    got = json.loads(page.evaluate(
        """async () => {
            const { loadPyodide } = await import("./pyodide/pyodide.mjs");
            const py = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
            await py.loadPackage("numpy");
            return py.runPython(`
import json, traceback, numpy
try:
    json.loads("not json")
except ValueError as err:
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(err.__traceback__)]
json.dumps({"numpy": numpy.__file__, "json": json.__file__, "frames": frames})
`);
        }"""))
    assert got["numpy"] == "/lib/python3.12/site-packages/numpy/__init__.pyc"
    assert got["json"] == "/lib/python312.zip/json/__init__.pyc"
    with zipfile.ZipFile(build.PYODIDE_NPM / "python_stdlib.zip") as archive:
        source = archive.read("json/decoder.py").decode().splitlines()
    # JSONDecoder.raw_decode's raise: the last of the two in the file
    line = 1 + max(i for i, text in enumerate(source) if '("Expecting value", s, err.value)' in text)
    assert got["frames"][-1] == ["/lib/python312.zip/json/decoder.py", line]


def test_the_painter_modules_are_shipped_and_preloaded(site_url):
    """static/paint.js assembles the painter from modules by job; each is shipped and
    hinted in <head>, so the browser fetches them at once, not one import at a time."""
    modules = build.painter_modules()
    assert {"view.js", "charts.js", "input.js"} <= set(modules)
    text = (build.DIST / "index.html").read_text(encoding="utf-8")
    for name in modules:
        assert (build.DIST / "static" / name).is_file(), name
        assert f'<link rel="modulepreload" href="./static/{name}">' in text, name


class _ConfigFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.configs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "py" and "config" in attrs:
            self.configs.append(attrs["config"])


def test_config_is_inlined_as_json(site_url):
    finder = _ConfigFinder()
    finder.feed((build.DIST / "index.html").read_text(encoding="utf-8"))
    assert finder.configs, "no <script type=py config=...> in dist/index.html"
    assert len(set(finder.configs)) == 1, "main-thread scripts must share one config"
    config = json.loads(finder.configs[0])
    assert config["interpreter"] == "./pyodide/pyodide.mjs"
    assert config["packages"] == ["numpy"] and config["packages_cache"] == "passthrough"
    assert "!error" in config["plugins"]
    for url, dest in config["files"].items():
        assert (build.DIST / url).is_file(), url
    shipped = {dest for dest in config["files"].values()}
    assert "ganlab/__init__.py" in shipped
    assert not any(Path(d).name.startswith("bench") or "__pycache__" in d for d in shipped)


def test_index_has_no_urls_to_other_origins(site_url):
    text = (build.DIST / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s"'<>)]*""", text, flags=re.I)
    # XML namespace names (inline SVG) are identifiers, never fetched.
    urls = [u for u in urls if not u.lower().startswith(("http://www.w3.org/", "//www.w3.org/"))]
    assert urls == []


@pytest.mark.parametrize(
    "path, mime",
    [
        ("pyodide/pyodide.asm.wasm", "application/wasm"),
        ("pyodide/pyodide.mjs", "text/javascript"),
        ("pyscript/core.js", "text/javascript"),
        ("pyodide/pyodide-lock.json", "application/json"),
        ("pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl", "application/zip"),
        ("index.html", "text/html"),
    ],
)
def test_server_mime_types(site_url, path, mime):
    with urllib.request.urlopen(site_url + path, timeout=10) as response:
        assert response.headers.get_content_type() == mime


@pytest.fixture
def corrupted_cache(site_url, tmp_path):
    """A copy of the extracted wheels with one byte of the NumPy wheel flipped."""
    wheels = tmp_path / "cache" / "wheels"
    shutil.copytree(build.CACHE / "wheels", wheels)
    victim = wheels / "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    return tmp_path / "cache"


def test_build_rejects_a_corrupted_wheel(corrupted_cache, tmp_path):
    dist = tmp_path / "dist"
    with pytest.raises(build.BuildError, match=r"sha256 mismatch .*numpy-2\.0\.2-cp312.*\.whl"):
        build.build(dist=dist, cache_dir=corrupted_cache)
    assert not dist.exists()
    assert not list(tmp_path.glob(".dist-*")), "the staging folder was left behind"


def test_build_cli_reports_a_corrupted_wheel_in_one_line(corrupted_cache):
    before = (build.DIST / "build-info.json").read_bytes()
    proc = subprocess.run(
        [sys.executable, str(build.ROOT / "build.py"), "--cache-dir", str(corrupted_cache)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("build.py: error: sha256 mismatch"), proc.stderr
    assert (build.DIST / "build-info.json").read_bytes() == before, "a failed build touched dist/"


def test_cli_rejects_bad_arguments_in_one_line():
    proc = subprocess.run(
        [sys.executable, str(build.ROOT / "build.py"), "serve", "--port", "http"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "not a port number" in proc.stderr


@pytest.mark.browser
def test_a_failed_start_shows_the_error_panel(browser, site_url):
    """If Python cannot start the playground (here: a broken module), the page says
    so in its own panel and marks itself "error" instead of loading for ever."""
    context = browser.new_context()
    try:
        context.route("**/ganlab/gan.py", lambda r: r.fulfill(
            status=200, content_type="text/x-python", body="this is not Python (\n"))
        pg = context.new_page()
        pg.goto(site_url)
        wait_until(pg, "() => document.body.dataset.state !== 'loading'", timeout=60000)
        assert pg.evaluate("() => document.body.dataset.state") == "error"
        assert pg.locator("#error-panel").is_visible()
        assert "SyntaxError" in pg.inner_text("#error-text")
        assert pg.locator("#loading").is_hidden()
    finally:
        context.close()
