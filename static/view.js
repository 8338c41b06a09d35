// The main view and the model graph's live pictures: arrays in, canvas calls out.
// Python (ganlab/ui/paint.py) packs every layer of a frame into one Float64Array and
// says once where each layer sits in it (setLayout); frameArray draws them all, each
// layer with one canvas call (or a few, for shaded layers). Every number that teaches
// (D's verdict, the arrows' drawn length, the manifold's shade) is computed in Python;
// this file only places it.
import { ARROW, DOT_LUT, FAKE, HEAT_LUT, REAL, bucket, el, hex, lutCss, lutRgb, setupView, surface,
  viewBox } from "./canvas.js";
import { flowStep } from "./graph.js";
import { drawing, drawnLayer } from "./input.js";

export const FLAG = { heat: 1, real: 2, fake: 4, manifold: 8, grad: 16, pred: 32 };

const state = { image: null, res: 0, layout: null, heatVisibility: null,
                ghosts: null, lastFake: null, morph: null };

function heat(data, off, res) {
  const canvas = el("heat");
  if (state.res !== res) {
    canvas.width = res; canvas.height = res;
    state.image = canvas.getContext("2d").createImageData(res, res);
    state.res = res;
  }
  const px = state.image.data;
  for (let i = 0; i < res * res; i++) {
    const j = bucket(data[off + i], 256) * 4, o = i * 4;
    px[o] = HEAT_LUT[j]; px[o + 1] = HEAT_LUT[j + 1]; px[o + 2] = HEAT_LUT[j + 2]; px[o + 3] = 255;
  }
  canvas.getContext("2d").putImageData(state.image, 0, 0);
}

// A dot is drawn once into a small image, its stamp, which is then copied to each
// point's place at whole pixels: copying a stamp costs the browser far less than
// filling an arc, some 600 times a frame. Points coloured by D(x) take one of 9 stamps
// (colour buckets), each inside a rim of its kind's colour. A stamp is an ImageBitmap,
// not a canvas: drawing from a canvas makes the browser take a snapshot of it for
// every copy (600 a frame, most of a millisecond), from a bitmap it does not.
const stamps = new Map();
function stamp(radius, fill, rim, width) {
  const key = `${radius}|${fill}|${rim}|${width}`;
  let c = stamps.get(key);
  if (!c) {
    // A few sizes are in use at a time. (Not closed: a frame may still hold them.)
    if (stamps.size > 96) stamps.clear();
    const size = Math.ceil(2 * radius + (rim ? width : 0) + 2);
    const canvas = new OffscreenCanvas(size, size);
    const ctx = canvas.getContext("2d");
    ctx.beginPath(); ctx.arc(size / 2, size / 2, radius, 0, 2 * Math.PI);
    ctx.fillStyle = fill; ctx.fill();
    if (rim) { ctx.strokeStyle = rim; ctx.lineWidth = width; ctx.stroke(); }
    c = canvas.transferToImageBitmap();
    stamps.set(key, c);
  }
  return c;
}

function dots(s, d, off, n, radius, colour, verdict, voff) {
  const { ctx, W, H } = s;
  const marks = verdict
    ? Array.from({ length: 9 }, (_, b) => stamp(radius, lutCss(DOT_LUT, b / 8), colour, s.dpr))
    : [stamp(radius, colour, null, 0)];
  const half = marks[0].width / 2;
  for (let i = 0; i < n; i++) {
    const x = d[off + 2 * i] * W, y = (1 - d[off + 2 * i + 1]) * H;
    const b = verdict ? Math.max(0, Math.min(8, Math.round(d[voff + i] * 8) || 0)) : 0;  // colour b / 8
    ctx.drawImage(marks[b], Math.round(x - half), Math.round(y - half));
  }
}

