// The "Look inside" panel's pixels: arrays in, canvas calls out (no training logic).
// Python (ganlab/ui/inside.py) sends the panel's arrays in one Float64 buffer with a
// JSON layout, only while the panel is open, and a past moment of the timeline when
// the scrubber moves. Everything drawn over the main view goes on one extra canvas,
// #inside-layer, under the view's marks and over its background, so the main
// painter (paint.js) is untouched.

import { ARROW, FAKE, HEAT_LUT, REAL, buildLut, el } from "./canvas.js";

// A hidden unit's activation: orange (negative) - white (0) - blue (positive), as
// TensorFlow Playground. (D and D* use the view's purple-green, canvas.js's HEAT_LUT.)
const UNIT = ["#f59322", "#fbd3a5", "#ffffff", "#a9cde6", "#0877bd"];

const UNIT_LUT = buildLut(UNIT);

const state = { d: null, g: null, ideal: null, field: null, past: null, hover: null,
                blank: false,       // the overlay on the view is known to be clear
                layout: null, unitsKey: { d: "", g: "" },
                noise: null, grid: null, curve1d: false,     // the noise panel's picture
                probe: null,        // { uv, gz, line: [u0, v0, u1, v1] | null, curve }
                onProbe: null };    // Python's handler: (u, v, u0, v0, lineFlag)
const PROBE = "#e08214";

// A res x res map (values in [0, 1], row 0 at the top) as a small image canvas.
function image(data, off, res, table, canvas) {
  const c = canvas || document.createElement("canvas");
  if (c.width !== res || c.height !== res) { c.width = res; c.height = res; }
  const ctx = c.getContext("2d"), img = ctx.createImageData(res, res), px = img.data;
  for (let i = 0; i < res * res; i++) {
    const j = Math.max(0, Math.min(255, Math.round(data[off + i] * 255) || 0)) * 4, o = i * 4;
    px[o] = table[j]; px[o + 1] = table[j + 1]; px[o + 2] = table[j + 2]; px[o + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

// The overlay on the main view and its caption, made once.
function overlay() {
  let c = el("inside-layer");
  if (!c) {
    const wrap = el("view-wrap");
    c = document.createElement("canvas");
    c.id = "inside-layer";
    c.setAttribute("aria-hidden", "true");
    wrap.insertBefore(c, el("morph") || el("view"));
    const cap = document.createElement("p");
    cap.id = "inside-caption";
    cap.hidden = true;
    wrap.appendChild(cap);
  }
  const dpr = window.devicePixelRatio || 1, box = c.getBoundingClientRect();
  const w = Math.max(1, Math.round((box.width || 480) * dpr)), h = Math.max(1, Math.round((box.height || 480) * dpr));
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  return { c, ctx: c.getContext("2d"), W: w, H: h, dpr };
}

function caption(text) {
  const cap = el("inside-caption");
  if (!cap) return;
  cap.textContent = text || "";
  cap.hidden = !text;
}

function drawMap(s, small) {
  s.ctx.imageSmoothingEnabled = true;
  s.ctx.drawImage(small, 0, 0, s.W, s.H);
}

// `arr`: each line's end offset from its point, already on the arrows' log scale
// (Python's encodings.arrow_offsets, as for the main view's arrows).
function arrows(s, pts, arr, n, width) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i < n; i++) {
    const x = pts[2 * i], y = pts[2 * i + 1], dx = arr[2 * i], dy = arr[2 * i + 1];
    if (!(Math.hypot(dx, dy) > 0)) continue;
    const x1 = x + dx, y1 = y + dy;
    path.moveTo(x * W, (1 - y) * H); path.lineTo(x1 * W, (1 - y1) * H);
    path.moveTo(x1 * W + 1.6 * s.dpr, (1 - y1) * H); path.arc(x1 * W, (1 - y1) * H, 1.6 * s.dpr, 0, 2 * Math.PI);
  }
  ctx.strokeStyle = ARROW; ctx.lineWidth = width * s.dpr; ctx.stroke(path);
}

function dots(s, d, n, radius, colour) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i < n; i++) {
    const x = d[2 * i] * W, y = (1 - d[2 * i + 1]) * H;
    path.moveTo(x + radius, y); path.arc(x, y, radius, 0, 2 * Math.PI);
  }
  ctx.fillStyle = colour; ctx.fill(path);
}

