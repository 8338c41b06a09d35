"""Python's standard library and the shipped wheels, as bytecode (for build.py).

Why: Pyodide's `python_stdlib.zip` and its wheels (NumPy; matplotlib and its
dependencies for the Figure export) hold `.py` sources only, so
every page load compiled each module it imported: about 1.4 s of a ~4.5 s start on
the reference machine (cProfile in the page: `compile` was the largest single cost
of importing NumPy and the app). Compiled once at build time, the page only loads
them. `python tools/startab.py` measures the start against an earlier build.

How: the archives are verified against their sha256 first (build.py), unpacked,
compiled by the very interpreter the page runs (Pyodide under Node:
tools/bytecode.mjs), and packed again with each `x.py` replaced by its `x.pyc`
(hash-based and unchecked, so the interpreter uses it without a source beside it;
sourceless modules are a standard CPython feature). A file that does not compile is
kept as source. A wheel's RECORD is rewritten to list the new files; the shipped
`pyodide-lock.json` gets the new wheels' sha256 (Pyodide checks it on load).

What changes for a learner: nothing but the start. Tracebacks still name the same
files and lines; they cannot quote the library's source lines (ganlab's own modules
stay source). The archives grow (about +1.6 MB for the standard library, +0.5 MB for
NumPy), fetched once and cached by the browser; the compile time is paid on every load.

Results are cached in `cache_dir`/bytecode, keyed by the archive's sha256, this
file, tools/bytecode.mjs and the Pyodide version, so a rebuild does not compile again.
Standard library only.
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "bytecode.mjs"


class BytecodeError(Exception):
    """Compiling failed; the message is one line saying why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record_hash(data: bytes) -> str:
    """A wheel RECORD's hash field (PEP 376/427: urlsafe base64, no padding)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _repack(src: Path, unpacked: Path, dest: Path) -> int:
    """Write `dest`: `src`'s entries in their order, each `x.py` that has an `x.pyc`
    in `unpacked` replaced by it. Returns how many were replaced."""
    replaced = 0
    new_record: dict[str, tuple[str, int]] = {}   # path -> (hash field, size)
    record_info = None
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED,
                                                      compresslevel=9) as zout:
        for info in zin.infolist():
            if info.filename.endswith(".dist-info/RECORD"):
                record_info = info      # written last, once every file's hash is known
                continue
            compiled = unpacked / (info.filename + "c")
            if info.filename.endswith(".py") and compiled.is_file():
                data = compiled.read_bytes()
                out = zipfile.ZipInfo(info.filename + "c", date_time=info.date_time)
                out.external_attr = info.external_attr
                out.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(out, data)
                new_record[info.filename] = (info.filename + "c", _record_hash(data), len(data))
                replaced += 1
            else:
                zout.writestr(info, zin.read(info), compress_type=info.compress_type)
        if record_info is not None:
            lines = []
            for line in zin.read(record_info).decode("utf-8").splitlines():
                path = line.split(",", 1)[0]
                if path in new_record:
                    name, digest, size = new_record[path]
                    line = f"{name},{digest},{size}"
                lines.append(line)
            zout.writestr(record_info, "\n".join(lines) + "\n",
                          compress_type=record_info.compress_type)
    return replaced


def _run_node(jobs: list[dict], pyodide_dir: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        raise BytecodeError("node not found: install Node.js 20+ (Debian: apt-get install -y nodejs)")
    proc = subprocess.run([node, str(SCRIPT), str(pyodide_dir)], input=json.dumps(jobs),
                          capture_output=True, text=True, timeout=900)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BytecodeError(f"compiling the standard library to bytecode failed: {last}")
    return json.loads(lines[-1])


def compile_archives(archives: dict[str, tuple[Path, str]], pyodide_dir: Path,
                     version: str, cache_dir: Path) -> dict[str, dict]:
    """Bytecode versions of `archives` (shipped name -> (verified archive, the folder
    its files are unpacked to at run time)), compiled with the Pyodide in
    `pyodide_dir` (of `version`). Returns shipped name -> {"path": the compiled
    archive (in `cache_dir`), "compiled": modules compiled, "kept": ones left as
    source, "from_sha256": the source archive's sha256}."""
    salt = _sha256(Path(__file__).read_bytes() + SCRIPT.read_bytes() + version.encode())
    result: dict[str, dict] = {}
    todo: list[tuple[str, Path, str, Path]] = []
    for name, (src, prefix) in archives.items():
        origin = _sha256(src.read_bytes())
        key = _sha256(f"{origin} {prefix} {salt}".encode())[:32]
        target = cache_dir / "bytecode" / key / name
        summary = target.with_name(name + ".json")
        if target.is_file() and summary.is_file():
            result[name] = {**json.loads(summary.read_text()), "path": target}
        else:
            todo.append((name, src, prefix, target))
            result[name] = {"from_sha256": origin}
    if not todo:
        return result
    with tempfile.TemporaryDirectory(prefix="ganlab-bytecode-") as tmp:
        folders = []
        for i, (name, src, prefix, _) in enumerate(todo):
            folder = Path(tmp) / str(i)
            with zipfile.ZipFile(src) as archive:
                archive.extractall(folder)
            folders.append(folder)
        answers = _run_node([{"dir": str(f), "prefix": p} for f, (_, _, p, _) in zip(folders, todo)],
                            pyodide_dir)
        for folder, (name, src, prefix, target), answer in zip(folders, todo, answers):
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            replaced = _repack(src, folder, partial)
            if replaced != answer["compiled"]:
                raise BytecodeError(f"{name}: {answer['compiled']} modules compiled but "
                                    f"{replaced} replaced in the archive")
            partial.replace(target)
            summary = {"from_sha256": result[name]["from_sha256"], "compiled": answer["compiled"],
                       "kept": answer["kept"]}
            target.with_name(name + ".json").write_text(json.dumps(summary) + "\n")
            result[name] = {**summary, "path": target}
    return result
