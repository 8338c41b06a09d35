"""Words for the model overview graph and for slow motion, from the settings.

Pure string work (no js, no pyscript), so it is tested under CPython; `app`
puts the strings into the page.
"""
from __future__ import annotations

import math

from ..state import BY_NAME


# The parts of the model overview graph and the settings each opens in place
# (ganlab/ui/graph.py; markup.py builds their panels). Every setting but the seed
# belongs to one part (beta1/beta2/momentum to both update loops: one optimiser
# hyperparameter table, shared by D and G). Here, not in markup.py, so that the page
# need not import markup (and with it the html module) when it starts.
PARTS = {
    "noise": ("Noise", ("noise_dim", "noise")),
    "real": ("Real samples", ("preset", "jitter")),
    "fake": ("Fake samples", ("batch",)),
    "generator": ("Generator", ("g_layers", "g_units", "g_activation")),
    "update-g": ("Generator's update", ("optimizer_g", "lr_g", "beta1", "beta2", "momentum", "k_g")),
    "discriminator": ("Discriminator", ("d_layers", "d_units", "d_activation")),
    "update-d": ("Discriminator's update", ("optimizer_d", "lr_d", "beta1", "beta2", "momentum", "k_d")),
    "loss": ("Loss", ("loss", "clip")),
}


def _name(s: dict, setting: str) -> str:
    """The page's words for the current value of text setting `setting`."""
    return BY_NAME[setting].choice_label(s[setting])


def labels(s: dict) -> dict[str, str]:
    """Text for each label of the overview graph, by element id: each network's
    shape ("1×8 ReLU"), its update rule ("update D: SGD, lr 0.1, 2 steps"), the loss."""
    out = {}
    for net in ("g", "d"):
        layers, units = s[f"{net}_layers"], s[f"{net}_units"]
        out[f"ov-{net}"] = (f"{layers}×{units} {_name(s, f'{net}_activation')}" if layers
                            else "no hidden layer")
        k = s[f"k_{net}"]
        out[f"ov-update-{net}"] = (f"update {net.upper()}: {_name(s, f'optimizer_{net}')}, "
                                   f"lr {s[f'lr_{net}']:g}, {k} step{'' if k == 1 else 's'}")
    out["ov-loss"] = _name(s, "loss").split(" (")[0]     # "log loss (non-saturating)" -> "log loss"
    dim = s["noise_dim"]
    out["ov-noise"] = f"{dim}D {_name(s, 'noise')}"
    return out


def plain_number(v: float) -> str:
    """A number as a learner writes it: 0.00001, not 1e-05."""
    text = f"{v:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def limits(setting) -> str:
    """A setting's allowed values, in the page's words."""
    if setting.choices:
        return "one of " + ", ".join(c.label for c in setting.choices.entries())
    if setting.kind is int:
        return f"a whole number from {int(setting.lo):,} to {int(setting.hi):,}"
    return f"between {plain_number(setting.lo)} and {plain_number(setting.hi)}"


def chosen_help(s, value) -> str | None:
    """What choice `value` of setting `s` does, in the page's words ("log loss
    (non-saturating): D: ..."); None for a setting whose choices have no help."""
    if not s.choices or not any(c.help for c in s.choices.entries()):
        return None
    c = s.choices[value]
    return f"{c.label}: {c.help}" if c.help else c.label


def problem(name: str, raw: str) -> str:
    """What is wrong with `raw` typed into setting `name`, in the words the page shows."""
    setting = BY_NAME[name]
    typed = raw.strip()
    typed = "nothing" if not typed else (typed if len(typed) <= 24 else typed[:23] + "…")
    return f"{setting.label} must be {limits(setting)}; you typed {typed}."


def unused(s: dict) -> dict[str, str]:
    """The settings that do nothing with settings `s`, each with the reason, in words:
    an optimiser hyperparameter no chosen optimiser reads, a loss's own setting when
    another loss is chosen, the jitter when no point set is used."""
    from .. import losses, optim
    read = set()
    for net in ("d", "g"):
        read |= {name.format(net=net)
                 for name in optim.KINDS[s[f"optimizer_{net}"]].hyperparameters.values()}
    out = {}
    for kind, cls in optim.KINDS.items():
        for name in cls.hyperparameters.values():
            if "{" not in name and name not in read:
                users = [BY_NAME["optimizer_d"].choice_label(k) for k, c in optim.KINDS.items()
                         if name in c.hyperparameters.values()]
                out[name] = f"Used only by the {' or '.join(users)} optimiser; neither network uses it now."
    for entry in losses.REGISTRY.entries():
        for name in entry.settings:
            if s["loss"] != entry.name:
                out[name] = f"Used only by the {entry.label} loss."
    if s["preset"] != "points":
        out["jitter"] = "Used only for your own points (a drawing or an imported set)."
    return out


