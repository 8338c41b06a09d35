// The "Look inside" panel's pixels: arrays in, canvas calls out (no training logic).
// Python (ganlab/ui/inside.py) sends the panel's arrays in one Float64 buffer with a
// JSON layout, only while the panel is open, and a past moment of the timeline when
// the scrubber moves. Everything drawn over the main view goes on one extra canvas,
// #inside-layer, under the view's marks and over its background, so the main
// painter (paint.js) is untouched.

// Colours: the view's purple (fake) to green (real) for D and D*; for a hidden unit's
// activation, orange (negative) - white (0) - blue (positive), as TensorFlow Playground.
const PRGN = ["#762a83", "#9970ab", "#c2a5cf", "#e7d4e8", "#f7f7f7",
              "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837"];
const UNIT = ["#f59322", "#fbd3a5", "#ffffff", "#a9cde6", "#0877bd"];
const REAL = "#1b7837", FAKE = "#762a83", ARROW = "#d6336c";
const ARROW_LOG = 0.025, ARROW_G0 = 0.5, ARROW_MAX = 0.15;   // as paint.js: log length

function hex(c) { return [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16)); }
function lut(stops, lighten) {
  const s = stops.map(hex), out = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = i / 255 * (s.length - 1), k = Math.min(s.length - 2, Math.floor(t)), f = t - k;
    for (let c = 0; c < 3; c++) {
      const v = s[k][c] * (1 - f) + s[k + 1][c] * f;
      out[i * 4 + c] = v + (255 - v) * lighten;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}
const HEAT_LUT = lut(PRGN, 0.2), UNIT_LUT = lut(UNIT, 0);

function el(id) { return document.getElementById(id); }

const state = { d: null, g: null, ideal: null, field: null, past: null, hover: null,
                layout: null, unitsKey: { d: "", g: "" } };

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

function arrows(s, pts, arr, n, width) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i < n; i++) {
    const x = pts[2 * i], y = pts[2 * i + 1], gx = arr[2 * i], gy = arr[2 * i + 1], g = Math.hypot(gx, gy);
    if (!(g > 1e-9)) continue;
    const k = Math.min(ARROW_MAX, ARROW_LOG * Math.log1p(g / ARROW_G0)) / g;
    const x1 = x + gx * k, y1 = y + gy * k;
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
  const s = overlay(), wrap = el("view-wrap");
  s.ctx.clearRect(0, 0, s.W, s.H);
  wrap.classList.toggle("inside-past", !!state.past);
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
  caption(state.ideal ? "Ideal discriminator D*(x) = p_data / (p_data + p_g)" : "");
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
}

function unhover(net, i) {
  if (state.hover && state.hover.net === net && state.hover.i === i) { state.hover = null; redraw(); }
}

// The panel's arrays: neuron maps of D and G, D*, the gradient field (each may be absent).
function update(buf, layoutJson) {
  const L = JSON.parse(layoutJson);
  const b = buf.getBuffer("f64");
  try {
    const d = b.data;
    state.layout = L;
    units("d", d, L.d, el("inside-d-units"));
    units("g", d, L.g, el("inside-g-units"));
    state.ideal = L.ideal ? image(d, L.ideal.off, L.ideal.res, HEAT_LUT, state.idealCanvas) : null;
    if (state.ideal) state.idealCanvas = state.ideal;
    state.field = L.field ? { n: L.field.n, pts: d.slice(L.field.off, L.field.off + 2 * L.field.n),
                              arr: d.slice(L.field.off + 2 * L.field.n, L.field.off + 4 * L.field.n) } : null;
    if (state.hover) {          // the hovered unit's tile was just redrawn: show it again
      const h = state.hover;
      if (!L[h.net] || h.i >= L[h.net].layer.length) state.hover = null;
    }
  } finally {
    b.release();
  }
  redraw();
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

function live() { state.past = null; redraw(); }

// The panel closed: nothing of it stays on the view.
function close() {
  state.past = state.hover = state.ideal = state.field = null;
  redraw();
}

window.ganlabInside = { update, showPast, live, close };
