"""Looking inside the networks, as plain arrays (the "Look inside" panel draws them).

- `neuron_maps`: every hidden unit of D as a small map of its activation over the
  square, layer by layer (TensorFlow Playground's idea); with 2D noise, every hidden
  unit of G over the noise square. At most MAX_UNITS units in all (`unit_caps` shares
  them out); the rest are named.
- `probe` and `noise_line`: G(z) for chosen noise vectors, and the image of a line
  in noise space (a curve in the data square).
- `ideal_discriminator`: D*(x) = p_data(x) / (p_data(x) + p_g(x)), the best any
  discriminator could do against the generator as it is now (Goodfellow et al.
  2014, Prop. 1), estimated from smoothed histograms, with a sentence comparing
  the learned D(x) to it.
- `gradient_field`: the generator loss's pull -dL_G/dx on a coarse grid over the
  whole square: where a fake at that spot would be pushed.

Conventions as in `fields`: points are (x, y) with y up; maps are row-major with
row 0 at the top.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import fields, losses, metrics
from .nn import activate

NEURON_RES = 20        # side of each unit's map: 400 points per forward pass
MAX_UNITS = 128        # units shown in all (both networks); the rest are left out and named
IDEAL_SIGMA = 1.0      # Gaussian smoothing of the histograms, in cells
FIELD_RES = 15         # the gradient field's grid: 225 arrows


# ----- neuron maps -------------------------------------------------------------------------
@dataclass
class NeuronMaps:
    """The hidden units of one network, each as a res x res map over its input square."""
    net: str                # "d" or "g"
    maps: np.ndarray        # (units, res, res) activations, row 0 at the top
    layer: np.ndarray       # (units,) hidden layer of each map, from 1
    index: np.ndarray       # (units,) the unit's place in its layer, from 1
    left_out: str           # "" or a sentence naming the units not shown

    @property
    def shade(self) -> np.ndarray:
        """Each map scaled into [0, 1] for drawing: 0.5 is zero activation, 0 and 1 the
        unit's largest negative and positive values (each unit on its own scale)."""
        peak = np.abs(self.maps).reshape(len(self.maps), -1).max(axis=1)
        return 0.5 + 0.5 * self.maps / np.maximum(peak, 1e-12)[:, None, None]


