"""The settings table: every setting of a run, described exactly once.

Each `Setting` says its name, type, default, label (the page's words for it),
help text and limits; a text setting's choices are a `Registry` of named entries
with their own labels and help (the losses' registry lives in `losses`, with the
losses). The page's controls, the URL hash, the command-line flags and the model
file are all generated from `SETTINGS`, so a new setting needs one line here and
nothing else (an optimiser's hyperparameter: also its name in that optimiser's
`hyperparameters`, see `optim`).

Defaults are GAN Lab's on load (read from its source, `demo/ganlab.ts` and
`demo/ganlab.html`): the two-gaussians data set, generator and discriminator
with 1 hidden layer of 8 ReLU units, plain SGD with learning rate 0.1 for both,
2 discriminator steps and 1 generator step per epoch, batches of 150 and 2D
uniform noise. One difference, on purpose: our uniform noise is U[-1, 1), centred
on 0 so a ReLU generator starts balanced; GAN Lab's is U[0, 1). (Its generator
ends in tanh and ours in a linear layer, so the two are not the same network
anyway.)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from . import losses
from .registry import Choice, Registry
from .textnum import number

PRESET_CHOICES = Registry("preset", [
    Choice("gaussians", "gaussians"), Choice("line", "line"), Choice("ring", "ring"),
    Choice("disjoint", "disjoint"), Choice("spiral", "spiral"),
    Choice("eight_gaussians", "eight gaussians"), Choice("grid", "grid"),
    Choice("moons", "moons"), Choice("points", "your points (draw or import)"),
])
ACTIVATION_CHOICES = Registry("activation", [
    Choice("relu", "ReLU"), Choice("leaky_relu", "leaky ReLU"), Choice("tanh", "tanh"),
    Choice("sigmoid", "sigmoid"), Choice("linear", "linear"),
])
OPTIMIZER_CHOICES = Registry("optimiser", [
    Choice("sgd", "SGD"), Choice("momentum", "momentum"), Choice("adam", "Adam"),
])
NOISE_CHOICES = Registry("noise", [Choice("gaussian", "gaussian"), Choice("uniform", "uniform")])

# The names alone, as tuples (the built-in losses: `losses.REGISTRY` may gain more).
PRESETS = tuple(name for name in PRESET_CHOICES if name != "points")   # the shapes
ACTIVATIONS = ACTIVATION_CHOICES.names()
LOSSES = losses.REGISTRY.names()
OPTIMIZERS = OPTIMIZER_CHOICES.names()
NOISES = NOISE_CHOICES.names()


class SettingsError(ValueError):
    """A setting's value is out of its limits or of the wrong type."""


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type              # int, float or str
    default: object
    label: str              # the page's label for its control
    help: str
    group: str              # where the page puts its control
    lo: float | None = None
    hi: float | None = None
    choices: Registry | None = None   # a text setting's values (read live), with their labels
    resets: bool = False    # True: changing it needs a new model (reset)
    log: bool = False       # a float best moved on a log scale (learning rates)

    @property
    def title(self) -> str:
        """The page's name for it anywhere on the page: its label, with the network it
        belongs to where the label alone does not say ("Generator layers")."""
        if self.group in ("generator", "discriminator"):
            return f"{self.group.capitalize()} {self.label.lower()}"
        return self.label

    def shown(self, value) -> str:
        """A value of this setting in the page's words: a choice by its label, a number
        as a learner reads it ("3", "0.05", "1,000")."""
        if self.choices:
            return self.choice_label(value)
        return f"{value:,}" if isinstance(value, int) else f"{value:,g}"

    @property
    def flag(self) -> str:
        """The command-line flag: the name with dashes."""
        return "--" + self.name.replace("_", "-")

    def describe_limits(self) -> str:
        if self.kind is str:
            return "one of " + ", ".join(self.choices)
        if self.kind is int:
            return f"a whole number between {int(self.lo)} and {int(self.hi)}"
        return f"a number between {self.lo:g} and {self.hi:g}"

    def choice_label(self, value: str) -> str:
        """The page's words for one of a text setting's values."""
        return self.choices[value].label

    def validate(self, raw):
        """Return `raw` as this setting's type, or raise SettingsError saying why."""
        # The page's words first, then the name a link, a model file or the command
        # line spells it with (where the value came from).
        spelt = "" if self.name.lower() in self.title.lower() else f" ({self.name})"
        msg = f"{self.title}{spelt} must be {self.describe_limits()}, got {shown(raw)}"
        if self.kind is str:
            value = raw.strip().lower() if isinstance(raw, str) else raw
            if value not in self.choices:
                raise SettingsError(msg)
            return value
        if isinstance(raw, bool):
            raise SettingsError(msg)
        try:
            value = number(raw) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError, OverflowError):
            raise SettingsError(msg) from None
        if not math.isfinite(value) or not self.lo <= value <= self.hi:
            raise SettingsError(msg)
        if self.kind is int:
            if value != int(value):
                raise SettingsError(msg)
            return int(value)
        return value


