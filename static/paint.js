// Pixels for the playground: arrays in, canvas calls out. No training logic here.
// Python (ganlab/ui/paint.py) packs each frame into one Float64Array-backed buffer
// and calls window.ganlabView.frame(...) once per animation frame; this file
// draws every layer with one canvas call (or a few, for shaded layers).

const PRGN = ["#762a83", "#9970ab", "#c2a5cf", "#e7d4e8", "#f7f7f7",
              "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837"];
export const REAL = "#1b7837";
export const FAKE = "#762a83";
const ARROW = "#d6336c";
const DRAWN = "#e08214";
// Arrow length grows with the logarithm of the pull |dL_G/dx|, so a pull 10x weaker
// still shows (shorter), and a strong one does not cover the view:
// length = 0.025 * ln(1 + |g| / 0.5) of the square, at most 0.15.
const ARROW_LOG = 0.025, ARROW_G0 = 0.5, ARROW_MAX = 0.15;
export const FLAG = { heat: 1, real: 2, fake: 4, manifold: 8, grad: 16, pred: 32 };

function hex(c) { return [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16)); }

// 256-entry lookup tables: heat (lightened towards white so dots stay visible)
// and prediction colours (full strength), both purple = fake, green = real.
function buildLut(lighten) {
  const stops = PRGN.map(hex), lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = i / 255 * (stops.length - 1), k = Math.min(stops.length - 2, Math.floor(t)), f = t - k;
    for (let c = 0; c < 3; c++) {
      const v = stops[k][c] * (1 - f) + stops[k + 1][c] * f;
      lut[i * 4 + c] = v + (255 - v) * lighten;
    }
    lut[i * 4 + 3] = 255;
  }
  return lut;
}
const HEAT_LUT = buildLut(0.2), DOT_LUT = buildLut(0);
// Index of value v in [0, 1] among `n` buckets; NaN (a blown-up model) goes to 0.
function bucket(v, n) { return Math.max(0, Math.min(n - 1, Math.floor(v * n) || 0)); }

