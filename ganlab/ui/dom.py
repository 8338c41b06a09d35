"""The page, reached through PyScript: elements by id, event wiring, messages.

Everything here goes through PyScript's API (`pyscript.when` for events,
`pyscript.document`, `pyscript.window`, `pyscript.ffi.create_proxy`). A callback handed
to JavaScript must stay alive as long as the page may call it: `proxy` keeps every
proxy it makes, and `when` makes its listeners' proxies for the page's life.
"""
from __future__ import annotations

from pyscript import document, when, window
from pyscript.ffi import create_proxy

_PROXIES: list = []      # every proxy handed to JavaScript, alive for the page's life


def el(id_: str):
    """The element with id `id_` (None if there is none)."""
    return document.getElementById(id_)


def on(target, event: str, fn) -> None:
    """Call fn(event) on `event` at `target` (an element, document or window), wired
    by PyScript's `when` (which adds the listener for the page's life)."""
    # A function of its own: `when` copies the handler's name onto its listener, which
    # a bound method (most handlers here) does not allow.
    when(event, target, handler=lambda ev: fn(ev))


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