// What the overlay shows, most specific first: a past moment, a hovered unit, then
// the D* and gradient-field layers (either, both or none).
function redraw() {
  const wrap = el("view-wrap");
  wrap.classList.toggle("inside-past", !!state.past);
  // Nothing to show and nothing shown: leave the view-sized layer alone (clearing it
  // would make the browser copy it again, ten times a second while playing).
  const empty = !state.past && !state.hover && !state.ideal && !state.field && !state.probe;
  if (empty && state.blank) { caption(""); return; }
  state.blank = empty;
  const s = overlay();
  s.ctx.clearRect(0, 0, s.W, s.H);
  if (state.past) {
    const p = state.past;
    drawMap(s, p.heat);
    dots(s, p.real, p.real.length / 2, 2.2 * s.dpr, REAL);
    dots(s, p.fake, p.fake.length / 2, 2.6 * s.dpr, FAKE);
    caption(p.caption);
    return;
  }
  if (state.hover) {
    const h = state.hover;
    drawMap(s, h.canvas);
    caption(h.caption);
    return;
  }
  if (state.ideal) drawMap(s, state.ideal);
  if (state.field) arrows(s, state.field.pts, state.field.arr, state.field.n, 1.3);
  if (state.probe) probeMark(s, state.probe.gz, state.probe.curve);
  caption(state.ideal ? "Ideal discriminator D*(x) = p_data / (p_data + p_g)" : "");
}

// A point (and a curve) in a unit square drawn on surface s: an orange ring with a dark rim.
function probeMark(s, p, curve) {
  const { ctx, W, H, dpr } = s;
  if (curve && curve.length >= 4) {
    ctx.beginPath();
    for (let i = 0; i < curve.length; i += 2) {
      const x = curve[i] * W, y = (1 - curve[i + 1]) * H;
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    }
    ctx.strokeStyle = PROBE; ctx.lineWidth = 2.5 * dpr; ctx.stroke();
  }
  const x = p[0] * W, y = (1 - p[1]) * H;
  ctx.beginPath(); ctx.arc(x, y, 7 * dpr, 0, 2 * Math.PI);
  ctx.lineWidth = 4 * dpr; ctx.strokeStyle = "#222"; ctx.stroke();
  ctx.lineWidth = 2.5 * dpr; ctx.strokeStyle = PROBE; ctx.stroke();
}

// The noise panel: the shown noise samples, the noise grid the manifold uses, the probe.
// The noise square's side in canvas pixels (160 CSS px).
const noiseSide = () => Math.round(160 * (window.devicePixelRatio || 1));

function drawNoise() {
  const c = el("inside-noise");
  if (!c) return;
  const dpr = window.devicePixelRatio || 1, w = noiseSide();
  if (c.width !== w) { c.width = w; c.height = w; }
  const s = { ctx: c.getContext("2d"), W: w, H: w, dpr }, ctx = s.ctx;
  ctx.clearRect(0, 0, w, w);
  if (state.grid) {
    const g = state.grid, k = g.length / 2, path = new Path2D();
    const side = state.curve1d ? k : Math.round(Math.sqrt(k));
    const X = i => g[2 * i] * w, Y = i => (1 - g[2 * i + 1]) * w;
    if (state.curve1d) {
      for (let i = 0; i < k; i++) i ? path.lineTo(X(i), Y(i)) : path.moveTo(X(i), Y(i));
    } else {
      for (let r = 0; r < side; r++) for (let q = 0; q < side; q++) {
        const i = r * side + q;
        if (q + 1 < side) { path.moveTo(X(i), Y(i)); path.lineTo(X(i + 1), Y(i + 1)); }
        if (r + 1 < side) { path.moveTo(X(i), Y(i)); path.lineTo(X(i + side), Y(i + side)); }
      }
    }
    ctx.strokeStyle = "#c2a5cf"; ctx.lineWidth = dpr; ctx.stroke(path);
  }
  if (state.noise) dots(s, state.noise, state.noise.length / 2, 1.8 * dpr, FAKE);
  const p = state.probe;
  if (p) {
    if (p.line) {
      ctx.beginPath(); ctx.moveTo(p.line[0] * w, (1 - p.line[1]) * w); ctx.lineTo(p.line[2] * w, (1 - p.line[3]) * w);
      ctx.strokeStyle = PROBE; ctx.lineWidth = 2.5 * dpr; ctx.stroke();
    }
    probeMark(s, p.uv, null);
  }
}

