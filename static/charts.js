// The three charts (losses; distance to the real data; precision and recall). Each
// keeps its own series;
// Python sends only the new rows, each with its smoothed values, and the y ranges to
// draw them on (ganlab/encodings.py smooth and y_range; ganlab/ui/paint.py Charts):
// this file only draws.
import { el, fitCanvas } from "./canvas.js";

// What chartRows receives: HEADER numbers [low_a, high_a, low_b, high_b] (the y range
// of series a, left scale, and of series b, right scale when it differs), then rows
// of ROW numbers [epoch, a, b, a_smoothed, b_smoothed] (NaN: not known).
export const HEADER = 4, ROW = 5;

const charts = {};
function chartData(id) {
  return charts[id] || (charts[id] = { x: [], a: [], b: [], sa: [], sb: [], range: [NaN, NaN, NaN, NaN] });
}

// New rows for chart `id` (see HEADER and ROW); replace: start the series over.
export function chartRows(id, d, replace) {
  const c = chartData(id);
  if (replace) { c.x = []; c.a = []; c.b = []; c.sa = []; c.sb = []; }
  c.range = Array.from(d.subarray(0, HEADER));
  for (let i = HEADER; i + ROW <= d.length; i += ROW) {
    c.x.push(d[i]); c.a.push(d[i + 1]); c.b.push(d[i + 2]); c.sa.push(d[i + 3]); c.sb.push(d[i + 4]);
  }
  drawChart(id, c);
}

// Each chart's two series: a, b (style.css gives the keys under the charts the same).
const COLOURS = { "chart-loss": ["#5e3c99", "#e66101"], "chart-div": ["#0571b0", "#ca0020"],
                  "chart-pr": ["#018571", "#a6611a"] };

// Short labels for a scale's ends: 3 significant digits.
const label = v => Math.abs(v) >= 1e4 ? v.toExponential(1) : String(Number(v.toPrecision(3)));

function drawChart(id, c) {
  const canvas = el(id), [w, h, dpr] = fitCanvas(canvas, 320, 140);
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  const n = c.x.length, [loA, hiA, loB, hiB] = c.range;
  if (n === 0 || !(hiA > loA) || !(hiB > loB)) return;
  // Series b gets its own scale on the right when Python gave it one (JS: 0 to 1).
  const shared = loA === loB && hiA === hiB;
  const x0 = c.x[0], x1 = Math.max(c.x[n - 1], x0 + 1), pad = 4 * dpr, left = 34 * dpr;
  const right = shared ? pad : 30 * dpr;
  const X = v => left + (v - x0) / (x1 - x0) * (w - left - right);
  const scale = (low, high) => v => h - pad - (Math.max(low, Math.min(v, high)) - low) / (high - low) * (h - 2 * pad - 10 * dpr);
  const Ys = [scale(loA, hiA), scale(loB, hiB)];
  ctx.font = `${10 * dpr}px sans-serif`; ctx.fillStyle = "#555";
  ctx.fillText(label(hiA), 2, 12 * dpr); ctx.fillText(label(loA), 2, h - pad);
  ctx.textAlign = "right";
  if (!shared) { ctx.fillText(`JS ${label(hiB)}`, w - 2, 12 * dpr); ctx.fillText(label(loB), w - 2, h - pad); }
  ctx.fillText(`epoch ${Math.round(c.x[n - 1])}`, w - (shared ? 2 : 34) * dpr, 12 * dpr);
  ctx.textAlign = "left";
  const colours = COLOURS[id];
  // Each series twice: the raw values faint, the smoothed ones bold, so the trend
  // shows through the noise.
  // At most about one point per pixel column: more would draw nothing more, and a
  // long path costs the browser time to fill in every frame.
  const stride = Math.max(1, Math.floor(n / ((w - left - right) || 1)));
  [[c.a, c.sa], [c.b, c.sb]].forEach(([ys, ss], s) => {
    const Y = Ys[s], raw = new Path2D(), smooth = new Path2D();
    let pen = false;
    for (let i = 0; i < n; i++) {
      const y = ys[i], e = ss[i];
      if (!Number.isFinite(y) || !Number.isFinite(e)) { pen = false; continue; }
      if (i % stride !== 0 && i !== n - 1) continue;
      const px = X(c.x[i]);
      if (pen) { raw.lineTo(px, Y(y)); smooth.lineTo(px, Y(e)); }
      else { raw.moveTo(px, Y(y)); smooth.moveTo(px, Y(e)); }
      pen = true;
    }
    ctx.strokeStyle = colours[s];
    ctx.globalAlpha = 0.3; ctx.lineWidth = dpr; ctx.stroke(raw);
    ctx.globalAlpha = 1; ctx.lineWidth = 2 * dpr; ctx.stroke(smooth);
  });
}
