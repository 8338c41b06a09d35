// The page's training worker: a Pyodide of its own that trains the model the page
// sends, so that the page's thread only draws. The Python side is ganlab/remote.py
// (Runner); the page's side is ganlab/ui/trainworker.py. Messages:
//   page -> worker  {type: "boot", files: {path: text}}   the ganlab sources to import
//                   {type: "start", run, text}             a model file: train it
//                   {type: "halt"}                         stop training
//   worker -> page  {type: "ready"}
//                   {type: "update", run, meta, raw}       after each batch of epochs
//                   {type: "error", run, message}
// Training goes in batches of CHUNK_S seconds; between two batches the worker reads
// its messages (a halt, a new start), so the page is answered within one batch.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const CHUNK_S = 0.012;
let py = null;
let runner = null;      // the ganlab.remote.Runner in training, or null
let run = 0;            // the page's number for that training
const inbox = [];       // messages that came before Pyodide was up
const next = new MessageChannel();   // a zero-delay turn of the event loop
let due = false;        // a batch is already asked for on `next`

function schedule() {
  // One batch asked for at a time: a halt and a start read between two batches
  // must not leave two chains of batches running.
  if (!due) {
    due = true;
    next.port2.postMessage(null);
  }
}

async function boot(files) {
  py = await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href,
                           packages: ["numpy"] });
  for (const [path, text] of Object.entries(files)) {
    const dir = path.split("/").slice(0, -1).join("/");
    if (dir) py.FS.mkdirTree(`/home/pyodide/${dir}`);
    py.FS.writeFile(`/home/pyodide/${path}`, text);
  }
  py.runPython("import sys\nif '/home/pyodide' not in sys.path: sys.path.insert(0, '/home/pyodide')");
  const remote = py.pyimport("ganlab.remote");
  self.Runner = remote.Runner;
  postMessage({ type: "ready" });
  for (const msg of inbox.splice(0)) handle(msg);
}

function halt() {
  if (runner) runner.destroy();
  runner = null;
  run = 0;
}

function handle(msg) {
  if (msg.type === "halt") {
    halt();
  } else if (msg.type === "start") {
    halt();
    try {
      runner = self.Runner(msg.text);
    } catch (err) {
      postMessage({ type: "error", run: msg.run, message: String(err) });
      return;
    }
    run = msg.run;
    schedule();
  }
}

function batch() {
  due = false;
  if (!runner) return;
  let out;
  try {
    out = runner.train_for(CHUNK_S);
  } catch (err) {
    postMessage({ type: "error", run, message: String(err) });
    halt();
    return;
  }
  const meta = out.get(0);
  const bytes = out.get(1);
  const raw = bytes.toJs();
  bytes.destroy();
  out.destroy();
  postMessage({ type: "update", run, meta, raw }, [raw.buffer]);
  if (runner.going) schedule();
  else halt();                 // diverged: nothing more to train, the page reads why
}

next.port1.onmessage = batch;

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "boot") {
    boot(msg.files).catch((err) => postMessage({ type: "error", run: 0, message: String(err) }));
  } else if (py === null) {
    inbox.push(msg);
  } else {
    handle(msg);
  }
};