def step_title(kind: str, i: int, k: int) -> str:
    """"Discriminator step 1 of 2": which step of the epoch slow motion just took."""
    who = "Discriminator" if kind == "d" else "Generator"
    return f"{who} step {i} of {k}"


def explanation(kind: str, s: dict, i: int = 1, k: int = 1) -> str:
    """What a discriminator ("d") or generator ("g") step just did, in words that are
    right for the loss in use (hinge and Wasserstein have no probability)."""
    from .. import losses
    loss = losses.get(s["loss"])
    n = s["batch"]
    if kind == "d":
        return (f"{step_title(kind, i, k)}: {n} real and {n} fake samples go through D, whose "
                f"output is {loss.verdict}. Its {loss.noun} pushes that output up on the reals "
                "and down on the fakes; D's weights take one step, G stays as it is. The "
                "background shows D's new verdict.")
    return (f"{step_title(kind, i, k)}: {n} fresh noise vectors go through G, then through D "
            f"(unchanged). G's {loss.noun} rewards fakes that D scores as real; its gradient "
            "flows back through D into G's weights, which take one step. Pink lines: that "
            "pull; faint rings: where the fakes were.")


def sr_sentence(kind: str, i: int, k: int) -> str:
    """One short sentence per slow-motion step for a screen reader."""
    if kind == "d":
        return f"{step_title(kind, i, k)}: the discriminator learned; the background changed."
    return f"{step_title(kind, i, k)}: the generator learned; the fakes moved."


def loss_value(v) -> str:
    """A loss node's number: three decimals, or a dash while there is none."""
    if v is None or not math.isfinite(v):
        return "–"
    # Three decimals while that fits the node; a blown-up loss in short scientific form.
    return f"{v:.3f}" if abs(v) < 1000 else f"{v:.2g}"


def metrics_sentence(trainer) -> str:
    """The readout under the charts: the latest KL/JS and, once recorded, precision and
    recall in words ("" before the first record)."""
    from .. import metrics      # here, not above: build.py makes the markup without NumPy
    h = trainer.history
    if not h.metrics:
        return ""
    row = h.metrics[-1]
    text = f"At epoch {row[0]:,}: KL {row[1]:.2f} bits, JS {row[2]:.3f} bits."
    if h.quality:
        quality = h.quality[-1]
        # The verdict with its mode count (see _modes) is made once per precision/recall
        # record (every 50 epochs), not once per KL/JS record (every 10: nearly every
        # frame while playing), and kept with the history it read.
        if _verdict[:2] != [h, quality[0]]:
            _verdict[:] = [h, quality[0], metrics.verdict(quality[1], quality[2],
                                                          _modes(trainer, quality[0]))]
        v = _verdict[2]
        if quality[0] == row[0]:    # both records of the same epoch: it is said once
            text += f" {v[0].upper()}{v[1:]}."
        else:
            text += f" At epoch {quality[0]:,}: {v}."
    return text


_verdict: list = [None, None, None]     # [history, epoch of its precision/recall row, verdict]
MODES_WORK = 1 << 25    # multiply-adds of a generator pass the readout may make (~40 ms)


def _modes(trainer, epoch: int) -> dict | None:
    """Mode coverage at `epoch`, for the readout: from the fakes the KL/JS record of
    that epoch made (Trainer.metric_fakes), else from a generator pass now if it is
    quick; None (no mode count in the sentence) for a preset without known modes, or
    when the pass would hold a big model's page up."""
    known = trainer.metric_fakes
    if known is not None and known[0] == epoch:
        return trainer.mode_coverage(known[1])
    if trainer.G.params.size * len(trainer.metric_noise) <= MODES_WORK:
        return trainer.mode_coverage()
    return None