// Pointer and keys on the noise panel: each move asks Python for G(z) (setProbe).
function setupProbe() {
  const c = el("inside-noise");
  if (!c || c.dataset.wired) return;
  c.dataset.wired = "1";
  // Where a line in noise space starts: set by a Shift-drag or a drag with "Drag draws a
  // line" ticked (touch has no Shift), or by the L key at the probe (keyboard), after
  // which the arrow keys move the line's end; Escape drops the line.
  let start = null;
  const lineMode = el("inside-line-mode");
  const at = ev => {
    const r = c.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)),
            Math.min(1, Math.max(0, 1 - (ev.clientY - r.top) / r.height))];
  };
  const send = (uv, from) => {
    if (state.onProbe) state.onProbe(uv[0], uv[1], from ? from[0] : -1, from ? from[1] : -1);
  };
  c.addEventListener("pointerdown", ev => {
    c.setPointerCapture(ev.pointerId);
    const uv = at(ev);
    start = ev.shiftKey || (lineMode && lineMode.checked) ? uv : null;
    send(uv, start);
    ev.preventDefault();
  });
  c.addEventListener("pointermove", ev => {
    if (!c.hasPointerCapture(ev.pointerId)) return;
    send(at(ev), start);
  });
  c.addEventListener("pointerup", ev => { c.releasePointerCapture(ev.pointerId); });
  c.addEventListener("keydown", ev => {
    const uv = state.probe ? state.probe.uv : [0.5, 0.5];
    if (ev.key === "l" || ev.key === "L") {         // a line starts here
      ev.preventDefault();
      start = [uv[0], uv[1]];
      send(uv, start);
      return;
    }
    if (ev.key === "Escape" && start) {
      ev.preventDefault();
      start = null;
      send(uv, null);
      return;
    }
    const step = ev.shiftKey ? 0.1 : 0.02;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[ev.key];
    if (!d) return;
    ev.preventDefault();
    send([Math.min(1, Math.max(0, uv[0] + d[0])), Math.min(1, Math.max(0, uv[1] + d[1]))], start);
  });
}

// The unit tiles of one network: buttons (focusable, named) each holding a small map.
function units(net, d, L, box) {
  const key = L ? `${L.res}:${L.layer.join(",")}` : "";
  if (state.unitsKey[net] !== key) {
    state.unitsKey[net] = key;
    box.replaceChildren();
    if (L) {
      let row = null, last = 0;
      L.layer.forEach((layer, i) => {
        if (layer !== last) {
          row = document.createElement("div");
          row.className = "unit-row";
          const name = document.createElement("span");
          name.className = "unit-layer";
          name.textContent = `layer ${layer}`;
          row.appendChild(name);
          box.appendChild(row);
          last = layer;
        }
        const b = document.createElement("button");
        b.type = "button";
        b.className = "unit";
        b.dataset.net = net; b.dataset.i = String(i);
        const who = net === "d" ? "Discriminator" : "Generator";
        b.setAttribute("aria-label", `${who} layer ${layer}, unit ${L.index[i]}: show it large in the view`);
        const c = document.createElement("canvas");
        c.setAttribute("aria-hidden", "true");
        b.appendChild(c);
        for (const ev of ["pointerenter", "focus"]) b.addEventListener(ev, () => hover(net, i));
        for (const ev of ["pointerleave", "blur"]) b.addEventListener(ev, () => unhover(net, i));
        row.appendChild(b);
      });
    }
  }
  if (!L) return;
  const tiles = box.querySelectorAll("button.unit"), n = L.res * L.res;
  tiles.forEach((b, i) => image(d, L.off + i * n, L.res, UNIT_LUT, b.firstChild));
}

function hover(net, i) {
  const L = state.layout && state.layout[net];
  if (!L || i >= L.layer.length) return;
  const tile = document.querySelector(`#inside-${net}-units button.unit[data-i="${i}"] canvas`);
  const where = net === "d" ? "over the data square" : "over the noise square";
  state.hover = { net, i, canvas: tile,
                  caption: `${net === "d" ? "Discriminator" : "Generator"} layer ${L.layer[i]}, unit ${L.index[i]}, ${where}: blue positive, orange negative` };
  redraw();
  zoom();
}

// A narrow window puts the view far from the panel: then the unit is also shown large
// beside its tiles (#inside-zoom), with the same caption.
function zoom() {
  const box = el("inside-zoom");
  if (!box) return;
  const r = el("view-wrap").getBoundingClientRect();
  const offscreen = r.bottom < 40 || r.top > window.innerHeight - 40;
  const h = state.hover;
  box.hidden = !(h && offscreen);
  if (box.hidden) return;
  const c = box.querySelector("canvas"), dpr = window.devicePixelRatio || 1, w = Math.round(200 * dpr);
  if (c.width !== w) { c.width = w; c.height = w; }
  const ctx = c.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(h.canvas, 0, 0, w, w);
  box.querySelector("p").textContent = h.caption;
}

function unhover(net, i) {
  if (state.hover && state.hover.net === net && state.hover.i === i) { state.hover = null; redraw(); zoom(); }
}

