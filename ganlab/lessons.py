"""Guided lessons: each one sets up an experiment, says what to press, what to watch and why.

A lesson starts a fresh model from GAN Lab's defaults plus its own `changes` (seed 1,
unless it changes the seed), so what a learner sees is what the engine measured.
Its words come in four parts: the steps (which buttons, how many times), what to
watch, why it happens, and the settings it starts from (said with the page's labels).

Every number the words state is a `Claim`: a figure measured with the engine from
the lesson's own settings (`Lesson.figures(seed)` runs the lesson's steps on a
trainer and returns its figures), and the bound the text states. The text is
formatted from the bound, `{name}` by `{name}`, and tests/test_lessons.py checks
every claim on seeds 1, 2 and 3: the words cannot drift from the engine. A claim
with no number (a fact such as "no fake moves") is checked the same way.

`python -m ganlab.lessons` prints every claim's figure seed by seed.

Plain Python when imported: build.py writes the Lessons section into the page from
this module without NumPy. The measurements import the engine when they run.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from string import Formatter
from typing import Callable

from .state import BY_NAME, RECIPES, make_settings, recipe, to_query

SEEDS = (1, 2, 3)       # every claim holds on each of these seeds


def percent(x: float) -> str:
    return f"{round(100 * x)} %"


def plain(x: float) -> str:
    return f"{x:,g}"


def two(x: float) -> str:
    return f"{x:.2f}"


@dataclass(frozen=True)
class Claim:
    """A figure a lesson's text states: `key` names it in the lesson's figures and in
    its text ({key}); the text says the figure is at least (or at most) `bound`.
    `show` turns the bound into the words of the text; None: a fact with no number
    (its figure is 1 when it holds)."""
    key: str
    bound: float
    at_least: bool = True
    show: Callable[[float], str] | None = plain

    @property
    def shown(self) -> str:
        return self.show(self.bound) if self.show else ""

    def holds(self, value: float) -> bool:
        return value >= self.bound if self.at_least else value <= self.bound


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    changes: dict                   # settings changes from the defaults: a fresh model
    steps: tuple[str, ...]          # what to do, in order
    watch: str                      # what to watch
    why: str                        # why it happens
    claims: tuple[Claim, ...] = ()
    measure: Callable[[int], dict] | None = None    # seed -> the lesson's figures
    pretrained: bool = False        # False: the lesson wants a fresh model, never a trained one
    draws: bool = False             # the lesson starts with drawing on
    summary: str = ""               # one line: what the lesson shows
    from_recipe: bool = False       # its changes are its data set's recipe plus a few
    live: Callable | None = None    # (trainer, frame) -> a line the panel shows while it is open

    def settings(self, seed: int | None = None) -> dict:
        """The settings the lesson starts from: the defaults plus its changes."""
        extra = {} if seed is None else {"seed": seed}
        return make_settings(self.changes, **extra)

    def link(self) -> str:
        """The lesson's settings as a page address hash ("#preset=..."), or "" for the defaults."""
        query = to_query(self.settings())
        return "#" + query if query else ""

    def words(self) -> dict:
        """Everything the text may name: the claims' bounds ({along}), the value of
        every setting the lesson starts from ({k_d}), as the page shows it, and the
        counts of presses and epochs the measurements use."""
        out = dict(COUNTS)
        for name, value in self.settings().items():
            s = BY_NAME[name]
            out[name] = s.shown(value)
        out.update({c.key: c.shown for c in self.claims})
        return out

    def _fill(self, text: str) -> str:
        return text.format(**self.words())

    def step_texts(self) -> list[str]:
        return [self._fill(s) for s in self.steps]

    def watch_text(self) -> str:
        return self._fill(self.watch)

    def why_text(self) -> str:
        return self._fill(self.why)

    def setup_text(self) -> str:
        """The settings the lesson starts from, in the page's words (a data set's
        recommended settings said as such, not setting by setting)."""
        preset = self.changes.get("preset")
        if self.from_recipe and preset:
            base = recipe(preset)
            rest = {k: v for k, v in self.changes.items() if k != "preset" and base.get(k) != v}
            text = f"the recommended settings of {BY_NAME['preset'].choice_label(preset)}"
            if rest:
                text += ", then " + describe(rest).removeprefix("the defaults, then ")
            return "A new model with " + text + "."
        return "A new model with " + describe(self.changes) + "."

    def all_text(self) -> str:
        return " ".join([self.setup_text(), *self.step_texts(), self.watch_text(), self.why_text()])

    def placeholders(self) -> set[str]:
        return {name for text in (*self.steps, self.watch, self.why)
                for _, name, _, _ in Formatter().parse(text) if name}

    def figures(self, seed: int) -> dict:
        """The lesson's figures on `seed`, measured with the engine (cached)."""
        return _figures(self.id, seed)


