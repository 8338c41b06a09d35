"""ganlab.nn: activations, the flat-parameter MLP, forward/backward/input_grad."""
from __future__ import annotations

import numpy as np
import pytest

from ganlab import gradcheck, nn
from ganlab.nn import MLP, activate, activation_grad
from ganlab.state import ACTIVATIONS

TOL = 1e-6


# ----- gradient checks against finite differences, one item per test --------------
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradient_matches_finite_differences(name):
    err = gradcheck.check_activation(name, np.random.default_rng(11))
    assert err < TOL, f"activation {name}: relative error {err:.2e}"


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_network_parameter_gradient_matches_finite_differences(name):
    ep, _ = gradcheck.check_network(name, np.random.default_rng(12))
    assert ep < TOL, f"network {name} parameters: relative error {ep:.2e}"


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_network_input_gradient_matches_finite_differences(name):
    _, ex = gradcheck.check_network(name, np.random.default_rng(13))
    assert ex < TOL, f"network {name} input: relative error {ex:.2e}"


@pytest.mark.parametrize("sizes", [(2, 1), (2, 4, 1), (3, 5, 4, 3, 2)])
def test_network_gradients_for_other_depths(sizes):
    ep, ex = gradcheck.check_network("tanh", np.random.default_rng(14), sizes=sizes)
    assert ep < TOL and ex < TOL


def _bad_tanh_grad(real):
    def grad(name, h, dh):
        if name == "tanh":
            return dh.copy()        # drops the (1 - h^2) factor
        return real(name, h, dh)
    return grad


def test_gradcheck_detects_a_wrong_activation_gradient(monkeypatch):
    # gradcheck imported activation_grad by name, so patch it there.
    monkeypatch.setattr(gradcheck, "activation_grad", _bad_tanh_grad(nn.activation_grad))
    err = gradcheck.check_activation("tanh", np.random.default_rng(11))
    assert err > 1e-2
    # The other activations are still fine.
    assert gradcheck.check_activation("relu", np.random.default_rng(11)) < TOL


def test_gradcheck_detects_a_wrong_gradient_inside_a_network(monkeypatch):
    real = nn.activation_grad_into

    def bad(name, h, dh, scratch):
        return dh if name == "tanh" else real(name, h, dh, scratch)    # drops (1 - h^2)
    monkeypatch.setattr(nn, "activation_grad_into", bad)
    ep, ex = gradcheck.check_network("tanh", np.random.default_rng(12))
    assert ep > 1e-2 and ex > 1e-2
    ed, eg = gradcheck.check_gan("log", np.random.default_rng(13))   # tanh nets inside
    assert ed > 1e-2 and eg > 1e-2


def test_gradcheck_run_reports_every_item_within_tolerance():
    items = gradcheck.run()
    assert len(items) == 2 * len(ACTIVATIONS) + 2 * 5 + len(ACTIVATIONS) + 2 * 5
    bad = {k: v for k, v in items.items() if not v < gradcheck.TOLERANCE}
    assert not bad


def test_rel_error_and_numeric_grad():
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.rel_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)
    p = np.array([1.0, -2.0, 3.0])
    g = gradcheck.numeric_grad(lambda: float((p ** 2).sum()), p)
    np.testing.assert_allclose(g, 2 * p, rtol=1e-8)
    np.testing.assert_array_equal(p, [1.0, -2.0, 3.0])   # restored


