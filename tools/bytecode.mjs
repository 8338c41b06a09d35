// Compiles Python sources to bytecode with the Python the page runs (Pyodide's own,
// under Node), for build.py (tools/bytecode.py says why and what is done with them).
//
//   node tools/bytecode.mjs PYODIDE_DIR < jobs.json
//
// jobs.json: [{"dir": "/host/folder", "prefix": "/lib/python312.zip"}, ...]. Every
// `name.py` under each folder gets `name.pyc` beside it, compiled as if the source
// were at prefix/name.py (the path tracebacks show). Hash-based and unchecked: the
// interpreter uses them without looking for a source. A file Python cannot compile
// (a test fixture with deliberate syntax errors) is left as source and listed.
// Prints one JSON line: [{"compiled": n, "kept": ["rel/path.py", ...]}, ...].
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const pyodideDir = resolve(process.argv[2]);
const jobs = JSON.parse(readFileSync(0, "utf8"));
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
// Pyodide's own start-up messages would mix with the JSON answer on stdout.
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: () => {} });
jobs.forEach((job, i) => {
  py.FS.mkdirTree(`/job${i}`);
  py.mountNodeFS(`/job${i}`, resolve(job.dir));
});
py.globals.set("jobs_json", JSON.stringify(jobs));
const answer = py.runPython(`
import json, os, py_compile

def compile_tree(root, prefix):
    compiled, kept = 0, []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            source = os.path.join(folder, name)
            rel = os.path.relpath(source, root)
            try:
                py_compile.compile(source, cfile=source + "c", dfile=prefix + "/" + rel,
                                   doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                compiled += 1
            except py_compile.PyCompileError:
                kept.append(rel)
    return {"compiled": compiled, "kept": kept}

json.dumps([compile_tree(f"/job{i}", job["prefix"]) for i, job in enumerate(json.loads(jobs_json))])
`);
process.stdout.write(answer + "\n");
