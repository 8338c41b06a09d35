"""The page's settings controls as HTML, generated from the settings table.

Every label, option label and help text comes from the table (`state.SETTINGS`
and the registries of its choices, such as `losses.REGISTRY`).

build.py writes this HTML into the page at build time, so every control is on
screen in the first paint, before Python has started; `app` then wires them up.
Pure string work: no js, no pyscript, testable under CPython.
"""
from __future__ import annotations

from html import escape

from ..lessons import LESSONS
from ..state import BY_NAME, SETTINGS, Setting
from .overview import chosen_help, limits

GROUPS = (("data", "Data"), ("generator", "Generator"), ("discriminator", "Discriminator"),
          ("training", "Training"))


def q(text: str) -> str:
    """`text` as a quoted HTML attribute value."""
    return '"' + escape(text, quote=True) + '"'


def control(s: Setting) -> str:
    """One labelled control for setting `s` in its own row (id "row-" + name): the
    field (id "set-" + name), a visible one-line hint, and a message line where
    the page says what is wrong with a value typed there."""
    cid = f"set-{s.name}"
    # Choices with help of their own (the losses' formulas): the chosen one's, visible
    # under the field (an option's tooltip alone reaches no touch screen or keyboard).
    choice = chosen_help(s, s.default)
    choice_line = (f'<span class="hint choice-help" id="{cid}-choice">{escape(choice)}</span>'
                   if choice is not None else "")
    desc = (f'<span class="hint" id="{cid}-help">{escape(s.help)} '
            f'({escape(limits(s))})</span>{choice_line}'
            f'<span class="field-msg" id="{cid}-msg" aria-live="polite"></span>')
    described = f"{cid}-help{f' {cid}-choice' if choice_line else ''} {cid}-msg"
    common = (f'id="{cid}" name="{s.name}" data-setting="{s.name}" '
              f'aria-describedby="{described}" disabled')
    if s.choices:
        opts = "".join(
            f'<option value={q(c.name)}{" selected" if c.name == s.default else ""}'
            f'{f" title={q(c.help)}" if c.help else ""}>{escape(c.label)}</option>'
            for c in s.choices.entries())
        field = f"<select {common}>{opts}</select>"
    else:
        if s.kind is int:       # exact, however large (the seed goes up to 2^32 - 1)
            lo, hi, step = str(int(s.lo)), str(int(s.hi)), "1"
        else:
            lo, hi, step = repr(s.lo), repr(s.hi), "any"
        field = (f'<input type="number" {common} min="{lo}" max="{hi}" step="{step}" '
                 f'value="{s.default}" inputmode="decimal">')
    # The empty slot marks the row's home: a graph node's settings panel borrows
    # the row while it is open and puts it back before the slot when it closes.
    return (f'<div class="setting{" resets" if s.resets else ""}" id="row-{s.name}">'
            f'<label for="{cid}">{escape(s.label)}</label>{field}{desc}</div>'
            f'<span class="slot" id="slot-{s.name}" hidden></span>')


def controls_html() -> str:
    """All settings controls, grouped in <fieldset>s with legends."""
    out = []
    for key, title in GROUPS:
        items = "".join(control(s) for s in SETTINGS if s.group == key)
        out.append(f'<fieldset class="group" id="group-{key}"><legend>{title}</legend>'
                   f'{items}</fieldset>')
    return "\n".join(out)


def tiles_html() -> str:
    """The data set picker: one tile per data set with a small picture of its real
    samples (drawn once Python is up) and its name, then a "Draw your own" tile.
    A radio group: the tile of the data set in use is checked."""
    out = []
    for c in BY_NAME["preset"].choices.entries():
        if c.name == "points":
            continue
        checked = "true" if c.name == BY_NAME["preset"].default else "false"
        out.append(f'<button type="button" role="radio" class="tile" id="tile-{c.name}" '
                   f'data-preset="{c.name}" aria-checked="{checked}" title={q(c.label)} disabled>'
                   f'<canvas width="40" height="40" aria-hidden="true"></canvas>'
                   f'<span class="tile-name">{escape(c.label)}</span></button>')
    out.append('<button type="button" role="radio" class="tile" id="tile-points" '
               'data-preset="points" aria-checked="false" title="Draw your own data" disabled>'
               '<span class="pencil" aria-hidden="true">✎</span>'
               '<span class="tile-name">draw your own</span></button>')
    return "".join(out)


def lessons_html() -> str:
    """The Lessons section: one button per lesson (id "lesson-" + its id), in order;
    its one-line summary as the button's description."""
    items = "".join(
        f'<li><button type="button" class="lesson" id="lesson-{lesson.id}" '
        f'data-lesson="{lesson.id}" title={q(lesson.summary)} disabled>'
        f'{escape(lesson.title)}</button></li>'
        for lesson in LESSONS)
    return f'<ol class="lesson-list">{items}</ol>'


def lesson_links_html() -> str:
    """The lessons again, for the article under the tool: each title a button that
    starts it, then its one-line summary."""
    items = "".join(
        f'<li><button type="button" class="lesson-link" data-lesson="{lesson.id}" disabled>'
        f'{escape(lesson.title)}</button>: {escape(lesson.summary)}</li>'
        for lesson in LESSONS)
    return f'<ul class="lesson-links">{items}</ul>'
