// What every part of the painter shares: the page's colours, the colour scales, and
// canvases sized to the screen's pixels. No drawing of marks here.

const PRGN = ["#762a83", "#9970ab", "#c2a5cf", "#e7d4e8", "#f7f7f7",
              "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837"];
export const REAL = "#1b7837";
export const FAKE = "#762a83";
export const ARROW = "#d6336c";
export const DRAWN = "#e08214";

export function el(id) { return document.getElementById(id); }

export function hex(c) { return [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16)); }

// A 256-entry lookup table (RGBA) through the colours `colours` (hex), evenly
// spaced, each lightened towards white by `lighten`.
export function buildLut(colours, lighten = 0) {
  const stops = colours.map(hex), lut = new Uint8ClampedArray(256 * 4);
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
// Heat (lightened so dots stay visible) and prediction colours (full strength), both
// purple = fake, green = real.
export const HEAT_LUT = buildLut(PRGN, 0.2), DOT_LUT = buildLut(PRGN);
// Index of value v in [0, 1] among `n` buckets; NaN (a blown-up model) goes to 0.
export function bucket(v, n) { return Math.max(0, Math.min(n - 1, Math.floor(v * n) || 0)); }

// The [r, g, b] of value v in [0, 1] in a lookup table, and the same as CSS.
export function lutRgb(lut, v) {
  const i = Math.max(0, Math.min(255, Math.round(v * 255))) * 4;
  return [lut[i], lut[i + 1], lut[i + 2]];
}
export function lutCss(lut, v) { return `rgb(${lutRgb(lut, v).join(",")})`; }

// Give a canvas one pixel per device pixel of its CSS size (crisp on high-DPI
// screens); returns [width, height, devicePixelRatio].
// The sizes are measured once and again only after a resize: reading a layout
// box every frame would force the browser to lay out the page every frame.
const fitted = new Map();
addEventListener("resize", () => fitted.clear());
export function fitCanvas(canvas, cssW, cssH) {
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
// The layout changed (the model graph re-laid, a panel opened): measure again.
export function refit() { fitted.clear(); }

// A drawing surface: a 2D context and the size of the unit square on it.
export function surface(canvas, css) {
  const [w, h, dpr] = fitCanvas(canvas, css, css);
  return { ctx: canvas.getContext("2d"), W: w, H: h, dpr };
}

// The main view's canvas: its size in device pixels, shared by the layers and the drawing.
export const viewBox = { W: 0, H: 0, dpr: 1 };
export function setupView() {
  [viewBox.W, viewBox.H, viewBox.dpr] = fitCanvas(el("view"), 480, 480);
}
