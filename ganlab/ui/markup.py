"""The page's settings controls as HTML, generated from the settings table.

Every label, option label and help text comes from the table (`state.SETTINGS`
and the registries of its choices, such as `losses.REGISTRY`).

build.py writes this HTML into the page at build time, so every control is on
screen in the first paint, before Python has started; `app` then wires them up.
Pure string work: no js, no pyscript, testable under CPython.
"""
from __future__ import annotations

from html import escape

from ..state import SETTINGS, Setting

GROUPS = (("data", "Data"), ("generator", "Generator"), ("discriminator", "Discriminator"),
          ("training", "Training"))


def q(text: str) -> str:
    """`text` as a quoted HTML attribute value."""
    return '"' + escape(text, quote=True) + '"'


def control(s: Setting) -> str:
    """One labelled control for setting `s`; its id is "set-" + the setting's name."""
    cid = f"set-{s.name}"
    desc = f'<span class="help" id="{cid}-help">{escape(s.help)} '\
           f'({escape(s.describe_limits())})</span>'
    common = (f'id="{cid}" name="{s.name}" data-setting="{s.name}" '
              f'aria-describedby="{cid}-help" title="{escape(s.help, quote=True)}" disabled')
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
    return (f'<div class="setting{" resets" if s.resets else ""}">'
            f'<label for="{cid}">{escape(s.label)}</label>{field}{desc}</div>')


def controls_html() -> str:
    """All settings controls, grouped in <fieldset>s with legends."""
    out = []
    for key, title in GROUPS:
        items = "".join(control(s) for s in SETTINGS if s.group == key)
        out.append(f'<fieldset class="group" id="group-{key}"><legend>{title}</legend>'
                   f'{items}</fieldset>')
    return "\n".join(out)
