// Files in and out of the page for ganlab/ui/points_io.py and ganlab/ui/figures.py:
// a CSV of points chosen with the file input or dropped onto the view is read here
// (reading a file is asynchronous) and its text handed to Python, which checks it
// with the command line's parser; downloads of text and bytes made by Python.

const MAX_CSV_BYTES = 50 * 1024 * 1024;    // as ganlab/data.py MAX_CSV_BYTES

function el(id) { return document.getElementById(id); }

async function sendFile(file, source) {
  if (!file || !window.ganlab || !window.ganlab.importCsv) return;
  if (file.size > MAX_CSV_BYTES) {
    window.ganlab.importCsvFailed(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB; a CSV of points is at most 50 MB`, source);
    return;
  }
  let text;
  try { text = await file.text(); }
  catch (e) { window.ganlab.importCsvFailed(`cannot read ${file.name}`, source); return; }
  window.ganlab.importCsv(file.name, text, source);
}

function setupInput() {
  const input = el("import-csv");
  if (!input) return;
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = "";                        // choosing the same file again fires again
    sendFile(file, "file");
  });
}

// A file dragged over the view: the view shows it will take it; dropped: imported.
function setupDrop() {
  const wrap = el("view-wrap");
  if (!wrap) return;
  const carriesFiles = ev => ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files");
  wrap.addEventListener("dragover", ev => {
    if (!carriesFiles(ev) || document.body.dataset.state !== "ready") return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = "copy";
    wrap.classList.add("drop-target");
  });
  wrap.addEventListener("dragleave", () => wrap.classList.remove("drop-target"));
  wrap.addEventListener("drop", ev => {
    wrap.classList.remove("drop-target");
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    if (document.body.dataset.state !== "ready") return;
    const files = ev.dataTransfer.files;
    if (files.length > 1) {
      window.ganlab.importCsvFailed(`${files.length} files were dropped; drop one CSV file`, "drop");
      return;
    }
    sendFile(files[0], "drop");
  });
}

function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function downloadText(name, text, mime) { save(name, new Blob([text], { type: mime })); }

// `buf`: a Python uint8 array (PyProxy); copied out, then released.
function downloadBytes(name, buf, mime) {
  const b = buf.getBuffer("u8");
  try { save(name, new Blob([b.data.slice()], { type: mime })); }
  finally { b.release(); }
}

setupInput();
setupDrop();
window.ganlabPoints = { downloadText, downloadBytes };
