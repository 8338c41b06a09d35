"""ganlab.textbook: the GAN as the equations gives the same numbers as the fast engine.

For every loss, activation, optimiser and depth: from the same mid-run state (weights
and optimiser memory) and on the same samples, one fast step (Trainer.d_step /
g_step) and one textbook step give the same parameters to 1e-12, and the same loss.
"""
from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest

from ganlab import textbook
from ganlab.gan import Trainer
from ganlab.state import ACTIVATIONS, LOSSES, OPTIMIZERS

TOL = 1e-12
DEPTHS = (0, 1, 3)


def as_layers(mlp, flat):
    """`flat` (laid out as mlp's parameters) as textbook layers [(W, b), ...], copied."""
    view = copy.copy(mlp)
    view.bind(np.array(flat, dtype=float), np.zeros(len(flat)))
    return [(W.copy(), b.copy()) for W, b in zip(view.W, view.b)]


def flat(layers):
    return np.concatenate([np.vstack((W, b[None, :])).ravel() for W, b in layers])


def as_net(t: Trainer, net: str) -> textbook.Net:
    """Trainer t's network `net` ("d" or "g") with its optimiser's memory, as a textbook Net."""
    mlp, opt, s = (t.D, t.opt_d, t.settings) if net == "d" else (t.G, t.opt_g, t.settings)
    state = opt.state()
    memory = [{} for _ in range(2 * mlp.n_layers)]
    for key in ("m", "v"):
        if key in state:
            arrays = [p for layer in as_layers(mlp, state[key]) for p in layer]
            for mem, arr in zip(memory, arrays):
                mem[key] = arr
    for mem in memory:
        if "t" in state:
            mem["t"] = state["t"]
    hyper = {"lr": s[f"lr_{net}"], "momentum": s["momentum"], "beta1": s["beta1"],
             "beta2": s["beta2"]}
    return textbook.Net(as_layers(mlp, mlp.params), s[f"{net}_activation"],
                        s[f"optimizer_{net}"], hyper, memory)


def next_samples(t: Trainer, with_real: bool):
    """The real points (if `with_real`) and noise t's next step will draw, leaving t as it was."""
    pools = (t._real, t._noise)
    saved = [(p.rows, p.pos, p.state) for p in pools], t.rng.bit_generator.state
    n = t.settings["batch"]
    x = t._real.take(t.rng, n).copy() if with_real else None
    z = t._noise.take(t.rng, n)[:, :-1].copy()      # without the column of ones
    for p, (rows, pos, state) in zip(pools, saved[0]):
        p.rows, p.pos, p.state = rows, pos, state
    t.rng.bit_generator.state = saved[1]
    return x, z


CASES = list(itertools.product(LOSSES, ACTIVATIONS, OPTIMIZERS, DEPTHS))


@pytest.mark.parametrize("loss, activation, optimizer, depth", CASES,
                         ids=["-".join(map(str, c)) for c in CASES])
def test_a_fast_step_and_a_textbook_step_give_the_same_parameters(loss, activation, optimizer,
                                                                   depth):
    # Adam divides by sqrt(v) + 1e-8. A gradient that is exactly 0 in the maths (a linear
    # D's biases under hinge or Wasserstein loss, when as many reals as fakes are inside
    # the margin) comes out of both engines as rounding noise ~1e-16, summed in different
    # orders, which Adam turns into steps ~lr * 1e-8: at its recommended lr 0.001 that
    # stays under 1e-12 (at most 8e-13 here); everything else agrees to ~1e-14.
    lr = 0.001 if optimizer == "adam" else 0.1
    t = Trainer({"loss": loss, "g_activation": activation, "d_activation": activation,
                 "optimizer_d": optimizer, "optimizer_g": optimizer, "lr_d": lr, "lr_g": lr,
                 "g_layers": depth, "d_layers": depth, "g_units": 6, "d_units": 5,
                 "batch": 16, "beta1": 0.5, "momentum": 0.8, "clip": 0.5})
    t.train(3)                                  # mid-run: the optimisers have memory
    clip = t.settings["clip"] if loss == "wasserstein" else None

    G, D = as_net(t, "g"), as_net(t, "d")
    x, z = next_samples(t, with_real=True)
    d_loss = textbook.d_step(G, D, x, z, loss, clip)
    t.d_step()
    np.testing.assert_allclose(t.D.params, flat(D.layers), rtol=TOL, atol=TOL)
    np.testing.assert_array_equal(t.G.params, flat(G.layers))
    assert d_loss == pytest.approx(t.last_d_loss, rel=TOL, abs=TOL)

    G, D = as_net(t, "g"), as_net(t, "d")      # from the fast engine's state again
    _, z = next_samples(t, with_real=False)
    g_loss = textbook.g_step(G, D, z, loss)
    t.g_step()
    np.testing.assert_allclose(t.G.params, flat(G.layers), rtol=TOL, atol=TOL)
    np.testing.assert_array_equal(t.D.params, flat(D.layers))
    assert g_loss == pytest.approx(t.last_g_loss, rel=TOL, abs=TOL)


def test_the_textbook_covers_every_setting_choice():
    assert set(textbook.LOSSES) == set(LOSSES)
    assert set(textbook.ACTIVATIONS) == set(ACTIVATIONS)
    assert set(textbook.OPTIMIZERS) == set(OPTIMIZERS)


def test_textbook_steps_keep_going_and_learn():
    """Many textbook steps in a row (the memory carries over) lower the D loss on fixed data."""
    rng = np.random.default_rng(0)
    G = textbook.Net([(rng.standard_normal((2, 2)) * 0.1, np.full(2, 0.5))], "relu", "adam",
                     {"lr": 0.01, "beta1": 0.5, "beta2": 0.999})
    D = textbook.Net([(rng.standard_normal((2, 8)), np.zeros(8)),
                      (rng.standard_normal((8, 1)) * 0.3, np.zeros(1))], "tanh", "momentum",
                     {"lr": 0.1, "momentum": 0.9})
    x, z = rng.random((64, 2)) * 0.2 + 0.8, rng.standard_normal((64, 2))
    first = textbook.d_step(G, D, x, z, "log")
    for _ in range(50):
        last = textbook.d_step(G, D, x, z, "log")
    assert last < first / 2
    assert D.memory[0]["v"].shape == (2, 8)
    before = G(z).mean(axis=0)
    for _ in range(20):
        textbook.g_step(G, D, z, "log")
    assert np.linalg.norm(G(z).mean(axis=0) - [0.9, 0.9]) < np.linalg.norm(before - [0.9, 0.9])