@lru_cache(maxsize=None)
def _figures(lesson_id: str, seed: int) -> dict:
    lesson = BY_ID[lesson_id]
    return lesson.measure(seed) if lesson.measure else {}


def describe(changes: dict) -> str:
    """Settings changes in the page's words: "data set eight gaussians, G steps per epoch (k_G) 5"."""
    if not changes:
        return "GAN Lab's default settings"
    parts = []
    for name, value in changes.items():
        s = BY_NAME[name]
        label = s.title                                     # "Generator units": whose?
        if label[1:2].islower():            # mid-sentence: "data set", not "d optimiser"
            label = label[0].lower() + label[1:]
        parts.append(f"{label} {s.shown(value)}")
    return "the defaults, then " + ", ".join(parts)


# ----- measuring: one run per lesson and seed, all its figures at once -------------------------------
def _trainer(changes: dict, seed: int):
    from .gan import Trainer
    return Trainer(make_settings(changes, seed=seed))


def _mean_verdicts(t):
    from . import fields
    fr = fields.frame(t, with_manifold=False)
    return fr, float(fr.d_fake.mean())


def _counts() -> dict:
    """The presses and epochs each lesson's text names, as the measurements use them."""
    return {"presses": plain(VANISH_PRESSES), "wgan_epochs": plain(WGAN_EPOCHS),
            "weak_epochs": plain(WEAK_EPOCHS), "swing_epochs": plain(SWING_EPOCHS),
            "collapse_epochs": plain(COLLAPSE_EPOCHS), "collapse_every": plain(COLLAPSE_EVERY),
            "speed_10": SPEED_10,
            # tests/test_training.py: the recipe covers 8 of 8 modes there, seeds 1-3
            "recipe_epochs": plain(RECIPES["eight_gaussians"].epochs)}


# The page's words for one of its Speed choices (index.html's #speed).
SPEED_10 = "10 epochs per frame"


# 1. One step at a time --------------------------------------------------------------------------------
STEPS_CHANGES: dict = {}
STEPS_D = 2                # presses of Step discriminator


def measure_steps(seed: int) -> dict:
    import numpy as np
    t = _trainer(STEPS_CHANGES, seed)
    before, d0 = _mean_verdicts(t)
    keeps, lowers, d_prev = True, True, d0     # each D step on its own, as the text says
    for _ in range(STEPS_D):
        t.d_step()
        after_d, d1 = _mean_verdicts(t)
        keeps = keeps and bool(np.array_equal(before.fake, after_d.fake))
        lowers, d_prev = lowers and d1 < d_prev, d1
    t.g_step()
    after_g, d2 = _mean_verdicts(t)
    move = after_g.fake - after_d.fake
    pull = after_d.arrows
    along = float(((move * pull).sum(axis=1) > 0).mean())
    return {"d_keeps_fakes": float(keeps),
            "d_lowers_fakes": float(lowers), "g_raises_fakes": float(d2 > d1),
            "along": along, "d_fake_before": d0, "d_fake_after_d": d1, "d_fake_after_g": d2}


def live_verdicts(trainer, frame) -> str:
    return (f"Now: average D(x) on the fakes {frame.d_fake.mean():.3f}, "
            f"on the real samples {frame.d_real.mean():.3f}.")


# 2. Mode collapse ------------------------------------------------------------------------------------------
# The eight gaussians' recipe, but five generator steps per epoch at four times the
# learning rate: G outruns D, piles its fakes onto the one mode D likes best, D
# learns to reject it, and the pile hops on. Looked at every COLLAPSE_EVERY epochs.
COLLAPSE_CHANGES = dict(recipe("eight_gaussians"), preset="eight_gaussians", k_g=5, lr_g=0.002)
COLLAPSE_EPOCHS = 2000
COLLAPSE_EVERY = 50


