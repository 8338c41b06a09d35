"""Wide layers multiplied with einsum (nn.EINSUM: on in the browser, where NumPy has no
BLAS), switched on here under CPython: the same gradients, numbers that agree with
matmul's to rounding, and pieces that still equal whole passes exactly.

The pieces tests of test_gan and test_fields are collected again in this module, so
they run with einsum too (the autouse fixture below applies to them here)."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import fields, gradcheck, nn
from ganlab.gan import Trainer
from test_fields import test_a_frame_made_in_pieces_is_the_frame  # noqa: F401  (run again)
from test_gan import (PIECES_CONFIGS,  # noqa: F401  (the tests below run again)
                      test_a_step_in_pieces_equals_the_whole_step,
                      test_an_epoch_in_pieces_gives_the_same_numbers_as_epoch,
                      test_whole_steps_of_a_huge_model_run_in_the_same_pieces)

WIDE = {"g_layers": 2, "g_units": 30, "d_layers": 3, "d_units": 48, "batch": 300}


@pytest.fixture(autouse=True)
def einsum(monkeypatch):
    """Networks built during the test multiply their wide layers with einsum."""
    monkeypatch.setattr(nn, "EINSUM", True)


def test_only_wide_layers_use_einsum():
    small, wide = Trainer(), Trainer(WIDE)
    nets = (small.G, small.D)
    assert not any(any(n.fast + n.fast_dw) for n in nets)  # GAN Lab's 1x8: matmul throughout
    # The layers from and to the plane (3 rows, 1 or 2 columns of weights) stay with
    # matmul; D's hidden layers of 48 units switch; G's of 30 only for dL/dW.
    assert wide.D.fast == wide.D.fast_dw == [False, True, True, False]
    assert wide.G.fast == [False, False, False]
    assert wide.G.fast_dw == [False, True, False]


def test_an_einsum_layer_is_really_multiplied_with_einsum(monkeypatch):
    """A fault check: if `fast` were ignored, this would see no einsum call."""
    calls = []
    real = np.einsum
    monkeypatch.setattr(nn.np, "einsum", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    t = Trainer(WIDE)
    t.epoch()
    assert len(calls) > 10 and set(calls) == {"ij,jk->ik"}


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_einsum_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(3)
    sizes = (3, 30, 50, 45, 2)
    net = nn.MLP(list(sizes), activation, rng)
    assert net.fast == [False, False, True, False] and net.fast_dw == [False, True, True, False]
    params, inputs = gradcheck.check_network(activation, rng, sizes=sizes)
    assert params < gradcheck.TOLERANCE and inputs < gradcheck.TOLERANCE


@pytest.mark.parametrize("settings", [WIDE, {"g_layers": 5, "g_units": 100, "d_layers": 5,
                                             "d_units": 100, "optimizer_d": "adam"}])
def test_einsum_training_agrees_with_matmul_training(monkeypatch, settings):
    """Ten epochs: the same run to rounding (the products are summed in another order)."""
    a = Trainer(settings)
    monkeypatch.setattr(nn, "EINSUM", False)
    b = Trainer(settings)
    assert any(a.D.fast) and not any(b.D.fast)
    a.train(10)
    b.train(10)
    for x, y in ((a.G.params, b.G.params), (a.D.params, b.D.params)):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fields.frame(a, 30).heat, fields.frame(b, 30).heat, atol=1e-12)
