"""The settings controls: applying a change, saying what is wrong with a typed value
beside its field, and disabling settings that do nothing in the current setup.

A bad value stays in its field, marked invalid (`aria-invalid`) with the reason
under it, until it is fixed or Esc puts the value in use back; nothing is applied
meanwhile. Each control's row has its own message line (`set-NAME-msg`).
"""
from __future__ import annotations

from ..state import BY_NAME, SETTINGS, SettingsError
from . import overview
from .dom import el, on


class Controls:
    def __init__(self, app):
        self.app = app
        for s in SETTINGS:
            on(el(f"set-{s.name}"), "change", self._handler(s.name))
            on(el(f"set-{s.name}"), "keydown", self._escape(s.name))

    def sync(self) -> None:
        """Every control shows the value in use; nothing is marked invalid; settings
        that do nothing now are disabled, with the reason shown under them."""
        settings = self.app.trainer.settings
        for s in SETTINGS:
            field = el(f"set-{s.name}")
            field.value = str(settings[s.name])
            self._mark(s.name, "")
            self._choice(s.name, settings[s.name])
        self.sync_unused()

    def _choice(self, name: str, value) -> None:
        """The chosen choice's help under its field, for choices that have help."""
        text = overview.chosen_help(BY_NAME[name], value)
        if text is not None:
            el(f"set-{name}-choice").textContent = text

    def sync_unused(self) -> None:
        unused = overview.unused(self.app.trainer.settings)
        for s in SETTINGS:
            field = el(f"set-{s.name}")
            reason = unused.get(s.name, "")
            field.disabled = bool(reason)
            if field.getAttribute("aria-invalid") != "true":
                el(f"set-{s.name}-msg").textContent = reason
            el(f"row-{s.name}").classList.toggle("unused", bool(reason))

    def _mark(self, name: str, problem: str) -> None:
        field = el(f"set-{name}")
        if problem:
            field.setAttribute("aria-invalid", "true")
        else:
            field.removeAttribute("aria-invalid")
        el(f"set-{name}-msg").textContent = problem

    def _escape(self, name: str):
        def handler(event):
            if event.key == "Escape" and el(f"set-{name}").getAttribute("aria-invalid") == "true":
                event.stopPropagation()
                el(f"set-{name}").value = str(self.app.trainer.settings[name])
                self._mark(name, "")
                self.sync_unused()
        return handler

    def _handler(self, name: str):
        def handler(event):
            field = el(f"set-{name}")
            raw = str(field.value)
            app = self.app
            try:
                was_reset = app.trainer.update({name: raw})
            except SettingsError:
                # The browser gives "" for text a number field cannot read: say so too.
                self._mark(name, overview.problem(name, raw) + " Nothing was changed; "
                           "Esc puts back the value in use.")
                return
            self._mark(name, "")
            value = app.trainer.settings[name]
            field.value = str(value)
            self._choice(name, value)
            self.sync_unused()
            app.settings_changed()
            setting = BY_NAME[name]
            shown = setting.choice_label(value) if setting.choices else value
            label = setting.title       # "Generator units", not "Units": whose?
            if was_reset:
                app.after_reset(f"{label} is now {shown}: a new model.", near=f"set-{name}")
            else:
                app.say(f"{label} is now {shown}; training goes on.", near=f"set-{name}")
        return handler