// Each fake's gradient line: from the point to the point plus its drawn offset. The
// offsets come already scaled from Python (ganlab/encodings.py arrow_offsets: a log
// scale, capped); a zero offset (no pull, or none known) draws nothing.
function arrows(s, d, fakeOff, arrowOff, m, width) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i < m; i++) {
    const dx = d[arrowOff + 2 * i], dy = d[arrowOff + 2 * i + 1];
    if (!(dx || dy)) continue;
    const x = d[fakeOff + 2 * i], y = d[fakeOff + 2 * i + 1];
    path.moveTo(x * W, (1 - y) * H); path.lineTo((x + dx) * W, (1 - y - dy) * H);
  }
  ctx.strokeStyle = ARROW; ctx.lineWidth = width * s.dpr; ctx.stroke(path);
}

function manifold(s, d, off, k, shadeOff, curve) {
  const { ctx, W, H } = s, X = i => d[off + 2 * i] * W, Y = i => (1 - d[off + 2 * i + 1]) * H;
  const buckets = Array.from({ length: 8 }, () => new Path2D());
  if (curve) {
    for (let i = 0; i + 1 < k; i++) {
      const b = bucket(d[shadeOff + i], 8);
      buckets[b].moveTo(X(i), Y(i)); buckets[b].lineTo(X(i + 1), Y(i + 1));
    }
    ctx.lineWidth = 3 * s.dpr;
    buckets.forEach((p, b) => { ctx.strokeStyle = `rgba(118,42,131,${0.15 + 0.1 * b})`; ctx.stroke(p); });
    return;
  }
  const r = Math.round(Math.sqrt(k)), q = r - 1;
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) {
    const a = i * r + j, p = buckets[bucket(d[shadeOff + i * q + j], 8)];
    p.moveTo(X(a), Y(a)); p.lineTo(X(a + 1), Y(a + 1)); p.lineTo(X(a + r + 1), Y(a + r + 1));
    p.lineTo(X(a + r), Y(a + r)); p.closePath();
  }
  buckets.forEach((p, b) => { ctx.fillStyle = `rgba(118,42,131,${0.04 + 0.07 * b})`; ctx.fill(p); });
  ctx.strokeStyle = "rgba(118,42,131,0.25)"; ctx.lineWidth = 0.5 * s.dpr;
  buckets.forEach(p => ctx.stroke(p));
}

// Small squares for thumbnails: one fillRect each is far cheaper than an arc.
function specks(s, d, off, n, colour, size) {
  const { ctx, W, H } = s, r = size * s.dpr;
  ctx.fillStyle = colour;
  for (let i = 0; i < n; i++) ctx.fillRect(d[off + 2 * i] * W - r / 2, (1 - d[off + 2 * i + 1]) * H - r / 2, r, r);
}