function lutCss(lut, v) {
  const i = Math.max(0, Math.min(255, Math.round(v * 255))) * 4;
  return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`;
}

const state = { drawing: false, drawn: [], pressed: false, last: null, image: null, res: 0,
                charts: {}, W: 0, H: 0, layout: null };

function el(id) { return document.getElementById(id); }

// Give a canvas one pixel per device pixel of its CSS size (crisp on high-DPI
// screens); returns [width, height, devicePixelRatio].
// The sizes are measured once and again only after a resize: reading a layout
// box every frame would force the browser to lay out the page every frame.
const fitted = new Map();
addEventListener("resize", () => fitted.clear());
function fitCanvas(canvas, cssW, cssH) {
  let size = fitted.get(canvas);
  if (!size) {
    const dpr = window.devicePixelRatio || 1, css = canvas.getBoundingClientRect();
    size = [Math.round((css.width || cssW) * dpr), Math.round((css.height || cssH) * dpr), dpr];
    if (css.width) fitted.set(canvas, size);
  }
  const [w, h] = size;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  return size;
}
function refit() { fitted.clear(); }

function setupView() {
  [state.W, state.H, state.dpr] = fitCanvas(el("view"), 480, 480);
}

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

// A drawing surface: a 2D context and the size of the unit square on it.
function surface(canvas, css) {
  const [w, h, dpr] = fitCanvas(canvas, css, css);
  return { ctx: canvas.getContext("2d"), W: w, H: h, dpr };
}

function dots(s, d, off, n, radius, colour, verdict, voff) {
  const { ctx, W, H } = s;
  if (!verdict) {
    const path = new Path2D();
    for (let i = 0; i < n; i++) {
      const x = d[off + 2 * i] * W, y = (1 - d[off + 2 * i + 1]) * H;
      path.moveTo(x + radius, y); path.arc(x, y, radius, 0, 2 * Math.PI);
    }
    ctx.fillStyle = colour; ctx.fill(path);
    return;
  }
  // Coloured by D(x): group into 9 colour buckets, one fill each.
  const paths = Array.from({ length: 9 }, () => new Path2D());
  for (let i = 0; i < n; i++) {
    const x = d[off + 2 * i] * W, y = (1 - d[off + 2 * i + 1]) * H;
    const b = Math.max(0, Math.min(8, Math.round(d[voff + i] * 8) || 0));   // colour b / 8
    paths[b].moveTo(x + radius, y); paths[b].arc(x, y, radius, 0, 2 * Math.PI);
  }
  ctx.strokeStyle = colour; ctx.lineWidth = s.dpr;
  paths.forEach((p, b) => { ctx.fillStyle = lutCss(DOT_LUT, b / 8); ctx.fill(p); ctx.stroke(p); });
}

function arrows(s, d, fakeOff, arrowOff, m, width) {
  const { ctx, W, H } = s, path = new Path2D();
  for (let i = 0; i < m; i++) {
    const x = d[fakeOff + 2 * i], y = d[fakeOff + 2 * i + 1];
    const gx = d[arrowOff + 2 * i], gy = d[arrowOff + 2 * i + 1], g = Math.hypot(gx, gy);
    if (!(g > 1e-9)) continue;
    const k = Math.min(ARROW_MAX, ARROW_LOG * Math.log1p(g / ARROW_G0)) / g;
    path.moveTo(x * W, (1 - y) * H); path.lineTo((x + gx * k) * W, (1 - y - gy * k) * H);
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

function drawnLayer(ctx) {
  const { W, H } = state, path = new Path2D(), r = 2 * state.dpr, p = state.drawn;
  for (let i = 0; i < p.length; i += 2) {
    const x = p[i] * W, y = (1 - p[i + 1]) * H;
    path.moveTo(x + r, y); path.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.fillStyle = DRAWN; ctx.fill(path);
}

// Where each layer sits in the frame buffer (ganlab/ui/paint.py `layout`): sent by
// Python as JSON whenever it changes.
function setLayout(json) { state.layout = JSON.parse(json); }

// One frame: the main view and every thumbnail of the model graph, from one buffer.
// `d` is a Float64Array laid out as state.layout says.
function frameArray(d, flags) {
  const L = state.layout, res = L.res;
  const n = L.real[1] / 2, m = L.fake[1] / 2, k = L.manifold[1] / 2;
  if (flags & FLAG.heat) heat(d, L.heat[0], res);
  const visibility = flags & FLAG.heat ? "visible" : "hidden";
  if (state.heatVisibility !== visibility) el("heat").style.visibility = state.heatVisibility = visibility;
  setupView();
  const ctx = el("view").getContext("2d"), dpr = state.dpr;
  const s = { ctx, W: state.W, H: state.H, dpr };
  ctx.clearRect(0, 0, state.W, state.H);
  // While drawing, the model's layers fade so the strokes stand out.
  ctx.globalAlpha = state.drawing ? 0.25 : 1;
  const pred = (flags & FLAG.pred) !== 0;
  if ((flags & FLAG.manifold) && k > 0) manifold(s, d, L.manifold[0], k, L.shade[0], L.curve);
  if (flags & FLAG.real) dots(s, d, L.real[0], n, 2.2 * dpr, REAL, pred, L.d_real[0]);
  if (flags & FLAG.grad) arrows(s, d, L.fake[0], L.arrows[0], m, 1.5);
  if (state.ghosts && (flags & FLAG.fake)) ghosts(s, state.ghosts, 2.6 * dpr);
  if (flags & FLAG.fake) dots(s, d, L.fake[0], m, 2.6 * dpr, FAKE, pred, L.d_fake[0]);
  state.lastFake = d.slice(L.fake[0], L.fake[0] + L.fake[1]);
  ctx.globalAlpha = 1;
  if (state.drawing) drawnLayer(ctx);
  thumbnails(d, L, n, m, k);
  // The generator's transformation, for the morph shown while the generator node is
  // hovered or focused: where the noise grid starts and where G sends it.
  state.morph = k > 0 ? { grid: d.slice(L.grid[0], L.grid[0] + L.grid[1]),
                           man: d.slice(L.manifold[0], L.manifold[0] + L.manifold[1]),
                           curve: L.curve } : null;
}
// The same from Python: a buffer proxy, read in place and released.
function frame(buf, flags) {
  const b = buf.getBuffer("f64");
  try { frameArray(b.data, flags); } finally { b.release(); }
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
function markStep(kind) {
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
function clearMarks() { state.ghosts = null; }

// The model graph's live pictures, redrawn with the main view.
function thumbnails(d, L, n, m, k) {
  const t = id => { const c = el(id); const s = surface(c, 48); s.ctx.clearRect(0, 0, s.W, s.H); return s; };
  let s = t("thumb-noise");
  specks(s, d, L.noise[0], m, FAKE, 1.6);
  s = t("thumb-gen");
  if (k > 0) manifold(s, d, L.manifold[0], k, L.shade[0], L.curve);
  s = t("thumb-real");
  specks(s, d, L.real[0], n, REAL, 1.6);
  s = t("thumb-fake");
  specks(s, d, L.fake[0], m, FAKE, 1.6);
  s = t("thumb-disc");
  s.ctx.imageSmoothingEnabled = true;
  s.ctx.drawImage(el("heat"), 0, 0, s.W, s.H);
  s = t("thumb-pred-real");
  dots(s, d, L.real[0], n, 1.5 * s.dpr, REAL, true, L.d_real[0]);
  s = t("thumb-pred-fake");
  dots(s, d, L.fake[0], m, 1.5 * s.dpr, FAKE, true, L.d_fake[0]);
  s = t("thumb-grad");
  specks(s, d, L.fake[0], m, FAKE, 1.2);
  arrows(s, d, L.fake[0], L.arrows[0], m, 1);
}

// The data set picker's pictures: `buf` holds points (x, y) in the square.
function tileArray(preset, d) {
  const canvas = document.querySelector(`#tile-${preset} canvas`);
  if (!canvas) return;
  const s = surface(canvas, 40);
  s.ctx.clearRect(0, 0, s.W, s.H);
  specks(s, d, 0, d.length / 2, REAL, 1.5);
}
function drawTile(preset, buf) {
  const b = buf.getBuffer("f64");
  try { tileArray(preset, b.data); } finally { b.release(); }
}