# ----- activations --------------------------------------------------------------
def test_activation_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(activate("relu", z.copy()), [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(activate("leaky_relu", z.copy()),
                               [-2 * nn.LEAK, -0.5 * nn.LEAK, 0, 0.5, 2])
    np.testing.assert_allclose(activate("tanh", z.copy()), np.tanh(z))
    np.testing.assert_allclose(activate("sigmoid", z.copy()), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_array_equal(activate("linear", z.copy()), z)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activate_works_in_place(name):
    z = np.linspace(-3, 3, 7)
    out = activate(name, z)
    assert out is z


def test_sigmoid_never_overflows():
    with np.errstate(all="raise"):
        out = activate("sigmoid", np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5
    assert np.all((out >= 0) & (out <= 1))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_grad_returns_a_new_array(name):
    h = activate(name, np.array([-1.0, 0.3, 2.0]))
    dh = np.array([1.0, 2.0, 3.0])
    out = activation_grad(name, h, dh)
    assert out is not dh
    np.testing.assert_array_equal(dh, [1.0, 2.0, 3.0])


def test_unknown_activation_raises():
    with pytest.raises(ValueError, match="unknown activation"):
        activate("swish", np.zeros(2))
    with pytest.raises(ValueError, match="unknown activation"):
        activation_grad("swish", np.zeros(2), np.zeros(2))


# ----- the MLP --------------------------------------------------------------------
def test_parameter_count_shapes_and_views():
    net = MLP([3, 5, 4, 2], "relu", np.random.default_rng(0))
    assert net.params.size == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2
    assert net.grad.shape == net.params.shape
    assert [w.shape for w in net.W] == [(3, 5), (5, 4), (4, 2)]
    assert [b.shape for b in net.b] == [(5,), (4,), (2,)]
    assert net.n_layers == 3
    # W, b, dW, db are views of the flat arrays, not copies.
    for arr in net.W + net.b:
        assert np.shares_memory(arr, net.params)
    for arr in net.dW + net.db:
        assert np.shares_memory(arr, net.grad)
    net.params[:] = np.arange(net.params.size)
    assert net.W[0][0, 0] == 0 and net.b[0][0] == 15 and net.W[1][0, 0] == 20


def test_forward_is_the_documented_formula():
    rng = np.random.default_rng(1)
    net = MLP([2, 4, 3, 1], "tanh", rng)
    net.params += rng.standard_normal(net.params.size) * 0.1
    x = rng.standard_normal((6, 2))
    h = np.tanh(x @ net.W[0] + net.b[0])
    h = np.tanh(h @ net.W[1] + net.b[1])
    np.testing.assert_allclose(net.forward(x), h @ net.W[2] + net.b[2], rtol=1e-13)


def test_forward_does_not_modify_its_input():
    net = MLP([2, 8, 1], "relu", np.random.default_rng(2))
    x = np.random.default_rng(3).standard_normal((5, 2))
    x0 = x.copy()
    net.forward(x)
    np.testing.assert_array_equal(x, x0)


def test_same_rng_seed_same_network_different_seed_different():
    a = MLP([2, 8, 8, 1], "relu", np.random.default_rng(7))
    b = MLP([2, 8, 8, 1], "relu", np.random.default_rng(7))
    c = MLP([2, 8, 8, 1], "relu", np.random.default_rng(8))
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_initialisation_biases_centre_and_out_scale():
    rng = np.random.default_rng(4)
    net = MLP([2, 16, 2], "relu", rng, out_bias=0.5, out_scale=0.15, centre=0.5)
    np.testing.assert_array_equal(net.b[-1], [0.5, 0.5])
    # Every first-layer unit's boundary goes through (0.5, 0.5).
    np.testing.assert_allclose(np.array([[0.5, 0.5]]) @ net.W[0] + net.b[0], 0.0, atol=1e-15)
    plain = MLP([2, 16, 2], "relu", np.random.default_rng(4))
    np.testing.assert_array_equal(plain.b[0], 0.0)
    # The output scale: out_scale / sqrt(fan_in) instead of Xavier.
    big = MLP([2, 4000, 2], "relu", np.random.default_rng(5), out_scale=0.15)
    assert big.W[-1].std() == pytest.approx(0.15 / np.sqrt(4000), rel=0.05)
    he = MLP([4000, 3000, 1], "relu", np.random.default_rng(6))
    assert he.W[0].std() == pytest.approx(np.sqrt(2 / 4000), rel=0.01)
    xavier = MLP([4000, 3000, 1], "tanh", np.random.default_rng(6))
    assert xavier.W[0].std() == pytest.approx(np.sqrt(2 / 7000), rel=0.01)


def test_backward_does_not_modify_d_out_and_returns_input_grad_only_if_asked():
    rng = np.random.default_rng(9)
    net = MLP([2, 6, 3], "sigmoid", rng)
    x = rng.standard_normal((4, 2))
    d = rng.standard_normal((4, 3))
    d0 = d.copy()
    net.forward(x)
    assert net.backward(d) is None
    np.testing.assert_array_equal(d, d0)
    g1 = net.grad.copy()
    dx = net.backward(d, input_grad=True)
    assert dx.shape == x.shape
    np.testing.assert_array_equal(net.grad, g1)


def test_input_grad_rows_and_does_not_touch_grad():
    rng = np.random.default_rng(10)
    net = MLP([2, 7, 5, 1], "leaky_relu", rng)
    x = rng.standard_normal((9, 2))
    d = rng.standard_normal((9, 1))
    net.forward(x)
    full = net.backward(d, input_grad=True)
    net.grad[:] = 123.0
    np.testing.assert_allclose(net.input_grad(d), full, rtol=1e-14)
    np.testing.assert_allclose(net.input_grad(d[3:], rows=slice(3, None)), full[3:], rtol=1e-14)
    assert np.all(net.grad == 123.0)


def test_network_without_hidden_layers():
    rng = np.random.default_rng(15)
    net = MLP([2, 1], "relu", rng)
    x = rng.standard_normal((5, 2))
    np.testing.assert_allclose(net.forward(x), x @ net.W[0] + net.b[0])
    d = np.ones((5, 1))
    dx = net.backward(d, input_grad=True)
    np.testing.assert_allclose(net.dW[0], x.T @ d)
    np.testing.assert_allclose(dx, d @ net.W[0].T)
    np.testing.assert_allclose(net.input_grad(d), dx)


def test_set_params():
    net = MLP([2, 3, 1], "relu", np.random.default_rng(0))
    W0 = net.W[0]
    values = np.linspace(-1, 1, net.params.size)
    net.set_params(values.tolist())
    np.testing.assert_array_equal(net.params, values)
    assert net.W[0] is W0 and np.shares_memory(net.W[0], net.params)   # views still valid
    with pytest.raises(ValueError, match=f"expected {net.params.size} parameters"):
        net.set_params(values[:-1])
    np.testing.assert_array_equal(net.params, values)


def test_bind_rebinds_views():
    net = MLP([2, 3, 1], "relu", np.random.default_rng(0))
    p, g = net.params.copy() * 2, np.zeros_like(net.grad)
    net.bind(p, g)
    assert net.params is p and np.shares_memory(net.W[1], p) and np.shares_memory(net.db[0], g)
