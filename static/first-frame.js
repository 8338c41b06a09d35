// The first picture, before Python is up: build.py recorded the painter calls that
// Python makes for the default pre-trained model (ganlab/ui/firstframe.py) and put
// them in the page as JSON; replaying them here shows a trained GAN as soon as the
// HTML arrives. Python later loads the same model and paints the same frame.
// The controls stay disabled until Python is ready (the loading line says so).
import "./paint.js";

// Python's arrays travel as base64 of little-endian float64 bytes.
function f64(text) {
  const raw = atob(text), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

// Python's call name -> the painter's array version of it.
const ARRAY = { frame: "frameArray", chartPush: "chartRows", drawTile: "tileArray" };

// The build's start data (ganlab-start: the first frame and the pre-trained models),
// parsed once for both uses below; null when there is none, or Python is up already.
function startData() {
  const node = document.getElementById("ganlab-start");
  if (!node || document.body.dataset.state !== "loading") return null;
  return JSON.parse(node.textContent);
}

function paintFirstFrame(start) {
  if (!start || document.body.dataset.state !== "loading") return;
  const first = start.first, view = window.ganlabView;
  for (const [name, args] of first.calls) {
    const plain = args.map(a => (a && typeof a === "object" && "f64" in a) ? f64(a.f64) : a);
    view[ARRAY[name] || name](...plain);
  }
  for (const [id, text] of Object.entries(first.text)) {
    const target = document.getElementById(id);
    if (target) target.textContent = text;
  }
  document.body.dataset.firstFrame = String(first.epoch);
  window.ganlabFirstFrameAt = performance.now();     // for the start-up benchmark
}

// The pre-trained model Python will open on, fetched now, while Python is still on its
// way (ganlab/ui/app.py load_pretrained takes the text once): the default data set's
// when the address names no settings, or the model whose settings the address names
// (a reload). A failed fetch is left for Python to make again and report.
function prefetchModel(start) {
  if (!start) return;
  const { pretrained, first } = start, address = location.hash.slice(1);
  const entry = address ? Object.values(pretrained).find(e => e.hash === address)
                        : pretrained[first && first.preset];
  if (!entry) return;
  const text = fetch(`./static/pretrained/${entry.file}`)
    .then(r => r.ok ? r.text() : Promise.reject(new Error(String(r.status))));
  text.catch(() => {});       // unhandled here on purpose: Python fetches again
  window.ganlabPrefetch = { file: entry.file, text };
}

let start = null;
try {
  start = startData();
  prefetchModel(start);
} catch (err) {
  console.warn("ganlab: pre-trained model not fetched early:", err);
}
// Painted in a task of its own, after the module scripts below this one have run:
// static/pyscript-start.js sets Python loading first, and the picture (tens of
// milliseconds of drawing) is made while the interpreter's files are on their way.
setTimeout(() => {
  try {
    paintFirstFrame(start);
  } catch (err) {
    // Only the early picture is lost: Python paints the same when it is ready.
    console.warn("ganlab: first frame not painted:", err);
  }
}, 0);