// The thumbnails' specks are written straight into the canvas's pixels (one
// putImageData per thumbnail), not drawn as shapes: thousands of small squares a
// frame cost the browser far more as canvas calls. A speck is a block of whole pixels.
const images = new Map();
function pixels(s) {
  let img = images.get(s.ctx.canvas);
  if (!img || img.width !== s.W || img.height !== s.H) {
    img = s.ctx.createImageData(s.W, s.H);
    images.set(s.ctx.canvas, img);
  }
  const px = new Uint32Array(img.data.buffer);
  px.fill(0);
  return { img, px };
}
// A colour as one 32-bit pixel (RGBA bytes in memory order, little-endian).
const pixel = ([r, g, b]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
const PX = { [REAL]: pixel(hex(REAL)), [FAKE]: pixel(hex(FAKE)) };
const VERDICT_PX = Array.from({ length: 9 }, (_, b) => pixel(lutRgb(DOT_LUT, b / 8)));
// The pixels of a size x size block centred on (cx, cy) that fall on the canvas
// (a point outside the square draws nothing, as a shape would).
function block(px, W, H, cx, cy, size, value) {
  const left = Math.round(cx - size / 2), top = Math.round(cy - size / 2);
  const x0 = Math.max(0, left), x1 = Math.min(W, left + size);
  for (let y = Math.max(0, top); y < Math.min(H, top + size); y++) {
    if (x0 < x1) px.fill(value, y * W + x0, y * W + x1);
  }
}
// Specks of one colour; with `voff`, filled with D(x)'s colour inside a rim of `colour`
// (a verdict near 0.5 is near white).
function pixelSpecks(s, px, d, off, n, colour, size, voff = -1) {
  const { W, H } = s, rim = Math.max(1, Math.round(size * s.dpr)), value = PX[colour];
  const inner = Math.max(1, rim - 2 * Math.max(1, Math.round(0.6 * s.dpr)));
  for (let i = 0; i < n; i++) {
    const x = d[off + 2 * i] * W, y = (1 - d[off + 2 * i + 1]) * H;
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
    block(px, W, H, x, y, rim, value);
    if (voff >= 0) {
      const b = Math.max(0, Math.min(8, Math.round(d[voff + i] * 8) || 0));
      block(px, W, H, x, y, inner, VERDICT_PX[b]);
    }
  }
}

// The noise grid behind the manifold (its start: the generator's node shows where G
// sends it), as light lines of whole pixels under the noise samples: every few of its
// lines (all of them would fill a thumbnail). It is axis-aligned, as fields.noise_view
// places noise: point i * r + j of an r x r grid sits at column i, row j; 1D noise is
// one line along the middle row.
export const GRID_RGB = [196, 186, 206];
const GRID_PX = pixel(GRID_RGB), GRID_LINES = 6;
function gridPixels(s, px, g, curve) {
  const { W, H } = s, k = g.length / 2;
  const X = i => Math.max(0, Math.min(W - 1, Math.round(g[2 * i] * W)));
  const Y = i => Math.max(0, Math.min(H - 1, Math.round((1 - g[2 * i + 1]) * H)));
  const hline = (y, xa, xb) => px.fill(GRID_PX, y * W + Math.min(xa, xb), y * W + Math.max(xa, xb) + 1);
  if (k < 2) return;
  if (curve) { hline(Y(0), X(0), X(k - 1)); return; }
  const r = Math.round(Math.sqrt(k)), step = Math.max(1, Math.ceil((r - 1) / (GRID_LINES - 1)));
  const lines = [];
  for (let i = 0; i < r - 1; i += step) lines.push(i);
  lines.push(r - 1);
  const xa = X(0), xb = X((r - 1) * r), ya = Y(0), yb = Y(r - 1);
  for (const j of lines) hline(Y(j), xa, xb);
  for (const i of lines) {
    const x = X(i * r);
    for (let y = Math.min(ya, yb); y <= Math.max(ya, yb); y++) px[y * W + x] = GRID_PX;
  }
}

// Where each layer sits in the frame buffer (ganlab/ui/paint.py `layout`): sent by
// Python as JSON whenever it changes.
export function setLayout(json) { state.layout = JSON.parse(json); }

// One frame: the main view and every thumbnail of the model graph, from one array
// `d` laid out as the last setLayout said; `flags` (a sum of FLAG values) picks the
// layers shown in the main view.
export function frameArray(d, flags) {
  const L = state.layout, res = L.res;
  const n = L.real[1] / 2, m = L.fake[1] / 2, k = L.manifold[1] / 2;
  if (flags & FLAG.heat) heat(d, L.heat[0], res);
  const visibility = flags & FLAG.heat ? "visible" : "hidden";
  if (state.heatVisibility !== visibility) el("heat").style.visibility = state.heatVisibility = visibility;
  setupView();
  const ctx = el("view").getContext("2d"), dpr = viewBox.dpr;
  const s = { ctx, W: viewBox.W, H: viewBox.H, dpr };
  ctx.clearRect(0, 0, s.W, s.H);
  // While drawing, the model's layers fade so the strokes stand out.
  ctx.globalAlpha = drawing.on ? 0.25 : 1;
  const pred = (flags & FLAG.pred) !== 0;
  if ((flags & FLAG.manifold) && k > 0) manifold(s, d, L.manifold[0], k, L.shade[0], L.curve);
  if (flags & FLAG.real) dots(s, d, L.real[0], n, 2.2 * dpr, REAL, pred, L.d_real[0]);
  if (flags & FLAG.grad) arrows(s, d, L.fake[0], L.arrows[0], m, 1.5);
  if (state.ghosts && (flags & FLAG.fake)) ghosts(s, state.ghosts, 2.6 * dpr);
  if (flags & FLAG.fake) dots(s, d, L.fake[0], m, 2.6 * dpr, FAKE, pred, L.d_fake[0]);
  state.lastFake = d.slice(L.fake[0], L.fake[0] + L.fake[1]);
  ctx.globalAlpha = 1;
  if (drawing.on) drawnLayer(ctx);
  flowStep();
  const start = performance.now();
  thumbnails(d, L, n, m, k);
  // The page benchmark (tools/benchpage.py) sets this array to collect the thumbnails'
  // cost per frame; otherwise nothing is kept.
  if (window.ganlabThumbMs) window.ganlabThumbMs.push(performance.now() - start);
  // The generator's transformation, for the morph shown while the generator node is
  // hovered or focused: where the noise grid starts and where G sends it.
  state.morph = k > 0 ? { grid: d.slice(L.grid[0], L.grid[0] + L.grid[1]),
                           man: d.slice(L.manifold[0], L.manifold[0] + L.manifold[1]),
                           curve: L.curve } : null;
}

// Where the fakes were before the last generator step: faint rings.
function ghosts(s, g, radius) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i + 1 < g.length; i += 2) {
    const x = g[i] * W, y = (1 - g[i + 1]) * H;
    path.moveTo(x + radius, y); path.arc(x, y, radius, 0, 2 * Math.PI);
  }
  ctx.save(); ctx.globalAlpha = 0.45; ctx.strokeStyle = FAKE; ctx.lineWidth = s.dpr; ctx.stroke(path); ctx.restore();
}

