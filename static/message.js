// Words for the learner: a toast next to the control just used, and the panel that
// says so when Python never comes up.
import { el } from "./canvas.js";

let messageTimer = 0;
export function showMessage(anchorId, seconds) {
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
export function hideMessage() { el("message").dataset.shown = "false"; }

// A message goes with the next action: a press elsewhere, or a key (but Tab and the
// modifier keys, which only move or prepare, and keys on the message's own button).
// Listened to before the page's own handlers, so a message that action brings shows.
const NOT_ACTIONS = new Set(["Tab", "Shift", "Control", "Alt", "Meta", "CapsLock"]);
export function setupMessages() {
  const away = ev => { if (!el("message").contains(ev.target)) hideMessage(); };
  document.addEventListener("pointerdown", away, true);
  document.addEventListener("keydown", ev => { if (!NOT_ACTIONS.has(ev.key)) away(ev); }, true);
}

// If Python never comes up (a missing file, a failed download), say so in the page.
export function failStartup(message) {
  if (document.body.dataset.state !== "loading") return;
  document.body.dataset.state = "error";
  const panel = el("error-panel");
  el("error-text").textContent = message;
  panel.hidden = false;
  el("loading").hidden = true;
}
export function watchStartup() {
  window.addEventListener("error", ev => failStartup(`Start-up failed: ${ev.message || ev.type}`));
  window.addEventListener("unhandledrejection", ev => failStartup(`Start-up failed: ${ev.reason && ev.reason.message || ev.reason}`));
  addEventListener("py:error", () => failStartup("Python failed to start."));
}