def modes_held(t):
    """(modes holding at least a quarter of a fair share, the biggest share of fakes on one
    mode, that mode):
    fakes within 3 sds of their nearest mode count for it (metrics.mode_coverage)."""
    import numpy as np
    from . import data, metrics
    modes = data.modes(t.settings["preset"])
    fake = t.generate(t.metric_noise)
    cover = metrics.mode_coverage(fake, modes)
    d = (fake[:, None, :] - modes.centres[None]) / modes.sds[None]
    sq = (d * d).sum(axis=2)
    nearest = sq.argmin(axis=1)
    inside = sq[np.arange(len(fake)), nearest] <= 9.0
    counts = np.bincount(nearest[inside], minlength=len(modes.centres))
    top = int(counts.argmax())
    return cover["held"], float(counts[top] / len(fake)), top


def measure_collapse(seed: int) -> dict:
    t = _trainer(COLLAPSE_CHANGES, seed)
    most_held, top_share, piles = 0, 0.0, set()
    while t.epoch_count < COLLAPSE_EPOCHS:
        t.train(COLLAPSE_EVERY)
        held, share, top = modes_held(t)
        most_held = max(most_held, held)
        top_share = max(top_share, share)
        if share >= 0.5:
            piles.add(top)
    # Precision and recall as the page's chart shows them (the history's rows after
    # epoch 0): at its best moments every fake looks real, yet recall stays low.
    quality = t.history.quality[1:]
    return {"most_held": float(most_held), "top_share": top_share, "piles": float(len(piles)),
            "peak_precision": max(r[1] for r in quality), "most_recall": max(r[2] for r in quality)}


def live_modes(trainer, frame) -> str:
    if trainer.settings["preset"] not in ("eight_gaussians", "grid"):
        return ""
    held, share, top = modes_held(trainer)
    return (f"Now: {held} of the modes hold at least a quarter of a fair share of the fakes; "
            f"the most crowded one holds {percent(share)} of them.")


# 3. Vanishing gradients ----------------------------------------------------------------------------------
VANISH_CHANGES = {"preset": "disjoint", "d_layers": 2, "d_units": 32, "optimizer_d": "adam",
                  "lr_d": 0.01, "k_d": 20, "k_g": 0}
VANISH_PRESSES = 5


def _pull_ratio(d):
    """(1 - D)/D at each fake: how many times weaker minimax pulls it than log loss."""
    return (1 - d) / d


def measure_vanish(seed: int) -> dict:
    import numpy as np
    from . import fields
    t = _trainer(VANISH_CHANGES, seed)
    for _ in range(VANISH_PRESSES):
        t.epoch()
    log = fields.frame(t, with_manifold=False)
    t.update({"loss": "minimax"})
    mini = fields.frame(t, with_manifold=False)
    d = log.d_fake
    shorter = np.hypot(*log.arrows.T) / np.hypot(*mini.arrows.T)
    return {"ratio": float(np.median(_pull_ratio(d))),
            "arrows_match": float(np.allclose(shorter, _pull_ratio(d), rtol=1e-6)),
            "d_fake": float(np.median(d))}


def live_ratio(trainer, frame) -> str:
    import numpy as np
    d = np.clip(frame.d_fake, 1e-12, 1 - 1e-12)
    if trainer.settings["loss"] not in ("log", "minimax"):
        return "Choose log loss or minimax to compare the pulls."
    ratio = _pull_ratio(d)
    r = float(np.median(ratio))
    low, high = (float(v) for v in np.percentile(ratio, [10, 90]))
    return (f"Now, on the middle fake: D(x) = {float(np.median(d)):.3g}; the minimax pull there "
            f"is {r:,.3g} times weaker than the log loss's. Across the fakes (the middle 80 %): "
            f"{low:,.3g} to {high:,.3g} times weaker.")