def _net(net: str, title: str) -> list[Setting]:
    return [
        Setting(f"{net}_layers", int, 1, "Layers", f"Hidden layers in the {title}.", title,
                0, 6, resets=True),
        Setting(f"{net}_units", int, 8, "Units", f"Units in each hidden layer of the {title}.",
                title, 1, 128, resets=True),
        Setting(f"{net}_activation", str, "relu", "Activation",
                f"Activation of the {title}'s hidden layers.", title,
                choices=ACTIVATION_CHOICES, resets=True),
    ]


SETTINGS: tuple[Setting, ...] = (
    Setting("preset", str, "gaussians", "Data set",
            "Training data: a preset shape, or your own points, drawn or imported.",
            "data", choices=PRESET_CHOICES, resets=True),
    Setting("jitter", float, 0.02, "Point jitter",
            "Standard deviation of the Gaussian jitter added to each sampled point of a point set.",
            "data", 0.0, 0.2, resets=True),
    Setting("noise_dim", int, 2, "Noise dimension", "Dimension of the generator's input noise.",
            "data", 1, 8, resets=True),
    Setting("noise", str, "uniform", "Noise type",
            "Noise distribution: uniform on [-1, 1) (GAN Lab's default; GAN Lab's own range is "
            "[0, 1)), or standard Gaussian.", "data",
            choices=NOISE_CHOICES, resets=True),
    *_net("g", "generator"),
    *_net("d", "discriminator"),
    Setting("loss", str, "log", "Loss",
            "The objective D and G minimise (the chosen one's formulas are shown below it).",
            "training", choices=losses.REGISTRY),
    Setting("clip", float, 0.05, "Weight clip (WGAN)",
            "Wasserstein only: each discriminator weight is clipped to [-clip, clip] after "
            "every discriminator step.", "training", 1e-4, 10.0, log=True),
    Setting("optimizer_d", str, "sgd", "D optimiser", "Optimiser of the discriminator.",
            "training", choices=OPTIMIZER_CHOICES),
    Setting("optimizer_g", str, "sgd", "G optimiser", "Optimiser of the generator.",
            "training", choices=OPTIMIZER_CHOICES),
    Setting("lr_d", float, 0.1, "D learning rate", "Learning rate of the discriminator.",
            "training", 1e-5, 10.0, log=True),
    Setting("lr_g", float, 0.1, "G learning rate", "Learning rate of the generator.",
            "training", 1e-5, 10.0, log=True),
    Setting("beta1", float, 0.9, "Adam β1",
            "Adam's beta1: how much of the previous gradient direction each step keeps "
            "(GAN Lab: 0.9; DCGAN recipes: 0.5).", "training", 0.0, 0.999),
    Setting("beta2", float, 0.999, "Adam β2",
            "Adam's beta2: how slowly its per-parameter step size adapts.", "training",
            0.0, 0.9999),
    Setting("momentum", float, 0.9, "Momentum",
            "Momentum coefficient of the 'momentum' optimiser.", "training", 0.0, 0.999),
    Setting("k_d", int, 2, "D steps per epoch (k_D)", "Discriminator steps per epoch.",
            "training", 0, 20),
    Setting("k_g", int, 1, "G steps per epoch (k_G)", "Generator steps per epoch.",
            "training", 0, 20),
    Setting("batch", int, 150, "Batch size", "Samples per batch (real and fake each).",
            "training", 1, 2000),
    Setting("seed", int, 1, "Seed", "Random seed: the same seed and settings give the same run.",
            "training", 0, 2**32 - 1, resets=True),
)

@dataclass(frozen=True)
class Recipe:
    """Settings that learn one data set: the changes from the defaults, the epochs
    they need, and one line for a learner."""
    changes: dict
    epochs: int
    about: str


