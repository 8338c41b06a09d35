"""What the views show, as plain arrays: nothing here draws, so all of it is testable.

- `heatmap`: the discriminator's verdict D(x) on a res x res grid over the square,
  as the loss shows it (`Loss.realness`: a probability for the log losses; a
  Wasserstein critic's score relative to its mean and spread over the grid).
- the displayed samples: fixed real points and G(z) for a fixed noise batch (fixed
  so the fakes move smoothly from frame to frame), each with D's verdict on it.
- `arrows`: for each displayed fake x, -dL_G/dx, the direction in which the
  generator's loss pushes that point (its length is the gradient's size).
- `manifold`: a regular noise grid pushed through G. Every grid cell carries the
  same probability mass, so where G squeezes a cell into a small area, generated
  points are dense; `shade` is density / (density + average density), in (0, 1).

Conventions: a point is (x, y) with y up. Grid images are row-major with row 0 at
the *top* (y near 1) and column 0 at the left (x near 0), as a canvas expects.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import losses, noise

HEAT_RES = 60
MANIFOLD_RES = 21
CURVE_RES = 101


@dataclass
class Frame:
    heat: np.ndarray        # (res, res) D(x) in [0, 1], row 0 at the top
    real: np.ndarray        # (n, 2) displayed real points
    fake: np.ndarray        # (m, 2) displayed fake points
    d_real: np.ndarray      # (n,) D(x) on the real points
    d_fake: np.ndarray      # (m,) D(x) on the fake points
    arrows: np.ndarray      # (m, 2) -dL_G/dx at each fake point
    noise: np.ndarray | None = None      # (m, 2) the fakes' noise, placed in the square
    manifold: np.ndarray | None = None   # (k, 2) images of the noise grid (row-major)
    grid: np.ndarray | None = None       # (k, 2) the noise grid itself, placed in the square
    shade: np.ndarray | None = None      # per quad (res-1, res-1), or per segment (k-1,)


@lru_cache(maxsize=8)
def grid_points(res: int) -> np.ndarray:
    """Centres of a res x res grid of cells over the square, row 0 at the top."""
    c = (np.arange(res) + 0.5) / res
    x, y = np.meshgrid(c, c[::-1])
    pts = np.stack([x.ravel(), y.ravel()], axis=1)
    pts.setflags(write=False)
    return pts


def heatmap(trainer, res: int = HEAT_RES) -> np.ndarray:
    """D(x) on a res x res grid, shape (res, res), row 0 at the top."""
    logits = trainer.D.forward(grid_points(res))
    return losses.get(trainer.settings["loss"]).realness(logits, logits).reshape(res, res)


def frame(trainer, res: int = HEAT_RES, with_manifold: bool = True,
          manifold_res: int = MANIFOLD_RES) -> Frame:
    """Everything the main view shows, from one D pass over grid, reals and fakes
    (the heatmap res x res, the manifold's noise grid manifold_res x manifold_res)."""
    loss = losses.get(trainer.settings["loss"])
    fake = trainer.G.forward(trainer.show_noise)
    real = trainer.show_real
    g, n, m = res * res, len(real), len(fake)
    logits = trainer.D.forward(np.concatenate((grid_points(res), real, fake)))
    # What the loss shows as D(x), relative to the grid for a score without a scale.
    verdict = loss.realness(logits, reference=logits[:g]).ravel()
    # The generator loss of each fake on its own (the batch mean's gradient times m),
    # back through D to the point: the pull G's update puts on that point.
    _, dl = loss.g_loss(logits[g + n:], losses.targets(m))
    arrows = trainer.D.input_grad(dl, rows=slice(g + n, None))
    arrows *= -m
    out = Frame(heat=verdict[:g].reshape(res, res), real=real, fake=fake,
                d_real=verdict[g:g + n], d_fake=verdict[g + n:], arrows=arrows,
                noise=noise_view(trainer.settings["noise"], trainer.show_noise))
    if with_manifold:
        out.manifold, out.shade = manifold(trainer, manifold_res)
        out.grid = noise_grid_view(trainer, manifold_res)
    return out


def frame_work(trainer, res: int = HEAT_RES, manifold_res: int = MANIFOLD_RES) -> int:
    """About how many multiply-adds `frame` does: a discriminator pass over the grid and
    the shown samples, and back from the fakes; generator passes over the shown noise
    and the noise grid."""
    rows_d = res * res + len(trainer.show_real) + 2 * len(trainer.show_noise)  # fakes: there, back
    rows_g = len(trainer.show_noise) + manifold_res * manifold_res
    return trainer.D.params.size * rows_d + trainer.G.params.size * rows_g


def frame_pieces(trainer, res: int = HEAT_RES, work: int = 1 << 22,
                 manifold_res: int = MANIFOLD_RES):
    """`frame(trainer, res, manifold_res=manifold_res)` in bounded pieces, for networks so big that one frame's
    passes would hold the page up: a generator that yields after each piece (at most
    `work` multiply-adds, see nn.MLP.forward_pieces) and returns the Frame, with the
    same numbers as frame(). It uses buffers of its own (training's are untouched),
    but the networks must not change until it is done."""
    from .nn import Batch
    G, D = trainer.G, trainer.D
    loss = losses.get(trainer.settings["loss"])
    z, real = trainer.show_noise, trainer.show_real
    g, n, m = res * res, len(real), len(z)

    def augmented(x):
        a = np.ones((len(x), x.shape[1] + 1))
        a[:, :-1] = x
        return a
    fake = np.empty((m, 2))
    yield from G.forward_pieces(Batch(G, m), augmented(z), fake, work)
    logits = np.empty((g + n + m, 1))
    both = Batch(D, g + n + m)
    yield from D.forward_pieces(both, augmented(np.concatenate((grid_points(res), real, fake))),
                                logits, work)
    verdict = loss.realness(logits, reference=logits[:g]).ravel()
    # The pull on each fake (as in frame): back through D from the fakes' rows.
    _, dl = loss.g_loss(logits[g + n:], losses.targets(m))
    arrows = np.empty((m, 2))
    yield from D.backward_pieces(both.rows_from(D, g + n), dl, work, params=False,
                                 input_grad=arrows)
    arrows *= -m
    s = trainer.settings
    dim = s["noise_dim"]
    zg, mass = _noise_grid(s["noise"], dim, CURVE_RES if dim == 1 else manifold_res)
    pts = np.empty((len(zg), 2))
    yield from G.forward_pieces(Batch(G, len(zg)), augmented(zg), pts, work)
    return Frame(heat=verdict[:g].reshape(res, res), real=real, fake=fake,
                 d_real=verdict[g:g + n], d_fake=verdict[g + n:], arrows=arrows,
                 noise=noise_view(s["noise"], z), manifold=pts,
                 shade=_shade(pts, dim, manifold_res, mass),
                 grid=noise_grid_view(trainer, manifold_res))


def noise_view(kind: str, z: np.ndarray) -> np.ndarray:
    """Noise vectors placed in the unit square to be drawn (the noise node's picture):
    the first two coordinates, uniform [-1, 1) mapped onto [0, 1), Gaussian noise's
    -3..3 standard deviations onto [0, 1] (clipped); 1D noise along the middle row."""
    lo, hi = (-1.0, 1.0) if kind == "uniform" else (-3.0, 3.0)
    out = np.full((len(z), 2), 0.5)
    k = min(2, z.shape[1])
    out[:, :k] = np.clip((z[:, :k] - lo) / (hi - lo), 0.0, 1.0)
    return out


def noise_grid_view(trainer, res: int = MANIFOLD_RES) -> np.ndarray:
    """The noise grid behind the manifold, placed in the square as `noise_view` places
    noise: the start of the generator's transformation (its end is the manifold)."""
    s = trainer.settings
    dim = s["noise_dim"]
    z, _ = _noise_grid(s["noise"], dim, CURVE_RES if dim == 1 else res)
    return noise_view(s["noise"], z)


@lru_cache(maxsize=16)
def _noise_grid(kind: str, dim: int, res: int):
    return noise.grid(kind, dim, res)


def manifold(trainer, res: int = MANIFOLD_RES) -> tuple[np.ndarray, np.ndarray]:
    """G's image of the noise grid and a density shade per cell (segment for 1D noise)."""
    s = trainer.settings
    dim = s["noise_dim"]
    z, mass = _noise_grid(s["noise"], dim, CURVE_RES if dim == 1 else res)
    pts = trainer.G.forward(z)
    return pts, _shade(pts, dim, res, mass)


def _shade(pts: np.ndarray, dim: int, res: int, mass: float) -> np.ndarray:
    """The manifold's density shade per cell (per segment for 1D noise), see `manifold`."""
    if dim == 1:
        d = np.diff(pts, axis=0)
        size = np.hypot(d[:, 0], d[:, 1])
    else:
        p = pts.reshape(res, res, 2)
        # A quad's area is half the cross product of its diagonals.
        d1 = p[1:, 1:] - p[:-1, :-1]
        d2 = p[:-1, 1:] - p[1:, :-1]
        size = 0.5 * np.abs(d1[..., 0] * d2[..., 1] - d1[..., 1] * d2[..., 0])
    density = mass / np.maximum(size, 1e-12)
    average = mass * size.size / max(float(size.sum()), 1e-12)
    return density / (density + average)