# 4. Oscillation, and 7. Adam's β1 ------------------------------------------------------------------------
# Adam at a large learning rate on GAN Lab's small networks: with β1 0.9 the fakes swing
# round the data and never settle; with β1 0 they settle.
SWING_CHANGES = {"optimizer_d": "adam", "optimizer_g": "adam", "lr_d": 0.01, "lr_g": 0.01}
SWING_EPOCHS = 1000
SWING_EVERY = 10            # epochs between looks at the fakes' centre
SWING_DEAD = 0.05           # the centre counts as on one side once this far from the data's
BETA1_CHANGES = dict(SWING_CHANGES, beta1=0.0)


def crossings(offsets, dead: float = SWING_DEAD) -> int:
    """How often a sequence of offsets changes side (past +-dead each time)."""
    count, side = 0, 0
    for v in offsets:
        s = 1 if v > dead else (-1 if v < -dead else 0)
        if s and side and s != side:
            count += 1
        if s:
            side = s
    return count


def measure_swing(seed: int) -> dict:
    """How often the displayed fakes' centre crosses the real data's centre (left to
    right or back) in SWING_EPOCHS epochs, looked at every SWING_EVERY epochs."""
    t = _trainer(SWING_CHANGES, seed)
    centre = float(t.show_real[:, 0].mean())
    offsets = []
    while t.epoch_count < SWING_EPOCHS:
        t.train(SWING_EVERY)
        offsets.append(float(t.generate(t.show_noise)[:, 0].mean()) - centre)
    return {"crossings": float(crossings(offsets)), "swing_js": _late_js(t)}


