"""The model overview graph: its labels and loss values, and the settings panel a
click on a part opens in place.

The panel borrows the rows of that part's settings from "All settings" (each row
has an empty slot marking its home) and puts them back when it closes, so every
setting keeps one control, one id and one handler wherever it is shown.
"""
from __future__ import annotations


from pyscript import document

from . import overview
from .dom import el, on


class Graph:
    def __init__(self, app):
        self.app = app
        self.open_part = None
        self.opener = None
        self._shown = None
        for node in document.querySelectorAll("#overview [data-part]"):
            on(node, "click", self._opener(node))
        on(el("part-close"), "click", lambda e: self.close())

    def _opener(self, node):
        def handler(event):
            part = node.dataset.part
            if self.open_part == part and self.opener is node:
                self.close()
            else:
                self.open(part, node)
        return handler

    def open(self, part: str, node) -> None:
        """Show the settings of `part` in a panel under its node, focus the first."""
        if self.open_part:
            self.close(refocus=False)
        title, names = overview.PARTS[part]
        el("part-title").textContent = f"{title}: settings"
        body = el("part-body")
        for name in names:
            body.append(el(f"row-{name}"))
        panel = el("part-settings")
        panel.hidden = False
        panel.style.top = f"{node.offsetTop + node.offsetHeight + 8}px"
        el("overview").dataset.open = part
        node.dataset.open = "true"
        self.open_part, self.opener = part, node
        first = next((el(f"set-{n}") for n in names if not el(f"set-{n}").disabled), None)
        (first or el("part-close")).focus()

    def close(self, refocus: bool = True) -> bool:
        """Put the borrowed rows back home and hide the panel; False if none was open."""
        if not self.open_part:
            return False
        for name in overview.PARTS[self.open_part][1]:
            el(f"slot-{name}").before(el(f"row-{name}"))
        el("part-settings").hidden = True
        del el("overview").dataset.open
        opener = self.opener
        del opener.dataset.open
        self.open_part = self.opener = None
        if refocus:
            opener.focus()
        return True

    def sync_labels(self) -> None:
        """Each network's shape and update rule, the noise and the loss, in words."""
        for id_, text in overview.labels(self.app.trainer.settings).items():
            el(id_).textContent = text

    def show_losses(self, d_loss, g_loss) -> None:
        """The loss nodes show the latest loss values."""
        shown = (overview.loss_value(d_loss), overview.loss_value(g_loss))
        if shown != self._shown:        # a DOM write only when the text changes
            self._shown = shown
            el("ov-dloss").textContent, el("ov-gloss").textContent = shown