// A step was just taken (slow motion, or a Step button): make its effect visible.
// After a D step the old heatmap fades into the new one; after a G step the fakes'
// old places stay as faint rings until the next step or Play.
export function markStep(kind) {
  if (kind === "d") {
    state.ghosts = null;
    const old = el("heat-old"), heatCanvas = el("heat");
    old.width = heatCanvas.width; old.height = heatCanvas.height;
    old.getContext("2d").drawImage(heatCanvas, 0, 0);
    old.classList.remove("fading"); void old.offsetWidth; old.classList.add("fading");
  } else {
    state.ghosts = state.lastFake || null;
  }
}
export function clearMarks() { state.ghosts = null; }

// The model graph's live pictures, redrawn with the main view.
function thumbnails(d, L, n, m, k) {
  const t = id => { const c = el(id); const s = surface(c, 48); s.ctx.clearRect(0, 0, s.W, s.H); return s; };
  const specksOf = (id, off, count, colour, size, voff, under) => {
    const s = surface(el(id), 48), { img, px } = pixels(s);
    if (under) under(s, px);
    pixelSpecks(s, px, d, off, count, colour, size, voff);
    s.ctx.putImageData(img, 0, 0);
    return s;
  };
  const grid = (s, px) => gridPixels(s, px, d.subarray(L.grid[0], L.grid[0] + L.grid[1]), L.curve);
  specksOf("thumb-noise", L.noise[0], m, FAKE, 1.6, -1, k > 0 ? grid : null);
  let s = t("thumb-gen");
  if (k > 0) manifold(s, d, L.manifold[0], k, L.shade[0], L.curve);
  specksOf("thumb-real", L.real[0], n, REAL, 1.6);
  specksOf("thumb-fake", L.fake[0], m, FAKE, 1.6);
  s = t("thumb-disc");
  s.ctx.imageSmoothingEnabled = true;
  s.ctx.drawImage(el("heat"), 0, 0, s.W, s.H);
  specksOf("thumb-pred-real", L.real[0], n, REAL, 3, L.d_real[0]);
  specksOf("thumb-pred-fake", L.fake[0], m, FAKE, 3, L.d_fake[0]);
  s = specksOf("thumb-grad", L.fake[0], m, FAKE, 1.2);
  arrows(s, d, L.fake[0], L.arrows[0], m, 1);
}

