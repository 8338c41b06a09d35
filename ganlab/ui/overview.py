"""Words for the model overview graph and for slow motion, from the settings.

Pure string work (no js, no pyscript), so it is tested under CPython; `app`
puts the strings into the page.
"""
from __future__ import annotations

from ..state import BY_NAME


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
    return out


def explanation(kind: str, s: dict) -> str:
    """What a discriminator ("d") or generator ("g") step just did, in words."""
    n = s["batch"]
    if kind == "d":
        return (f"Discriminator step: {n} real and {n} fake samples go through D together. "
                f"Its loss ({_name(s, 'loss')}) rewards D(x) near 1 on real and near 0 on fake "
                "samples, and D's weights take one step down that loss; the generator stays "
                "as it is. Watch the background change.")
    return (f"Generator step: {n} fresh noise vectors go through G, then D. G's loss rewards "
            "fakes that D calls real; its gradient flows back through D (unchanged) into G's "
            "weights, which take one step. The pink arrows show that pull; watch the purple "
            "dots move.")