// ----- the model graph's edges: drawn between the nodes wherever the layout puts them.
const EDGES = [
  ["node-noise", "node-generator", "g"], ["node-generator", "node-fake", "g"],
  ["node-real", "node-discriminator", "d"], ["node-fake", "node-discriminator", "g d"],
  ["node-discriminator", "node-pred-real", "d"], ["node-discriminator", "node-pred-fake", "g d"],
  ["node-pred-real", "node-dloss", "d"], ["node-pred-fake", "node-dloss", "d"],
  ["node-pred-fake", "node-gloss", "g"],
];
const LOOPS = [
  ["node-dloss", "node-update-d", "d"], ["node-update-d", "node-discriminator", "d"],
  ["node-gloss", "node-grad", "g"], ["node-grad", "node-update-g", "g"],
  ["node-update-g", "node-generator", "g"],
];

function layoutEdges() {
  fitted.clear();
  const svg = el("edges"), box = el("overview").getBoundingClientRect();
  if (!svg || !box.width) return;
  const rect = id => { const r = el(id).getBoundingClientRect();
    return { l: r.left - box.left, r: r.right - box.left, t: r.top - box.top, b: r.bottom - box.top,
             cx: (r.left + r.right) / 2 - box.left, cy: (r.top + r.bottom) / 2 - box.top }; };
  const parts = [];
  for (const [a, b, cls] of EDGES) {
    const p = rect(a), q = rect(b);
    const x1 = p.r, y1 = p.cy, x2 = q.l, y2 = q.cy, mx = (x1 + x2) / 2;
    parts.push(`<path class="${cls}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}"/>`);
  }
  for (const [a, b, cls] of LOOPS) {
    const p = rect(a), q = rect(b);
    const x1 = p.cx, y1 = p.b, x2 = q.cx, y2 = q.t, my = (y1 + y2) / 2;
    const down = y2 > y1;
    const [sx, sy, ex, ey] = down ? [x1, y1, x2, y2] : [p.cx, p.t, q.cx, q.b];
    const cy = down ? my : (sy + ey) / 2;
    parts.push(`<path class="loop ${cls}" d="M${sx},${sy} C${sx},${cy} ${ex},${cy} ${ex},${ey}"/>`);
  }
  svg.innerHTML = parts.join("");    // our own constant markup: no user text
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
function setupMorph() {
  const node = el("node-generator");
  if (!node) return;
  node.addEventListener("pointerenter", () => setMorph(true));
  node.addEventListener("pointerleave", () => setMorph(document.activeElement === node));
  node.addEventListener("focus", () => setMorph(true));
  node.addEventListener("blur", () => setMorph(false));
}

// ----- messages: a toast next to the control the learner just used -----------------------
let messageTimer = 0;
function showMessage(anchorId, seconds) {
  const msg = el("message"), anchor = (anchorId && el(anchorId)) || document.activeElement;
  msg.dataset.shown = "true";
  const target = anchor && anchor !== document.body ? anchor : document.querySelector("#topbar .run");
  const r = target.getBoundingClientRect(), m = msg.getBoundingClientRect();
  let top = r.bottom + 6;
  if (top + m.height > innerHeight - 8) top = r.top - m.height - 6;
  top = Math.max(8, Math.min(innerHeight - m.height - 8, top));
  const left = Math.max(8, Math.min(innerWidth - m.width - 8, r.left));
  msg.style.top = `${top + scrollY}px`; msg.style.left = `${left + scrollX}px`;   // #message is absolute
  clearTimeout(messageTimer);
  messageTimer = setTimeout(hideMessage, seconds * 1000);
}
function hideMessage() { el("message").dataset.shown = "false"; }

// ----- charts: each keeps its own series; Python sends only new rows -------------
function chartData(id) {
  return state.charts[id] || (state.charts[id] = { x: [], a: [], b: [] });
}

// rows: flat [epoch, a, b, epoch, a, b, ...] (NaN for "not known"); replace: start over.
function chartRows(id, d, replace) {
  const c = chartData(id);
  if (replace) { c.x = []; c.a = []; c.b = []; }
  for (let i = 0; i + 2 < d.length; i += 3) { c.x.push(d[i]); c.a.push(d[i + 1]); c.b.push(d[i + 2]); }
  drawChart(id, c);
}
function chartPush(id, buf, replace) {
  const b = buf.getBuffer("f64");
  try { chartRows(id, b.data, replace); } finally { b.release(); }
}

function drawChart(id, c) {
  const canvas = el(id), [w, h, dpr] = fitCanvas(canvas, 320, 140);
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  const n = c.x.length;
  if (n === 0) return;
  // The loss chart puts both losses on one scale; the divergence chart gives JS
  // its own fixed 0..1 scale (right) so that KL's larger values don't flatten it.
  const shared = id === "chart-loss";
  // Robust y range: ignore the top 2% of values (early spikes would flatten the rest),
  // estimated from at most ~500 evenly spaced values so a long history stays cheap.
  const step = Math.max(1, Math.floor(n / 256)), vals = [];
  for (let i = 0; i < n; i += step) { vals.push(c.a[i]); if (shared) vals.push(c.b[i]); }
  vals.push(c.a[n - 1]); if (shared) vals.push(c.b[n - 1]);
  for (let i = vals.length - 1; i >= 0; i--) if (!Number.isFinite(vals[i])) vals.splice(i, 1);
  vals.sort((p, q) => p - q);
  if (vals.length === 0) return;
  let lo = Math.min(0, vals[0]), hi = vals[Math.floor((vals.length - 1) * 0.98)];
  if (!(hi > lo)) hi = lo + 1;
  const x0 = c.x[0], x1 = Math.max(c.x[n - 1], x0 + 1), pad = 4 * dpr, left = 34 * dpr;
  const right = shared ? pad : 30 * dpr;
  const X = v => left + (v - x0) / (x1 - x0) * (w - left - right);
  const scale = (low, high) => v => h - pad - (Math.min(v, high) - low) / (high - low) * (h - 2 * pad - 10 * dpr);
  const Ys = [scale(lo, hi), shared ? scale(lo, hi) : scale(0, 1)];
  ctx.font = `${10 * dpr}px sans-serif`; ctx.fillStyle = "#555";
  ctx.fillText(hi.toPrecision(3), 2, 12 * dpr); ctx.fillText(lo.toPrecision(2), 2, h - pad);
  ctx.textAlign = "right";
  if (!shared) { ctx.fillText("JS 1", w - 2, 12 * dpr); ctx.fillText("0", w - 2, h - pad); }
  ctx.fillText(`epoch ${Math.round(c.x[n - 1])}`, w - (shared ? 2 : 34) * dpr, 12 * dpr);
  ctx.textAlign = "left";
  const colours = id === "chart-loss" ? ["#5e3c99", "#e66101"] : ["#0571b0", "#ca0020"];
  // Each series twice: the raw values faint, and an exponential moving average
  // (spanning about 1/40 of the chart) bold, so the trend shows through the noise.
  const stride = Math.max(1, Math.floor(n / (w / dpr) / 2));  // <= ~2 points per pixel column
  const alpha = Math.min(1, 2 / (n / 40 + 1));
  [c.a, c.b].forEach((ys, s) => {
    const Y = Ys[s], raw = new Path2D(), smooth = new Path2D();
    let pen = false, ema = NaN;
    for (let i = 0; i < n; i++) {
      const y = ys[i];
      if (!Number.isFinite(y)) { pen = false; continue; }
      ema = Number.isFinite(ema) ? ema + alpha * (y - ema) : y;
      if (i % stride !== 0 && i !== n - 1) continue;
      const px = X(c.x[i]);
      if (pen) { raw.lineTo(px, Y(y)); smooth.lineTo(px, Y(ema)); }
      else { raw.moveTo(px, Y(y)); smooth.moveTo(px, Y(ema)); }
      pen = true;
    }
    ctx.strokeStyle = colours[s];
    ctx.globalAlpha = 0.3; ctx.lineWidth = dpr; ctx.stroke(raw);
    ctx.globalAlpha = 1; ctx.lineWidth = 2 * dpr; ctx.stroke(smooth);
  });
}

// ----- drawing your own data -------------------------------------------------------
const MAX_DRAWN = 100000;
const SPACING = 0.008;   // one point every 0.8% of the square along a stroke

// The pointer's place in the unit square, or null outside the view: a stroke that
// leaves the view pauses there instead of piling points on its edge.
function toUnit(ev) {
  const r = el("view").getBoundingClientRect();
  const x = (ev.clientX - r.left) / r.width, y = 1 - (ev.clientY - r.top) / r.height;
  return x >= 0 && x <= 1 && y >= 0 && y <= 1 ? [x, y] : null;
}

function addPoint(p) {
  if (state.drawn.length / 2 >= MAX_DRAWN) return;
  state.drawn.push(p[0], p[1]);
  const { W, H } = state, ctx = el("view").getContext("2d"), r = 2 * (state.dpr || 1);
  ctx.fillStyle = DRAWN; ctx.beginPath(); ctx.arc(p[0] * W, (1 - p[1]) * H, r, 0, 2 * Math.PI); ctx.fill();
}

function strokeTo(p) {
  if (!p) { state.last = null; return; }
  const last = state.last;
  if (last) {
    const dist = Math.hypot(p[0] - last[0], p[1] - last[1]);
    const steps = Math.floor(dist / SPACING);
    for (let s = 1; s <= steps; s++) {
      const t = s * SPACING / dist;
      addPoint([last[0] + (p[0] - last[0]) * t, last[1] + (p[1] - last[1]) * t]);
    }
    if (steps === 0) return;
    state.last = [last[0] + (p[0] - last[0]) * steps * SPACING / dist,
                  last[1] + (p[1] - last[1]) * steps * SPACING / dist];
  } else {
    addPoint(p);
    state.last = p;
  }
  updateCount();
}

function updateCount() {
  const n = state.drawn.length / 2;
  el("draw-count").textContent = n >= MAX_DRAWN
    ? `${n.toLocaleString("en")} points drawn: the most a drawing can hold, so further strokes add nothing`
    : `${n} point${n === 1 ? "" : "s"} drawn`;
}

function setupDrawing() {
  const view = el("view");
  view.addEventListener("pointerdown", ev => {
    if (!state.drawing) return;
    ev.preventDefault();
    setupView();
    view.setPointerCapture(ev.pointerId);
    state.pressed = true; state.last = null;
    strokeTo(toUnit(ev));
  });
  view.addEventListener("pointermove", ev => {
    if (!state.drawing || !state.pressed) return;
    const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
    for (const e of (events.length ? events : [ev])) strokeTo(toUnit(e));
  });
  const end = () => { state.pressed = false; state.last = null; keepDrawing(); };
  view.addEventListener("pointerup", end);
  view.addEventListener("pointercancel", end);
}

function setDrawing(on) {
  state.drawing = !!on;
  const view = el("view");
  view.classList.toggle("drawing", state.drawing);
  el("view-wrap").classList.toggle("drawing", state.drawing);
  if (state.drawing) { setupView(); drawnLayer(view.getContext("2d")); }
}

function drawnPoints() { return state.drawn.slice(); }
function clearDrawing() { state.drawn = []; updateCount(); keepDrawing(); }

// The drawing survives a reload of the tab (sessionStorage: this tab only).
const DRAWING_KEY = "ganlab-drawing";
function keepDrawing() {
  try {
    if (state.drawn.length) sessionStorage.setItem(DRAWING_KEY, JSON.stringify(state.drawn));
    else sessionStorage.removeItem(DRAWING_KEY);
  } catch (e) { /* storage full or off: the drawing lives on in the page */ }
}
function restoreDrawing() {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(DRAWING_KEY) || "null"); } catch (e) { saved = null; }
  if (Array.isArray(saved) && saved.length % 2 === 0 && saved.length <= 2 * MAX_DRAWN
      && saved.every(v => typeof v === "number" && v >= 0 && v <= 1)) {
    state.drawn = saved;
  }
  updateCount();
}

