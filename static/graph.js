// The model graph's edges: drawn between the nodes wherever the layout puts them.
import { el, refit } from "./canvas.js";

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

export function layoutEdges() {
  refit();
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

// The data flowing along the edges while playing: called with every drawn frame, it
// moves the dashes 1.5 px every FLOW_EVERY frames (about 20 px a second at 60 frames a
// second), so the graph is repainted a few times a second rather than every frame.
const FLOW_EVERY = 4, reduced = matchMedia("(prefers-reduced-motion: reduce)");
let flowFrames = 0, flowAt = 0;
export function flowStep() {
  if (reduced.matches || ++flowFrames % FLOW_EVERY) return;
  const graph = el("overview");
  if (!graph || graph.dataset.phase !== "play") return;
  flowAt = (flowAt + 1.5) % 9;                    // one dash and gap: 9 px
  el("edges").style.setProperty("--flow", `${-flowAt}px`);
}
