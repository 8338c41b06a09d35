"""tools/bytecode.py: the standard library and the wheels shipped as bytecode, compiled
by the page's own Python (Pyodide under Node). The browser side (the page really loads
the bytecode; tracebacks keep their files and lines) is in tests/browser/test_boot.py."""
from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from tools import bytecode

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "node_modules" / "pyodide"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel(path: Path, files: dict[str, bytes]) -> None:
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files.items())
    record += "pkg-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
        z.writestr("pkg-1.0.dist-info/RECORD", record)


def test_repacking_swaps_each_compiled_source_for_its_bytecode_and_rewrites_the_record(tmp_path):
    files = {"pkg/__init__.py": b"X = 1\n", "pkg/broken.py": b"def (:\n", "pkg/data.txt": b"keep"}
    _wheel(tmp_path / "in.whl", files)
    unpacked = tmp_path / "unpacked"
    (unpacked / "pkg").mkdir(parents=True)
    (unpacked / "pkg" / "__init__.pyc").write_bytes(b"fake bytecode")   # broken.py: none
    replaced = bytecode._repack(tmp_path / "in.whl", unpacked, tmp_path / "out.whl")
    assert replaced == 1
    with zipfile.ZipFile(tmp_path / "out.whl") as z:
        names = z.namelist()
        assert names == ["pkg/__init__.pyc", "pkg/broken.py", "pkg/data.txt", "pkg-1.0.dist-info/RECORD"]
        assert z.read("pkg/__init__.pyc") == b"fake bytecode"
        assert z.read("pkg/broken.py") == files["pkg/broken.py"]
        record = z.read("pkg-1.0.dist-info/RECORD").decode().splitlines()
    assert record[0] == f"pkg/__init__.pyc,{_record_hash(b'fake bytecode')},13"
    assert record[1] == f"pkg/broken.py,{_record_hash(files['pkg/broken.py'])},{len(files['pkg/broken.py'])}"
    assert record[3] == "pkg-1.0.dist-info/RECORD,,"


@pytest.mark.skipif(not (PYODIDE / "pyodide.mjs").is_file(), reason="needs npm ci (the build runs it)")
def test_archives_are_compiled_by_the_pages_python_and_cached(tmp_path):
    source = b"def fails():\n    raise ValueError('here')\n"
    _wheel(tmp_path / "pkg.whl", {"pkg/__init__.py": source, "pkg/broken.py": b"def (:\n"})
    archives = {"pkg.whl": (tmp_path / "pkg.whl", "/lib/python3.12/site-packages")}
    done = bytecode.compile_archives(archives, PYODIDE, "test", tmp_path / "cache")["pkg.whl"]
    assert done["compiled"] == 1 and done["kept"] == ["pkg/broken.py"]
    assert done["from_sha256"] == hashlib.sha256((tmp_path / "pkg.whl").read_bytes()).hexdigest()
    with zipfile.ZipFile(done["path"]) as z:
        pyc = z.read("pkg/__init__.pyc")
        assert "pkg/__init__.py" not in z.namelist() and "pkg/broken.py" in z.namelist()
    # The header (PEP 552): Python 3.12's magic number, then flags 0b01 (hash-based,
    # not checked against a source: there is none), then the source's hash.
    assert pyc[:4] == (3531).to_bytes(2, "little") + b"\r\n"
    assert int.from_bytes(pyc[4:8], "little") == 0b01
    assert b"/lib/python3.12/site-packages/pkg/__init__.py" in pyc      # tracebacks' file name
    # A second build finds it in the cache, without running Node.
    again = bytecode.compile_archives(archives, Path("/nonexistent"), "test", tmp_path / "cache")
    assert again["pkg.whl"]["path"] == done["path"] and again["pkg.whl"]["compiled"] == 1


@pytest.mark.skipif(not (PYODIDE / "pyodide.mjs").is_file(), reason="needs npm ci (the build runs it)")
def test_compiling_again_gives_the_same_bytes(tmp_path):
    """A build is reproducible: the same sources compile to the same archive."""
    _wheel(tmp_path / "pkg.whl", {"pkg/__init__.py": b"from .sub import f\n",
                                  "pkg/sub.py": b"def f(x):\n    return [x * i for i in range(3)]\n"})
    archives = {"pkg.whl": (tmp_path / "pkg.whl", "/lib/python3.12/site-packages")}
    made = [bytecode.compile_archives(archives, PYODIDE, "test", tmp_path / f"cache{i}")["pkg.whl"]
            for i in range(2)]
    assert made[0]["path"] != made[1]["path"]
    assert made[0]["path"].read_bytes() == made[1]["path"].read_bytes()