// The panel's arrays: neuron maps of D and G, D*, the gradient field (each may be absent).
function update(buf, layoutJson) {
  const L = JSON.parse(layoutJson);
  let noiseChanged = true;
  const b = buf.getBuffer("f64");
  try {
    const d = b.data;
    state.layout = L;
    units("d", d, L.d, el("inside-d-units"));
    units("g", d, L.g, el("inside-g-units"));
    state.ideal = L.ideal ? image(d, L.ideal.off, L.ideal.res, HEAT_LUT, state.idealCanvas) : null;
    if (state.ideal) state.idealCanvas = state.ideal;
    const noise = L.noise ? d.slice(L.noise.off, L.noise.off + 2 * L.noise.n) : null;
    const grid = L.grid ? d.slice(L.grid.off, L.grid.off + 2 * L.grid.n) : null;
    const curve1d = !!(L.grid && L.grid.curve);
    // The noise and its grid change only with the settings: redraw the noise square then.
    noiseChanged = !(same(noise, state.noise) && same(grid, state.grid) && curve1d === state.curve1d);
    state.noise = noise; state.grid = grid; state.curve1d = curve1d;
    state.field = L.field ? { n: L.field.n, pts: d.slice(L.field.off, L.field.off + 2 * L.field.n),
                              arr: d.slice(L.field.off + 2 * L.field.n, L.field.off + 4 * L.field.n) } : null;
    if (state.hover) {          // the hovered unit's tile was just redrawn: show it again
      const h = state.hover;
      if (!L[h.net] || h.i >= L[h.net].layer.length) state.hover = null;
    }
  } finally {
    b.release();
  }
  const square = el("inside-noise");
  if (noiseChanged || (square && square.width !== noiseSide())) drawNoise();
  redraw();
  if (state.hover) zoom();
}

// Whether two arrays (or nulls) hold the same numbers.
function same(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// The probe: where it is in the noise square (uv), G(z) in the data square, and a
// line in noise space with its image curve (buffer: uv, gz, line or -1s, curve).
function showProbe(buf, n) {
  const b = buf.getBuffer("f64");
  try {
    const d = b.data;
    state.probe = { uv: [d[0], d[1]], gz: [d[2], d[3]],
                    line: d[4] >= 0 ? [d[4], d[5], d[6], d[7]] : null,
                    curve: n ? d.slice(8, 8 + 2 * n) : null };
  } finally {
    b.release();
  }
  drawNoise();
  redraw();
}

function setProbeHandler(fn) { state.onProbe = fn; setupProbe(); }

// With noise of more than two dimensions: one slider for each dimension past the
// first two (the noise square shows those two); moving one moves the probe's z.
function setDims(count, lo, hi) {
  const box = el("inside-dims");
  if (!box) return;
  const key = `${count}:${lo}:${hi}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  box.hidden = count === 0;
  for (let k = 3; k < 3 + count; k++) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "range"; input.id = `inside-z${k}`;
    input.min = String(lo); input.max = String(hi); input.step = "0.05"; input.value = "0";
    label.append(`z${k} `, input);
    input.addEventListener("input", () => {
      const uv = state.probe ? state.probe.uv : [0.5, 0.5];
      if (state.onProbe) state.onProbe(uv[0], uv[1], -1, -1);
    });
    box.appendChild(label);
  }
}

// A past moment from the timeline: its D(x) map, the real points and its fakes.
function showPast(buf, res, m, n, text) {
  const b = buf.getBuffer("f64");
  try {
    const d = b.data;
    state.past = { heat: image(d, 0, res, HEAT_LUT, state.pastCanvas),
                   fake: d.slice(res * res, res * res + 2 * m),
                   real: d.slice(res * res + 2 * m, res * res + 2 * m + 2 * n), caption: text };
    state.pastCanvas = state.past.heat;
  } finally {
    b.release();
  }
  redraw();
}

function live() { stopReplay(); state.past = null; redraw(); }

// Replay: the scrubber walks from the start of the timeline to its end, one snapshot
// every REPLAY_MS, as if the learner dragged it (each step is an "input" event).
const REPLAY_MS = 180;
function replay() {
  const range = el("inside-time"), button = el("inside-replay");
  if (state.replay) { stopReplay(); return; }
  button.textContent = "Stop replay";
  let i = 0;
  const step = () => {
    if (i > +range.max) { stopReplay(); return; }
    range.value = String(i++);
    range.dispatchEvent(new Event("input"));
  };
  step();
  state.replay = setInterval(step, REPLAY_MS);
}
function stopReplay() {
  if (!state.replay) return;
  clearInterval(state.replay);
  state.replay = null;
  const button = el("inside-replay");
  button.textContent = "Replay";
}
// A module runs once the page is parsed: the panel's markup is there.
el("inside-replay")?.addEventListener("click", replay);
// The learner's own move of the scrubber ends a replay (a replay's steps are not trusted events).
el("inside-time")?.addEventListener("input", ev => { if (ev.isTrusted) stopReplay(); });

// The panel closed: nothing of it stays on the view.
function close() {
  stopReplay();
  state.past = state.hover = state.ideal = state.field = state.probe = null;
  redraw();
}

window.ganlabInside = { update, showPast, live, close, showProbe, setProbeHandler, setDims };
