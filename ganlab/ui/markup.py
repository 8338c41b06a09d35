"""The page's settings controls as HTML, generated from the settings table.

build.py writes this HTML into the page at build time, so every control is on
screen in the first paint, before Python has started; `app` then wires them up.
Pure string work: no js, no pyscript, testable under CPython.
"""
from __future__ import annotations

from html import escape

from ..state import SETTINGS, Setting

GROUPS = (("data", "Data"), ("generator", "Generator"), ("discriminator", "Discriminator"),
          ("training", "Training"))

LABELS = {
    "preset": "Data set", "jitter": "Point jitter", "noise_dim": "Noise dimension",
    "noise": "Noise type", "loss": "Loss", "clip": "Weight clip (WGAN)",
    "optimizer_d": "D optimiser", "optimizer_g": "G optimiser",
    "lr_d": "D learning rate", "lr_g": "G learning rate", "beta1": "Adam β1",
    "beta2": "Adam β2", "momentum": "Momentum", "k_d": "D steps per epoch (k_D)",
    "k_g": "G steps per epoch (k_G)", "batch": "Batch size", "seed": "Seed",
}
CHOICE_LABELS = {
    "points": "your points (draw or import)", "eight_gaussians": "eight gaussians",
    "leaky_relu": "leaky ReLU", "relu": "ReLU", "log": "log loss (non-saturating)",
    "minimax": "minimax (saturating)", "least_squares": "least squares",
    "wasserstein": "Wasserstein (clipped)", "sgd": "SGD", "adam": "Adam",
}


def label(s: Setting) -> str:
    if s.name in LABELS:
        return LABELS[s.name]
    return s.name.split("_", 1)[1].capitalize()     # g_layers -> Layers


def control(s: Setting) -> str:
    """One labelled control for setting `s`; its id is "set-" + the setting's name."""
    cid = f"set-{s.name}"
    desc = f'<span class="help" id="{cid}-help">{escape(s.help)} '\
           f'({escape(s.describe_limits())})</span>'
    common = (f'id="{cid}" name="{s.name}" data-setting="{s.name}" '
              f'aria-describedby="{cid}-help" title="{escape(s.help, quote=True)}" disabled')
    if s.choices:
        opts = "".join(
            f'<option value="{c}"{" selected" if c == s.default else ""}>'
            f'{escape(CHOICE_LABELS.get(c, c.replace("_", " ")))}</option>' for c in s.choices)
        field = f"<select {common}>{opts}</select>"
    else:
        if s.kind is int:       # exact, however large (the seed goes up to 2^32 - 1)
            lo, hi, step = str(int(s.lo)), str(int(s.hi)), "1"
        else:
            lo, hi, step = repr(s.lo), repr(s.hi), "any"
        field = (f'<input type="number" {common} min="{lo}" max="{hi}" step="{step}" '
                 f'value="{s.default}" inputmode="decimal">')
    return (f'<div class="setting{" resets" if s.resets else ""}">'
            f'<label for="{cid}">{escape(label(s))}</label>{field}{desc}</div>')


def controls_html() -> str:
    """All settings controls, grouped in <fieldset>s with legends."""
    out = []
    for key, title in GROUPS:
        items = "".join(control(s) for s in SETTINGS if s.group == key)
        out.append(f'<fieldset class="group" id="group-{key}"><legend>{title}</legend>'
                   f'{items}</fieldset>')
    return "\n".join(out)