def _late_js(t) -> float:
    """The mean JS over the second half of the run (the history's records)."""
    rows = [r[2] for r in t.history.metrics if r[0] > t.epoch_count // 2]
    return sum(rows) / len(rows)


def measure_beta1(seed: int) -> dict:
    t = _trainer(BETA1_CHANGES, seed)
    t.train(SWING_EPOCHS)
    # The same model with β1 at its default is the oscillation lesson's: its figure.
    return {"settled_js": _late_js(t), "swing_js": _figures("oscillation", seed)["swing_js"]}


def live_centre(trainer, frame) -> str:
    dx = float(frame.fake[:, 0].mean() - frame.real[:, 0].mean())
    side = "right of" if dx > SWING_DEAD else "left of" if dx < -SWING_DEAD else "over"
    return f"Now: the fakes' centre is {side} the real data's ({dx:+.2f} across)."


# 5. Divergence -------------------------------------------------------------------------------------------------
DIVERGE_CHANGES = {"loss": "least_squares", "lr_d": 10.0, "lr_g": 10.0}
DIVERGE_MAX = 100


def measure_diverge(seed: int) -> dict:
    t = _trainer(DIVERGE_CHANGES, seed)
    done = t.train(DIVERGE_MAX)
    # "epochs": the epoch training stopped in (the epochs completed, plus the one cut short);
    # "d_first": the message says what the text says it says.
    said = t.diverged or ""
    return {"epochs": float(done + 1 if t.diverged else DIVERGE_MAX + 1),
            "d_first": float("discriminator's weights blew up" in said
                             and "lower the D learning rate" in said)}


# 6. A discriminator too weak (k_D 0) -----------------------------------------------------------------------------
WEAK_CHANGES = {"k_d": 0}
WEAK_EPOCHS = 200


def measure_weak(seed: int) -> dict:
    t = _trainer(WEAK_CHANGES, seed)
    heat0 = _heat(t)
    t.train(WEAK_EPOCHS)
    fr, d_fake = _mean_verdicts(t)
    return {"d_fake": d_fake, "js": t.kl_js()[1],
            "heat_same": float((heat0 == _heat(t)).all())}


def _heat(t):
    from . import fields
    return fields.heatmap(t, res=20)


# 8. Wasserstein with clipping -------------------------------------------------------------------------------------
WGAN_CHANGES = {"loss": "wasserstein"}
WGAN_EPOCHS = 500


def clipped_share(t) -> float:
    """The share of the critic's parameters sitting at -clip or +clip."""
    import numpy as np
    c = t.settings["clip"]
    return float((np.abs(t.D.params) >= c * (1 - 1e-9)).mean())


def measure_wgan(seed: int) -> dict:
    t = _trainer(WGAN_CHANGES, seed)
    t.train(WGAN_EPOCHS)
    return {"clipped": clipped_share(t)}


def live_clipped(trainer, frame) -> str:
    if trainer.settings["loss"] != "wasserstein":
        return "Choose the Wasserstein loss to see the clipping."
    return (f"Now: {percent(clipped_share(trainer))} of the critic's weights sit at "
            f"±{plain(trainer.settings['clip'])}.")


def _label(name: str) -> str:
    return BY_NAME[name].label


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        id="steps", title="One step at a time",
        summary="What one discriminator step and one generator step each change.",
        changes=STEPS_CHANGES,
        steps=("Press Step discriminator twice.",
               "Then press Step generator once.",
               "Repeat, or press Step both: one epoch is {k_d} discriminator steps, then {k_g} "
               "generator step."),
        watch=("After each discriminator step the background changes but no fake moves, and "
               "the average verdict D(x) on the fakes falls (the lesson panel's shaded line says it). "
               "After the generator step the fakes move, at least {along} of them along their "
               "pink gradient line, and their average verdict rises."),
        why=("The two networks take turns. A discriminator step changes only D: it moves its "
             "verdict down on the fakes and up on the real samples. A generator step changes "
             "only G: each fake follows the pull of G's loss, uphill on D's verdict towards "
             "where D says \"real\"."),
        claims=(Claim("d_keeps_fakes", 1, show=None), Claim("d_lowers_fakes", 1, show=None),
                Claim("g_raises_fakes", 1, show=None), Claim("along", 0.7, show=percent)),
        measure=measure_steps, live=live_verdicts),
    Lesson(
        id="collapse", title="Mode collapse",
        summary="The generator piles its fakes onto one mode at a time.",
        changes=COLLAPSE_CHANGES, from_recipe=True,
        steps=("Set Speed to {speed_10}.",
               "Press Play and watch for {collapse_epochs} epochs, then Pause.",
               "To compare, press Use recommended settings (in All settings) and Play for "
               "{recipe_epochs} epochs."),
        watch=("The fakes do not spread over the eight modes: they pile up on one, then another. "
               "Looked at every {collapse_every} epochs up to {collapse_epochs}, never more than "
               "{most_held} of the eight modes hold even a quarter of a fair share of fakes, yet "
               "at times at least {top_share} of all fakes sit on one single mode, and the pile "
               "moves to another mode at least once. On the precision and recall chart, "
               "precision reaches {peak_precision} or more while the pile sits on a mode, but "
               "recall never passes {most_recall}. After {recipe_epochs} epochs with the "
               "recommended settings the fakes cover every mode."),
        why=("Here G takes {k_g} steps per epoch, each with learning rate {lr_g} against D's "
             "{lr_d}: it outruns D. Against a D that barely moves, the best G can do is send every fake to the "
             "one place D currently likes most, which is one of the modes. D then learns that "
             "this mode is full of fakes and turns it purple, and G moves the whole pile to the "
             "next favourite. While the pile sits on a mode its fakes look real (high "
             "precision), but the data as a whole is missed (low recall): that is mode "
             "collapse, not a model too small to fit."),
        claims=(Claim("most_held", 2, at_least=False), Claim("top_share", 0.8, show=percent),
                Claim("piles", 2, show=None), Claim("peak_precision", 0.9, show=percent),
                Claim("most_recall", 0.4, at_least=False, show=percent)),
        measure=measure_collapse, live=live_modes),
    Lesson(
        id="vanishing", title="Vanishing gradients",
        summary="Why G's usual loss is not the one in the original minimax game.",
        changes=VANISH_CHANGES,
        steps=("Press Step both {presses} times. This lesson sets G steps per epoch (k_G) to "
               "{k_g}, so each press is {k_d} discriminator steps and no generator step: D learns "
               "alone.",
               "Switch Loss (in All settings, or on the loss node of the model graph) from log "
               "loss to minimax, and back."),
        watch=("The background turns purple around the fakes: D is sure they are fake. With "
               "minimax the pink lines all but vanish; with log loss they are long. On the "
               "middle fake the minimax pull is more than {ratio} times weaker (the lesson panel's "
               "shaded line says how much, now, there and across the fakes)."),
        why=("Both losses push each fake up D's verdict, but by different amounts. Per fake, "
             "log loss pulls with strength proportional to 1 − D(x) and minimax with D(x): the "
             "minimax pull is (1 − D)/D times weaker. Where D is sure a fake is fake, D(x) is "
             "near zero and minimax gives the generator almost nothing to learn from, just when "
             "it most needs it. That is why log loss, which never saturates there, is the "
             "default."),
        claims=(Claim("ratio", 100), Claim("arrows_match", 1, show=None)),
        measure=measure_vanish, live=live_ratio),
    Lesson(
        id="oscillation", title="Oscillation",
        summary="Two players chasing each other round in circles instead of settling.",
        changes=SWING_CHANGES,
        steps=("Set Speed to {speed_10}, so you can follow it.",
               "Press Play and watch for {swing_epochs} epochs, then Pause."),
        watch=("The fakes never settle on the data: the whole cloud swings from one side of it "
               "to the other and back. In {swing_epochs} epochs their centre crosses from one "
               "side of the real data's centre to the other at least {crossings} times (the "
               "lesson panel's shaded line says where it is now), and over the second half of the run "
               "JS averages above {swing_js}."),
        why=("G moves towards where D says \"real\"; D then moves its verdict away from where "
             "the fakes went; G follows again. Each player's best move depends on where the "
             "other one is, so the pair can circle round the answer instead of walking to it. "
             "Adam with a large learning rate and β1 {beta1} keeps most of each step's "
             "direction for the next steps, so both overshoot on every turn. The next lesson "
             "calms it down."),
        claims=(Claim("crossings", 10), Claim("swing_js", 0.9, show=two)),
        measure=measure_swing, live=live_centre),
    Lesson(
        id="beta1", title="Adam's β1: momentum in a game",
        summary="Less momentum lets the same GAN settle instead of swinging.",
        changes=BETA1_CHANGES,
        steps=("Press Play for {swing_epochs} epochs, then Pause.",
               "Set Adam β1 (on an update loop of the model graph, or in All settings) back to "
               "its default, press Reset, and Play again."),
        watch=("With β1 {beta1} the fakes settle over the two gaussians: over the second half "
               "of the run JS averages at most {settled_js}. With β1 back at its default the "
               "same model swings round the data and JS averages above {swing_js} (the Oscillation "
               "lesson)."),
        why=("Adam's β1 is how much of the previous steps' direction each step keeps (its "
             "momentum). Momentum helps one network roll down a fixed valley, but in a GAN the "
             "valley moves every step, because the other player moves: old directions point "
             "where the answer was, not where it is. With β1 {beta1} each step follows only the "
             "pull of now. That is why GAN recipes lower β1 (DCGAN's is a half)."),
        claims=(Claim("settled_js", 0.5, at_least=False, show=two),
                Claim("swing_js", 0.9, show=two)),
        measure=measure_beta1),
    Lesson(
        id="k_d", title="A discriminator too weak, or too strong",
        summary="What G learns from a judge who never learns, and from one who learns too much.",
        changes=WEAK_CHANGES,
        steps=("D steps per epoch (k_D) is {k_d} here: the discriminator never learns. Press "
               "Play for {weak_epochs} epochs, then Pause.",
               "Set D steps per epoch (k_D) back to its default on the discriminator's update "
               "loop in the model graph, press Reset and Play: now D keeps up.",
               "For a discriminator far too strong, start the Vanishing gradients lesson."),
        watch=("With k_D {k_d} the background never changes, and every fake runs off to the "
               "greenest place in it: after {weak_epochs} epochs D's average verdict on the "
               "fakes is at least {d_fake}, yet JS is at least {js}: the fakes and the real "
               "data hardly overlap at all."),
        why=("G only ever learns what D tells it. A D that never learns keeps saying the same "
             "thing, so G finds the one place D likes most and sends everything there, real "
             "data or not. A D that learns from every batch moves its verdict off the fakes, "
             "which sends them on towards the data. The opposite fault, a D far ahead of G, is "
             "dangerous for losses that go flat when D is sure: the next lesson shows it."),
        claims=(Claim("d_fake", 0.95, show=two), Claim("js", 0.99, show=two),
                Claim("heat_same", 1, show=None)),
        measure=measure_weak),
    Lesson(
        id="divergence", title="Divergence",
        summary="A learning rate far too large makes the weights blow up.",
        changes=DIVERGE_CHANGES,
        steps=("Press Play.",
               "Read the message under the view, then lower the D and G learning rates as it "
               "says and press Reset."),
        watch=("Training stops within {epochs} epochs: the page says the discriminator's "
               "weights blew up and which setting to lower."),
        why=("A learning rate is the size of each step downhill. Far too large, a step "
             "overshoots the valley and lands higher on the other side, and the next step "
             "overshoots further. With least squares the push on D grows with D's output, so "
             "each overshoot feeds the next until the weights run off to infinity."),
        claims=(Claim("epochs", 3, at_least=False), Claim("d_first", 1, show=None)),
        measure=measure_diverge),
    Lesson(
        id="wasserstein", title="Wasserstein loss with weight clipping",
        summary="A critic instead of a judge, kept gentle by clipping its weights.",
        changes=WGAN_CHANGES,
        steps=("Press Play and let it run for {wgan_epochs} epochs or more, then Pause.",
               "Open the loss node of the model graph (or All settings), try a larger or "
               "smaller Weight clip (WGAN), and press Play again."),
        watch=("The background is a critic's score, not a probability: the page shows it "
               "relative to its own spread. After {wgan_epochs} epochs at least {clipped} of the "
               "critic's weights sit exactly at plus or minus the clip (the lesson panel's shaded line "
               "counts them)."),
        why=("A Wasserstein critic scores how real a point looks on no fixed scale, and G "
             "lowers the gap between its score on reals and on fakes. The score only means "
             "something if the critic cannot change too steeply, so after every step each "
             "weight is clipped to the range plus or minus clip. Training pushes the weights "
             "against those walls: many end up pinned there, which is why later versions of "
             "this loss replaced clipping with a gentler penalty."),
        claims=(Claim("clipped", 0.5, show=percent),),
        measure=measure_wgan, live=live_clipped),
    Lesson(
        id="drawing", title="Your own drawing",
        summary="Draw a shape and watch a GAN learn it.",
        changes={},
        steps=("Drag on the view to draw a shape: the page is already drawing.",
               "Press Apply drawing.",
               "Press Use recommended settings (in All settings): the recipe for drawn points.",
               "Press Play."),
        watch=("The fakes start as a small cloud in the middle and spread over your shape. "
               "Thin strokes and separate blobs are harder than one thick shape: watch whether "
               "every part gets its share of fakes."),
        why=("Your points become the real data: each real sample is one of them, nudged by a "
             "little noise (Point jitter). The GAN knows nothing about shapes; it only sees "
             "samples, which is why a GAN can learn any data set you can sample from."),
        draws=True),
)