def hidden_layers(net, x: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's activations h_k = act(h_{k-1} @ W_k + b_k) for inputs x
    (h_0 = x), as new arrays; the output layer (linear) is not included. Unlike
    `MLP.forward` this touches none of the network's buffers, so training and the
    main view are unaffected."""
    out, a = [], x
    for k in range(net.n_layers - 1):
        a = activate(net.activation, a @ net.W[k] + net.b[k])
        out.append(a)
    return out


def _pick(widths: list[int], cap: int) -> tuple[list[int], str]:
    """How many units of each layer to show (whole layers first, in order, up to `cap`)
    and a sentence naming what is left out."""
    shown, room = [], cap
    for w in widths:
        shown.append(min(w, room))
        room -= shown[-1]
    parts = []
    for k, (w, s) in enumerate(zip(widths, shown), start=1):
        if s == 0:
            parts.append(f"layer {k}")
        elif s < w:
            parts.append(f"units {s + 1}-{w} of layer {k}")
    left = sum(widths) - sum(shown)
    text = (f"Showing {cap} of {sum(widths)} units: {', '.join(parts)} left out ({left} units)."
            if left else "")
    return shown, text


def noise_square(kind: str, dim: int, res: int = NEURON_RES) -> np.ndarray:
    """Noise vectors on a res x res grid over the noise square, placed as
    `fields.noise_view` places noise: uniform [-1, 1), Gaussian -3..3 (row 0 at the top)."""
    lo, hi = (-1.0, 1.0) if kind == "uniform" else (-3.0, 3.0)
    z = np.zeros((res * res, dim))
    z[:, :2] = lo + fields.grid_points(res) * (hi - lo)
    return z


def unit_caps(trainer, cap: int = MAX_UNITS) -> dict[str, int]:
    """How many hidden units of D and of G the panel shows, `cap` in all: every unit when
    they fit; else a network with fewer than half of `cap` shows all of its units and the
    other the rest; else half each. G's units count only with 2D noise (see neuron_maps)."""
    d = sum(trainer.D.sizes[1:-1])
    g = sum(trainer.G.sizes[1:-1]) if trainer.settings["noise_dim"] == 2 else 0
    if d + g <= cap:
        return {"d": d, "g": g}
    half = cap // 2
    if d <= half:
        return {"d": d, "g": cap - d}
    if g <= half:
        return {"d": cap - g, "g": g}
    return {"d": half, "g": cap - half}


def neuron_maps(trainer, net: str = "d", res: int = NEURON_RES,
                cap: int = MAX_UNITS) -> NeuronMaps | None:
    """The hidden units of D (over the data square) or G (over the noise square; only
    with 2D noise, else None), at most `cap` of them. None if the network has no
    hidden layer."""
    s = trainer.settings
    model = trainer.D if net == "d" else trainer.G
    if net == "g" and s["noise_dim"] != 2:
        return None
    widths = model.sizes[1:-1]
    if not widths:
        return None
    x = fields.grid_points(res) if net == "d" else noise_square(s["noise"], 2, res)
    shown, left_out = _pick(widths, cap)
    maps, layer, index = [], [], []
    for k, (h, count) in enumerate(zip(hidden_layers(model, x), shown), start=1):
        if count == 0:
            break       # later layers are left out; no need to run them further
        maps.append(h[:, :count].T.reshape(count, res, res))
        layer += [k] * count
        index += range(1, count + 1)
    return NeuronMaps(net, np.concatenate(maps), np.array(layer), np.array(index), left_out)


# ----- the noise-space probe ---------------------------------------------------------------
def noise_from_view(kind: str, dim: int, uv: np.ndarray) -> np.ndarray:
    """Noise vectors for points uv placed in the noise square (the inverse of
    `fields.noise_view`); dimensions beyond the first two are 0."""
    uv = np.atleast_2d(np.asarray(uv, dtype=float))
    lo, hi = (-1.0, 1.0) if kind == "uniform" else (-3.0, 3.0)
    z = np.zeros((len(uv), dim))
    k = min(2, dim)
    z[:, :k] = lo + uv[:, :k] * (hi - lo)
    return z


def probe(trainer, z: np.ndarray) -> np.ndarray:
    """G(z) for probe noise vectors z (k, noise_dim): where the generator sends them."""
    return trainer.generate(np.atleast_2d(np.asarray(z, dtype=float)))


def noise_line(trainer, z0, z1, n: int = fields.CURVE_RES) -> tuple[np.ndarray, np.ndarray]:
    """n noise vectors evenly along the segment z0 -> z1, and their image curve G(z)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    z = (1 - t) * np.asarray(z0, dtype=float) + t * np.asarray(z1, dtype=float)
    return z, trainer.generate(z)


# ----- the ideal discriminator -------------------------------------------------------------
def smooth(hist: np.ndarray, sigma: float = IDEAL_SIGMA) -> np.ndarray:
    """A square histogram blurred by a Gaussian of `sigma` cells (truncated at 3 sigma),
    so a cell between samples is not read as having no density at all."""
    h = np.asarray(hist, dtype=float)
    k = _blur(len(h), sigma)
    # Separable: K @ h blurs each column, @ K.T each row; mass past the edges is lost.
    return k @ h @ k.T


def _blur(n: int, sigma: float) -> np.ndarray:
    """The n x n matrix of a 1D Gaussian blur (rows: output cells)."""
    d = np.arange(n)[:, None] - np.arange(n)[None, :]
    k = np.exp(-0.5 * (d / sigma) ** 2)
    k[np.abs(d) > np.ceil(3 * sigma)] = 0.0
    return k / k[n // 2].sum()


def ideal_from_densities(p: np.ndarray, q: np.ndarray, eps: float | None = None) -> np.ndarray:
    """D* = p / (p + q) cell by cell: the chance that a sample found in that cell is
    real, when real and fake samples are equally common. Both densities get a small
    `eps` added (default: 2 % of a cell's share of the mass, 0.02 / cells), so that
    where neither has samples D* fades to 0.5 (nothing to tell apart) instead of
    jumping there."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if eps is None:
        eps = 0.02 / p.size
    return (p + eps) / (p + q + 2 * eps)


def _as_image(hist: np.ndarray, bins: int) -> np.ndarray:
    """metrics.histogram's flat (x-cell, y-cell) order as an image, row 0 at the top."""
    return hist.reshape(bins, bins).T[::-1]


@dataclass
class Ideal:
    ideal: np.ndarray       # (bins, bins) D*(x), row 0 at the top
    learned: np.ndarray     # (bins, bins) the learned D(x) as the view shows it
    weight: np.ndarray      # (bins, bins) where the samples are: (p + q) / 2
    sentence: str


def ideal_discriminator(trainer, sigma: float = IDEAL_SIGMA) -> Ideal:
    """D*(x) on the metrics' 30x30 grid from the trainer's fixed metric samples (5,000
    reals, 2,500 fakes from fixed noise: the histograms behind KL/JS), smoothed,
    beside the learned D(x) on the same grid, with a sentence on how they differ."""
    bins, real = metrics.BINS, trainer.real_hist
    fake = metrics.histogram(trainer.generate(trainer.metric_noise), bins)
    p, q = smooth(_as_image(real, bins), sigma), smooth(_as_image(fake, bins), sigma)
    ideal = ideal_from_densities(p, q)
    learned = fields.heatmap(trainer, bins)
    weight = 0.5 * (p + q)
    return Ideal(ideal, learned, weight, compare(ideal, learned, weight, trainer.settings["loss"]))


def compare(ideal: np.ndarray, learned: np.ndarray, weight: np.ndarray, loss: str = "log") -> str:
    """One sentence on how the learned D differs from D*, where the samples are."""
    w = weight / max(float(weight.sum()), 1e-12)
    gap = float(np.sum(w * np.abs(learned - ideal)))
    ideal_sure = float(np.sum(w * np.abs(ideal - 0.5)))
    learned_sure = float(np.sum(w * np.abs(learned - 0.5)))
    if loss == "wasserstein":
        return ("A Wasserstein critic scores, it does not give probabilities: compare where "
                "it is high and low with D*, not its values.")
    if ideal_sure < 0.05:
        return ("D* is about 0.5 wherever the samples are: the fakes match the data so well "
                "that no discriminator could tell them apart.")
    if gap < 0.1:
        return (f"The learned D is close to D* where the samples are (they differ by "
                f"{gap:.2f} on average): it has caught up with the generator.")
    if learned_sure < ideal_sure:
        return (f"The learned D is less sure than D* (they differ by {gap:.2f} on average): "
                "it lags behind the generator, so it pulls the fakes more weakly than it could.")
    return (f"The learned D is surer than D* (they differ by {gap:.2f} on average): it draws "
            "sharper borders than the samples justify, and may be overfitting the last batches.")


# ----- the gradient field --------------------------------------------------------------------
def pull(trainer, points: np.ndarray) -> np.ndarray:
    """-dL_G/dx at each point as if a fake stood there: the direction and strength of the
    generator loss's push, back through D (as `fields.frame` computes its arrows:
    each point's own loss, so the batch mean's gradient times the number of points)."""
    loss = losses.get(trainer.settings["loss"])
    m = len(points)
    logits = trainer.D.forward(points)
    _, dl = loss.g_loss(logits, losses.targets(m))
    arrows = trainer.D.input_grad(dl)
    arrows *= -m
    return arrows


def gradient_field(trainer, res: int = FIELD_RES) -> tuple[np.ndarray, np.ndarray]:
    """The pull on a res x res grid over the whole square: (points, arrows), row 0 at the top."""
    pts = fields.grid_points(res)
    return pts, pull(trainer, pts)