# Two recipes, measured per data set (seeds 1-3, against an independent plain GAN,
# tools/plaingan.py): `python tools/recipes.py` prints the table, README carries it,
# tests/test_training.py asserts it. Every recipe sets the noise itself.
_ADAM64 = {
    "optimizer_d": "adam", "optimizer_g": "adam", "beta1": 0.5, "lr_d": 0.0005, "lr_g": 0.0005,
    "g_layers": 2, "g_units": 64, "d_layers": 2, "d_units": 64, "d_activation": "leaky_relu",
    "k_d": 1, "k_g": 1, "noise": "gaussian",
}
_ADAM64_ABOUT = "Adam β1 0.5, lr 0.0005/0.0005, 2×64 units (leaky ReLU in D), Gaussian noise"
_ADAM32 = {
    "optimizer_d": "adam", "optimizer_g": "adam", "beta1": 0.5, "lr_d": 0.001, "lr_g": 0.001,
    "g_layers": 2, "g_units": 32, "d_layers": 2, "d_units": 32, "k_d": 1, "k_g": 1,
    "noise": "gaussian",
}
_ADAM32_ABOUT = "Adam β1 0.5, lr 0.001/0.001, 2×32 ReLU units, Gaussian noise"

# The gaussians: the same, with 3 discriminator steps per generator step (with 1, two
# seeds of three stayed behind the plain GAN's JS).
_ADAM64_KD3 = dict(_ADAM64, k_d=3)
_ADAM64_KD3_ABOUT = ("Adam β1 0.5, lr 0.0005/0.0005, 2×64 units (leaky ReLU in D), 3 D steps "
                     "per G step, Gaussian noise")

RECIPES: dict[str, Recipe] = {
    "gaussians": Recipe(_ADAM64_KD3, 4000, _ADAM64_KD3_ABOUT),
    "line": Recipe(_ADAM64, 4000, _ADAM64_ABOUT),
    "ring": Recipe(_ADAM32, 8000, _ADAM32_ABOUT),
    "disjoint": Recipe(_ADAM64, 4000, _ADAM64_ABOUT),
    "spiral": Recipe(_ADAM64, 4000, _ADAM64_ABOUT),
    "eight_gaussians": Recipe(_ADAM64, 4000, _ADAM64_ABOUT),
    "grid": Recipe(_ADAM64, 8000, _ADAM64_ABOUT),
    "moons": Recipe(_ADAM64, 4000, _ADAM64_ABOUT),
    "points": Recipe(_ADAM32, 4000, _ADAM32_ABOUT),
}


def recipe(preset: str) -> dict:
    """The settings changes of `preset`'s recipe ("Use recommended settings")."""
    if preset not in RECIPES:
        raise SettingsError(f"no recipe for preset {shown(preset)}")
    return dict(RECIPES[preset].changes)


# The recipe of drawn or imported points, the one recipe there was before there was
# one per data set. Kept for callers that do not know the data set; use recipe(preset).
RECOMMENDED: dict[str, object] = recipe("points")

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
DEFAULTS: dict[str, object] = {s.name: s.default for s in SETTINGS}


def validate(name: str, raw):
    """Return the value of setting `name` parsed from `raw`, or raise SettingsError."""
    if name not in BY_NAME:
        raise SettingsError(f"unknown setting {shown(name)}")
    return BY_NAME[name].validate(raw)


def make_settings(base: dict | None = None, **changes) -> dict:
    """A complete, validated settings dict: the defaults, then `base`, then `changes`."""
    out = dict(DEFAULTS)
    for source in (base or {}, changes):
        for name, raw in source.items():
            out[name] = validate(name, raw)
    return out


def to_query(settings: dict) -> str:
    """Encode the settings that differ from the defaults as a URL query/hash string."""
    return urlencode([(s.name, _fmt(settings[s.name])) for s in SETTINGS
                      if settings[s.name] != s.default])


def from_query(text: str) -> tuple[dict, list[str]]:
    """Decode a URL query/hash string into settings changes.

    Returns (changes, problems): every valid pair goes into `changes`; every bad one
    gives one readable line in `problems` and is left out, so a mistyped link still
    opens with everything else it says.
    """
    changes, problems = {}, []
    for name, raw in parse_qsl(text.lstrip("#?"), keep_blank_values=True):
        try:
            changes[name] = validate(name, raw)
        except SettingsError as err:
            problems.append(str(err))
    return changes, problems


def summarise(problems: list[str], first: int = 3) -> str:
    """Problems as one line: the first few, then how many more ("...; and 24,997 more")."""
    text = "; ".join(problems[:first])
    if len(problems) > first:
        text += f"; and {len(problems) - first:,} more"
    return text


def shown(value, limit: int = 40) -> str:
    """A value as a message quotes it: its repr, cut to about `limit` characters."""
    text = repr(value)
    if len(text) <= limit:
        return text
    quote = text[0] if text[0] in "'\"" else ""      # keep a string's closing quote
    return text[:limit - 1 - len(quote)] + "…" + quote


def _fmt(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)