// A data set tile's picture: `d` holds points (x, y, x, y, ...) in the unit square.
export function tileArray(preset, d) {
  const canvas = document.querySelector(`#tile-${preset} canvas`);
  if (!canvas) return;
  const s = surface(canvas, 40);
  s.ctx.clearRect(0, 0, s.W, s.H);
  specks(s, d, 0, d.length / 2, REAL, 1.5);
}

// ----- how the generator transforms noise: hover or focus the generator node ---------------
// The noise grid flows into the generator's manifold in the main view, and back; with
// reduced motion both end states are shown still, the grid dashed.
const MORPH_MS = 2400;
let morphStart = 0, morphOn = false;
function meshPath(pts, curve, W, H) {
  const path = new Path2D(), X = i => pts[2 * i] * W, Y = i => (1 - pts[2 * i + 1]) * H;
  const k = pts.length / 2;
  if (curve) {
    path.moveTo(X(0), Y(0)); for (let i = 1; i < k; i++) path.lineTo(X(i), Y(i));
    return path;
  }
  const r = Math.round(Math.sqrt(k));
  for (let i = 0; i < r; i++) {
    path.moveTo(X(i * r), Y(i * r)); for (let j = 1; j < r; j++) path.lineTo(X(i * r + j), Y(i * r + j));
    path.moveTo(X(i), Y(i)); for (let j = 1; j < r; j++) path.lineTo(X(j * r + i), Y(j * r + i));
  }
  return path;
}
function drawMorph(now) {
  const canvas = el("morph"), m = state.morph;
  const s = surface(canvas, 480);
  s.ctx.clearRect(0, 0, s.W, s.H);
  if (!morphOn || !m) return;
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  s.ctx.lineWidth = 1.2 * s.dpr;
  if (still) {
    s.ctx.setLineDash([4 * s.dpr, 4 * s.dpr]); s.ctx.strokeStyle = "rgba(60,60,60,0.7)";
    s.ctx.stroke(meshPath(m.grid, m.curve, s.W, s.H));
    s.ctx.setLineDash([]); s.ctx.strokeStyle = "rgba(118,42,131,0.9)";
    s.ctx.stroke(meshPath(m.man, m.curve, s.W, s.H));
    return;
  }
  // 0 -> 1 -> 0 with pauses at both ends, eased.
  const phase = ((now - morphStart) % MORPH_MS) / MORPH_MS;
  const tri = Math.min(1, Math.max(0, (phase < 0.5 ? phase : 1 - phase) * 2.6 - 0.15));
  const t = tri * tri * (3 - 2 * tri);
  const pts = new Float64Array(m.grid.length);
  for (let i = 0; i < pts.length; i++) pts[i] = m.grid[i] + (m.man[i] - m.grid[i]) * t;
  s.ctx.strokeStyle = "rgba(118,42,131,0.9)";
  s.ctx.stroke(meshPath(pts, m.curve, s.W, s.H));
  el("morph").dataset.t = t.toFixed(3);
  requestAnimationFrame(drawMorph);
}
function setMorph(on) {
  if (on === morphOn) return;
  morphOn = on;
  el("view-wrap").classList.toggle("morphing", on);
  morphStart = performance.now();
  requestAnimationFrame(drawMorph);
}
export function setupMorph() {
  const node = el("node-generator");
  if (!node) return;
  node.addEventListener("pointerenter", () => setMorph(true));
  node.addEventListener("pointerleave", () => setMorph(document.activeElement === node));
  node.addEventListener("focus", () => setMorph(true));
  node.addEventListener("blur", () => setMorph(false));
}
