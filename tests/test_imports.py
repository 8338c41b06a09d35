"""The engine runs unchanged under CPython and Pyodide: only ganlab/ui/ may import the
browser modules (pyscript, js, pyodide)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ganlab"
BROWSER_ONLY = {"pyscript", "js", "pyodide"}
ENGINE_FILES = sorted(p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts[:-1])


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            roots.add(node.args[0].value.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_the_engine_modules_are_all_checked():
    names = {p.name for p in ENGINE_FILES}
    assert {"nn.py", "losses.py", "optim.py", "data.py", "noise.py", "metrics.py", "state.py",
            "gan.py", "fields.py", "gradcheck.py", "cli.py", "bench.py", "textbook.py",
            "registry.py", "__init__.py"} <= names
    assert not any("ui" in p.relative_to(PACKAGE).parts[:-1] for p in ENGINE_FILES)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_engine_module_does_not_import_browser_modules(path):
    bad = imported_roots(path) & BROWSER_ONLY
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports {sorted(bad)}"


def test_the_checker_sees_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import js\nfrom pyscript import display\nimport os.path\n"
                     "from . import nn\n__import__('pyodide.ffi')\n", encoding="utf-8")
    assert imported_roots(probe) == {"js", "pyscript", "os", "pyodide"}


@pytest.mark.parametrize("module", ["nn", "losses", "optim", "data", "noise", "metrics", "state",
                                    "gan", "fields", "gradcheck", "cli", "bench", "textbook",
                                    "registry"])
def test_engine_modules_import_under_cpython(module):
    __import__(f"ganlab.{module}")


# ----- what build.py ships to the page ---------------------------------------------------
def test_the_page_gets_every_module_but_the_command_lines():
    import build
    shipped = {Path(p).relative_to("ganlab").as_posix() for p in build.ganlab_sources()}
    everything = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                  if "__pycache__" not in p.parts}
    assert everything - shipped == {"__main__.py", "cli.py", "bench.py", "gradcheck.py"}
    assert {"textbook.py", "registry.py", "losses.py", "ui/app.py", "__init__.py"} <= shipped


def test_command_line_only_follows_the_imports(tmp_path, monkeypatch):
    import build
    pkg = tmp_path / "ganlab"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "__main__.py": "from .cli import main\n",
        "cli.py": "from . import core\ndef f():\n    from . import tool\n",
        "tool.py": "from .sub import helper\nimport ganlab.core\n",
        "core.py": "import numpy\n",
        "sub/__init__.py": "",
        "sub/helper.py": "",               # imported only by a command-line module
        "sub/shared.py": "",               # imported by the command line and the page
        "sub/page.py": "from . import shared\nfrom ..core import thing\n",
        "alone.py": "",                    # imported by nobody: ships
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    (pkg / "tool.py").write_text("from .sub import helper, shared\nimport ganlab.core\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    only = {p.relative_to(pkg).as_posix() for p in build.command_line_only(pkg)}
    assert only == {"__main__.py", "cli.py", "tool.py", "sub/helper.py"}


def test_the_page_does_not_import_the_build_time_markup():
    # ganlab/ui/markup.py writes the page's HTML at build time; it imports the html
    # module, some 30 ms of the page's start in Pyodide. No module the page runs
    # imports it (overview.PARTS is where the graph reads its parts).
    for path in sorted((PACKAGE / "ui").glob("*.py")):
        if path.name == "markup.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                assert node.module != "markup" and "markup" not in names, path.name
            assert not (isinstance(node, ast.Import) and any("markup" in a.name for a in node.names)), path.name


def test_the_page_speaks_pyscript():
    """The page's Python reaches the browser through PyScript: no `js` module (in
    ganlab/ui or the page's own script), and every event is wired in one place
    (dom.on) by `pyscript.when`, never by addEventListener. Pyodide's own module only
    where PyScript has nothing like it, each import with a comment saying why."""
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted((PACKAGE / "ui").glob("*.py"))}
    for name, text in sources.items():
        roots = imported_roots(PACKAGE / "ui" / name)
        assert "js" not in roots, name
        assert "addEventListener" not in text, name
        for line_no, line in enumerate(text.splitlines()):
            if "import pyodide_js" in line:
                near = "\n".join(text.splitlines()[max(0, line_no - 3):line_no + 1])
                assert "PyScript" in near or "Pyodide's own" in near, (name, line)
    dom = ast.parse(sources["dom.py"])
    on = next(n for n in dom.body if isinstance(n, ast.FunctionDef) and n.name == "on")
    assert any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "when" for n in ast.walk(on))
    page = (PACKAGE.parent / "index.html").read_text(encoding="utf-8")
    script = page[page.index('<script type="py"'):]
    assert "import js" not in script and "from pyscript import window" in script