// If Python never comes up (a missing file, a failed download), say so in the page.
function failStartup(message) {
  if (document.body.dataset.state !== "loading") return;
  document.body.dataset.state = "error";
  const panel = el("error-panel");
  el("error-text").textContent = message;
  panel.hidden = false;
  el("loading").hidden = true;
}
window.addEventListener("error", ev => failStartup(`Start-up failed: ${ev.message || ev.type}`));
window.addEventListener("unhandledrejection", ev => failStartup(`Start-up failed: ${ev.reason && ev.reason.message || ev.reason}`));
addEventListener("py:error", ev => failStartup("Python failed to start."));

// ----- model files -----------------------------------------------------------------
const MAX_MODEL_BYTES = 50 * 1024 * 1024;

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Reading a file is asynchronous: read it here, then hand the text to Python.
function setupModelInput() {
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

setupDrawing();
setupModelInput();
setupMorph();
restoreDrawing();
window.ganlabView = { frame, frameArray, chartRows, tileArray, setLayout, chartPush, setDrawing, drawnPoints, clearDrawing, setupView,
                      failStartup, download, drawTile, layoutEdges, showMessage, hideMessage,
                      markStep, clearMarks, refit };
// A message goes with the next action: any press elsewhere hides it.
document.addEventListener("pointerdown", ev => { if (!el("message").contains(ev.target)) hideMessage(); }, true);
