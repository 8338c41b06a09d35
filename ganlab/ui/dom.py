"""The page, reached through PyScript: elements by id, event wiring, messages.

Everything here goes through PyScript's API (`pyscript.document`, `pyscript.window`,
`pyscript.ffi.create_proxy`). A callback handed to JavaScript must stay alive as long
as the page may call it: `on` keeps every proxy it makes.
"""
from __future__ import annotations

from pyscript import document, window
from pyscript.ffi import create_proxy

_PROXIES: list = []      # every event proxy, alive for the page's life


def el(id_: str):
    """The element with id `id_` (None if there is none)."""
    return document.getElementById(id_)


def on(target, event: str, fn) -> None:
    """Call fn(event) on `event` at `target` (an element, document or window)."""
    proxy = create_proxy(fn)
    _PROXIES.append(proxy)
    target.addEventListener(event, proxy)


def proxy(fn):
    """A long-lived proxy of `fn`, for JavaScript to call (automation API)."""
    p = create_proxy(fn)
    _PROXIES.append(p)
    return p


def say(text: str, near: str | None = None, seconds: float = 6.0, action: str = "") -> None:
    """Show a short message (plain text, never HTML) as a toast beside the control the
    learner just used (`near`: an element id; default: the focused element), for
    `seconds` or until the next action. `action` labels its one button (e.g. "Undo");
    the caller wires what it does (`on(el("message-action"), "click", ...)`)."""
    el("message-text").textContent = text
    button = el("message-action")
    button.textContent = action
    button.hidden = not action
    if text:
        window.ganlabView.showMessage(near, seconds)
    else:
        window.ganlabView.hideMessage()
