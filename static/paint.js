// The painter: assembles window.ganlabView, which Python (ganlab/ui/) calls to draw.
// Each job lives in its own module: view.js (the main view, thumbnails, tiles, step
// marks, the generator's morph), charts.js, input.js (drawing, model files),
// graph.js (the model graph's edges), message.js (toasts, the start-up error panel),
// canvas.js (what they share). No training logic and no encoding that teaches here:
// Python computes the numbers, these files place them.
//
// Two ways in: plain typed arrays (frameArray, chartRows, tileArray), which a page can
// call before Python is up (a first frame made at build time), and Python's PyProxy
// buffers (frame, chartPush, drawTile), which borrow the array without a copy and
// release it once drawn.
import { refit, setupView } from "./canvas.js";
import { chartRows } from "./charts.js";
import { layoutEdges } from "./graph.js";
import { clearDrawing, download, drawnPoints, restoreDrawing, setDrawing, setupDrawing, setupModelInput }
  from "./input.js";
import { failStartup, hideMessage, setupMessages, showMessage, watchStartup } from "./message.js";
import { clearMarks, frameArray, markStep, setLayout, setupMorph, tileArray } from "./view.js";

// Run `draw` on the Float64Array behind a PyProxy of a NumPy array, then release it.
function withArray(buf, draw) {
  const b = buf.getBuffer("f64");
  try {
    draw(b.data);
  } finally {
    b.release();
  }
}

const frame = (buf, flags) => withArray(buf, d => frameArray(d, flags));
const chartPush = (id, buf, replace) => withArray(buf, d => chartRows(id, d, replace));
const drawTile = (preset, buf) => withArray(buf, d => tileArray(preset, d));

watchStartup();
setupDrawing();
setupModelInput();
setupMorph();
setupMessages();
restoreDrawing();
window.ganlabView = { frame, frameArray, setLayout, chartPush, chartRows, drawTile, tileArray,
                      setDrawing, drawnPoints, clearDrawing, setupView, failStartup, download,
                      layoutEdges, showMessage, hideMessage, markStep, clearMarks, refit };