COUNTS = _counts()
BY_ID: dict[str, Lesson] = {}


def _register(lessons) -> None:
    BY_ID.clear()
    BY_ID.update({lesson.id: lesson for lesson in lessons})


_register(LESSONS)


def readme_section() -> str:
    """README's "Things to try", one item per lesson, from the same words the page shows
    (`python -m ganlab.lessons --readme` prints it)."""
    items = []
    for lesson in LESSONS:
        link = f"`{lesson.link()}`" if lesson.link() else "the defaults"
        items.append(f"- **{lesson.title}** ({link}). " + " ".join(lesson.step_texts())
                     + " " + lesson.watch_text())
    return "\n".join(_wrap(item) for item in items)


def _wrap(item: str, width: int = 92) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(item, width, subsequent_indent="  ", break_long_words=False,
                                    break_on_hyphens=False))


def table() -> list[str]:
    """Every claim's figure on every seed, one line each (`python -m ganlab.lessons`)."""
    lines = []
    for lesson in LESSONS:
        for c in lesson.claims:
            got = [lesson.figures(seed)[c.key] for seed in SEEDS]
            sign = ">=" if c.at_least else "<="
            ok = all(c.holds(v) for v in got)
            lines.append(f"{lesson.id:12s} {c.key:16s} {sign} {c.bound:<8g} "
                         + " ".join(f"{v:10.4g}" for v in got) + ("" if ok else "   FAILS"))
    return lines


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--readme"]:
        print(readme_section())
        raise SystemExit
    print(f"{'lesson':12s} {'claim':16s} bound       " + " ".join(f"{'seed ' + str(s):>10s}" for s in SEEDS))
    print("\n".join(table()))
