"""The Lessons in the page: a button per lesson starts it, a panel under the view guides it.

Starting a lesson pauses training, builds a fresh model from the lesson's settings
(GAN Lab's defaults plus the lesson's changes, as `ganlab.lessons` says) and shows
its steps, what to watch and why in the lesson panel (`#lesson-panel`), which
stays until its close button or another lesson. Lessons with a live line (the
pull ratio on the fakes, say) update it whenever the view is redrawn. The words
come from `ganlab.lessons` and go into the page as text, never as HTML.
"""
from __future__ import annotations

from pyscript import document, window

from ..gan import Trainer
from ..lessons import BY_ID
from .dom import el, on

# The side column sits beside the view from this width on (static/style.css).
WIDE = "(min-width: 1280px)"


class Lessons:
    def __init__(self, app):
        self.app = app
        self.lesson = None          # the lesson whose panel is open
        self._live = ""
        for node in document.querySelectorAll("[data-lesson]"):
            on(node, "click", self._handler(str(node.dataset.lesson)))
        on(el("lesson-close"), "click", lambda e: self.close())
        on(window, "resize", lambda e: self._place())

    def _handler(self, lesson_id: str):
        return lambda event: self.start(lesson_id)

    def start(self, lesson_id: str) -> None:
        """A fresh model with the lesson's settings, and its panel open."""
        lesson = BY_ID[lesson_id]
        app = self.app
        app.set_playing(False)
        if hasattr(app, "set_pretrained"):      # the pre-trained toggle, where the page has it
            app.set_pretrained(lesson.pretrained)
        app.graph.close(refocus=False)
        if not lesson.draws and el("draw").getAttribute("aria-pressed") == "true":
            app.set_drawing(False)
        # A new model as Reset makes one: the generation tells running work it is stale.
        old = app.trainer
        app.trainer = Trainer(lesson.settings(), old.points)
        app.trainer.generation = old.generation + 1
        app.loop.drop_epoch()       # the old model's unfinished epoch must not hold up Steps
        app.sync()
        self.show(lesson)
        app.after_reset(f"Lesson \u201c{lesson.title}\u201d: a new model with its settings. "
                        "Follow the steps in the lesson panel.", near="lesson-title", seconds=8)
        if lesson.draws:
            from .app import MIN_DRAWN
            app.set_drawing(True)
            app.say(f"Lesson \u201c{lesson.title}\u201d: drag on the view to add points (at "
                    f"least {MIN_DRAWN}), then press Apply drawing.", near="lesson-title",
                    seconds=8)

    def show(self, lesson) -> None:
        self.lesson = lesson
        el("lesson-title").textContent = lesson.title
        el("lesson-setup").textContent = lesson.setup_text()
        steps = el("lesson-todo")
        steps.replaceChildren()
        for text in lesson.step_texts():
            item = document.createElement("li")
            item.textContent = text
            steps.appendChild(item)
        el("lesson-watch").textContent = lesson.watch_text()
        el("lesson-why").textContent = lesson.why_text()
        self._live = ""
        el("lesson-live").textContent = ""
        el("lesson-live").hidden = lesson.live is None
        for node in document.querySelectorAll(".lesson-list button"):
            node.setAttribute("aria-current", "true" if node.dataset.lesson == lesson.id else "false")
        panel = el("lesson-panel")
        panel.hidden = False
        panel.dataset.lesson = lesson.id
        self._place()
        # On a narrow screen the panel (under the view) may be far from the button pressed.
        box = panel.getBoundingClientRect()
        if box.top > window.innerHeight - 80 or box.bottom < 0:
            el("stage").scrollIntoView(True)
        self.app.loop.dirty = True

    def _place(self) -> None:
        """Beside the view when the side column is beside it (wide windows), else right
        under the view: either way on screen with the view, never over it."""
        panel = el("lesson-panel")
        if window.matchMedia(WIDE).matches:
            if panel.parentElement.id != "side":
                el("side").prepend(panel)
        elif panel.parentElement.id != "stage":
            el("diverged").after(panel)

    def close(self) -> None:
        self.lesson = None
        el("lesson-panel").hidden = True
        for node in document.querySelectorAll(".lesson-list button"):
            node.setAttribute("aria-current", "false")

    def render(self, frame) -> None:
        """Update the open lesson's live line from the frame just drawn."""
        lesson = self.lesson
        if lesson is None or lesson.live is None:
            return
        text = lesson.live(self.app.trainer, frame)
        if text != self._live:
            self._live = el("lesson-live").textContent = text
