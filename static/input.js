// What the learner puts in: points drawn on the view (kept in sessionStorage), a model
// file to load, and a model file to download. Python reads the points when asked.
import { DRAWN, el, setupView, viewBox } from "./canvas.js";

const MAX_DRAWN = 100000;
const SPACING = 0.008;   // one point every 0.8% of the square along a stroke

// `on`: drawing mode; `points`: flat [x, y, x, y, ...] in the unit square, y up.
export const drawing = { on: false, points: [], pressed: false, last: null };

// The drawn points as dots on the view (drawn last, over the dimmed model).
export function drawnLayer(ctx) {
  const { W, H, dpr } = viewBox, path = new Path2D(), r = 2 * dpr, p = drawing.points;
  for (let i = 0; i < p.length; i += 2) {
    const x = p[i] * W, y = (1 - p[i + 1]) * H;
    path.moveTo(x + r, y); path.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fillStyle = DRAWN; ctx.fill(path);
}

// The pointer's place in the unit square, or null outside the view: a stroke that
// leaves the view pauses there instead of piling points on its edge.
function toUnit(ev) {
  const r = el("view").getBoundingClientRect();
  const x = (ev.clientX - r.left) / r.width, y = 1 - (ev.clientY - r.top) / r.height;
  return x >= 0 && x <= 1 && y >= 0 && y <= 1 ? [x, y] : null;
}

function addPoint(p) {
  if (drawing.points.length / 2 >= MAX_DRAWN) return;
  drawing.points.push(p[0], p[1]);
  const { W, H } = viewBox, ctx = el("view").getContext("2d"), r = 2 * (viewBox.dpr || 1);
  ctx.fillStyle = DRAWN; ctx.beginPath(); ctx.arc(p[0] * W, (1 - p[1]) * H, r, 0, 2 * Math.PI); ctx.fill();
}

function strokeTo(p) {
  if (!p) { drawing.last = null; return; }
  const last = drawing.last;
  if (last) {
    const dist = Math.hypot(p[0] - last[0], p[1] - last[1]);
    const steps = Math.floor(dist / SPACING);
    for (let s = 1; s <= steps; s++) {
      const t = s * SPACING / dist;
      addPoint([last[0] + (p[0] - last[0]) * t, last[1] + (p[1] - last[1]) * t]);
    }
    if (steps === 0) return;
    drawing.last = [last[0] + (p[0] - last[0]) * steps * SPACING / dist,
                    last[1] + (p[1] - last[1]) * steps * SPACING / dist];
  } else {
    addPoint(p);
    drawing.last = p;
  }
  updateCount();
}

function updateCount() {
  const n = drawing.points.length / 2;
  el("draw-count").textContent = n >= MAX_DRAWN
    ? `${n.toLocaleString("en")} points drawn: the most a drawing can hold, so further strokes add nothing`
    : `${n} point${n === 1 ? "" : "s"} drawn`;
}

export function setupDrawing() {
  const view = el("view");
  view.addEventListener("pointerdown", ev => {
    if (!drawing.on) return;
    ev.preventDefault();
    setupView();
    view.setPointerCapture(ev.pointerId);
    drawing.pressed = true; drawing.last = null;
    strokeTo(toUnit(ev));
  });
  view.addEventListener("pointermove", ev => {
    if (!drawing.on || !drawing.pressed) return;
    const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
    for (const e of (events.length ? events : [ev])) strokeTo(toUnit(e));
  });
  const end = () => { drawing.pressed = false; drawing.last = null; keepDrawing(); };
  view.addEventListener("pointerup", end);
  view.addEventListener("pointercancel", end);
}

export function setDrawing(on) {
  drawing.on = !!on;
  const view = el("view");
  view.classList.toggle("drawing", drawing.on);
  el("view-wrap").classList.toggle("drawing", drawing.on);
  if (drawing.on) { setupView(); drawnLayer(view.getContext("2d")); }
}

export function drawnPoints() { return drawing.points.slice(); }
export function clearDrawing() { drawing.points = []; updateCount(); keepDrawing(); }

// The drawing survives a reload of the tab (sessionStorage: this tab only).
const DRAWING_KEY = "ganlab-drawing";
function keepDrawing() {
  try {
    if (drawing.points.length) sessionStorage.setItem(DRAWING_KEY, JSON.stringify(drawing.points));
    else sessionStorage.removeItem(DRAWING_KEY);
  } catch (e) { /* storage full or off: the drawing lives on in the page */ }
}
export function restoreDrawing() {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(DRAWING_KEY) || "null"); } catch (e) { saved = null; }
  if (Array.isArray(saved) && saved.length % 2 === 0 && saved.length <= 2 * MAX_DRAWN
      && saved.every(v => typeof v === "number" && v >= 0 && v <= 1)) {
    drawing.points = saved;
  }
  updateCount();
}

// ----- model files -----------------------------------------------------------------
const MAX_MODEL_BYTES = 50 * 1024 * 1024;

export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Reading a file is asynchronous: read it here, then hand the text to Python.
export function setupModelInput() {
  const input = el("load-model");
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = "";                        // choosing the same file again fires again
    if (!file || !window.ganlab) return;
    if (file.size > MAX_MODEL_BYTES) {
      window.ganlab.loadModelFailed(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB; a model file is at most 50 MB`);
      return;
    }
    let text;
    try { text = await file.text(); }
    catch (e) { window.ganlab.loadModelFailed(`cannot read ${file.name}`); return; }
    window.ganlab.loadModel(file.name, text);
  });
}
