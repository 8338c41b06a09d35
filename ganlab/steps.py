"""The D and G steps bound to one model: each a fixed list of NumPy calls on arrays
looked up once.

`Trainer.epoch`, `d_step` and `g_step` run a `StepPlan` (a step in pieces does not:
see Trainer.epoch_steps). A plan makes exactly the NumPy calls that
`nn.MLP.forward`, `backward` and `input_grad` make, on the same kind of buffers,
so it gives the same numbers to the last bit (tests/test_steps.py); the maths, as
equations: `textbook.py`.

Why it exists: in the browser a NumPy call on GAN Lab's small arrays costs a few
microseconds, and so does the Python around it (a method call, an attribute or a
dict lookup each cost a fraction of one). Every buffer, view and function a step
touches is looked up here once, when the plan is made, and each call is either a
`functools.partial` with all its arguments bound or a call of the one array that
changes from step to step (the samples drawn, the loss's gradient). In Pyodide at
the defaults an epoch takes 5-11 % less time than the same calls made through the
network's methods (`python tools/engineab.py --before c7e3d18` compares the two).

A plan holds on to its model's arrays: the trainer makes a new one whenever the
settings, the model or its parameter arrays change (`Trainer._kit`).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .nn import MLP, Batch, activate_rows_calls, activation_grad_calls


def _matmul(fast: bool):
    """The product nn.product uses for a layer, called as f(a, b, out): einsum's or
    matmul's. (A ufunc takes `out` as its third argument: bound that way, a partial
    is called without a copy of its keywords, which costs time in the browser.)"""
    return _einsum if fast else np.matmul


def _einsum(a, b, out):
    return np.einsum("ij,jk->ik", a, b, out=out)


def forward(net: MLP, b: Batch, out):
    """net's forward pass on batch b's buffers as a function of its input rows (with
    their column of ones), writing the output into `out`: MLP.forward's calls."""
    last = len(net.Wb) - 1
    outs = [b.inner[k + 1] for k in range(last)] + [out]
    first, w0, out0 = _matmul(net.fast[0]), net.Wb[0], outs[0]
    rest = []
    for k in range(1, last + 1):
        rest += activate_rows_calls(net.activation, b.aug[k])
        rest.append(partial(_matmul(net.fast[k]), b.aug[k], net.Wb[k], outs[k]))

    def run(a) -> None:
        first(a, w0, out0)
        for call in rest:
            call()
    return run


def backward(net: MLP, b: Batch, params: bool = True, input_out=None):
    """net's backward pass after a forward on batch b's buffers, as a function of
    dL/d(output) and of the forward's input rows transposed. `params`: fill
    net.grad (MLP.backward's calls); `input_out`: write dL/d(input) there
    (MLP.input_grad's calls)."""
    last = len(net.Wb) - 1
    # Below the top layer every dL/dz is a buffer of the batch's own, so those calls
    # are bound whole; the top layer's two products take dL/d(output), `d_out`.
    calls, dz = [], None
    for k in range(last, 0, -1):
        da, da_inner, scratch = b.grad(k)
        if dz is not None:
            if params:      # dL/dWb[k] = [h_k, 1].T @ dz
                calls.append(partial(_matmul(net.fast_dw[k]), b.augT[k], dz, net.dWb[k]))
            calls.append(partial(_matmul(net.fast[k]), dz, net.WT[k], da_inner))
        calls += activation_grad_calls(net.activation, b.aug[k], da, scratch)
        dz = da_inner
    dw, aT, dWb = _matmul(net.fast_dw[last]), b.augT[last], net.dWb[last]
    dh, WT, h_grad = _matmul(net.fast[last]), net.WT[last], b.grad(last)[1] if last else None
    dw0, dx = _matmul(net.fast_dw[0]), _matmul(net.fast[0])
    dWb0, WT0 = net.dWb[0], net.WT[0]

    def run(d_out, a0T) -> None:
        z = d_out
        if last:            # the top hidden layer's products, then the calls below it
            if params:
                dw(aT, d_out, dWb)
            dh(d_out, WT, h_grad)
            for call in calls:
                call()
            z = dz
        if params:
            dw0(a0T, z, dWb0)
        if input_out is not None:
            dx(z, WT0, input_out)
    return run


class StepPlan:
    """One model's D and G steps up to their update (the update and its checks are
    the trainer's: Trainer._d_update, _g_update), made for batch size n.

    The D step's 2n rows (real, then fake) and the G step's n fakes go straight into
    D's own input buffers, as nn.MLP.input_buffer allows; G writes its fakes there.
    """

    def __init__(self, G: MLP, D: MLP, n: int, objective, targets, rng, take_real, take_noise):
        kind = type(D.params)       # the benchmark counts NumPy calls on this type
        gb, db2, db1 = G.batch(n), D.batch(2 * n), D.batch(n)
        self.n, self.rng, self.take_real, self.take_noise = n, rng, take_real, take_noise
        self.d_loss, self.g_loss, self.targets = objective.d_loss, objective.g_loss, targets
        # The D step: reals and fakes in D's input rows, then D on all 2n of them.
        self.x2, self.x2T = db2.aug[0], db2.augT[0]
        self.x2_real = db2.aug[0][:n, :2]
        self.g_into_x2 = forward(G, gb, db2.aug[0][n:, :2])
        self.logits2 = np.empty((2 * n, 1)).view(kind)
        self.d_forward2 = forward(D, db2, self.logits2)
        self.d_backward2 = backward(D, db2)
        # The G step: n fakes through D, and the loss's pull on them back into G.
        self.x1 = db1.aug[0]
        self.g_into_x1 = forward(G, gb, db1.aug[0][:, :2])
        self.logits1 = np.empty((n, 1)).view(kind)
        self.d_forward1 = forward(D, db1, self.logits1)
        self.pull = np.empty((n, 2)).view(kind)       # dL/d(fakes), through D
        self.d_pull = backward(D, db1, params=False, input_out=self.pull)
        self.g_backward = backward(G, gb)

    def d_pass(self, want_loss: bool):
        """A D step's samples, forward pass, loss and gradient (into D.grad): the loss
        (None unless `want_loss`)."""
        rng, n = self.rng, self.n
        self.x2_real[...] = self.take_real(rng, n)
        self.g_into_x2(self.take_noise(rng, n))
        self.d_forward2(self.x2)
        loss, dl = self.d_loss(self.logits2, self.targets, want_loss)
        self.d_backward2(dl, self.x2T)
        return loss

    def g_pass(self, want_loss: bool):
        """A G step's noise, forward pass through G and D, loss and gradient (into
        G.grad; D's gradient is left as it was): the loss (None unless `want_loss`)."""
        z = self.take_noise(self.rng, self.n)
        self.g_into_x1(z)
        self.d_forward1(self.x1)
        loss, dl = self.g_loss(self.logits1, self.targets, want_loss)
        self.d_pull(dl, None)
        self.g_backward(self.pull, z.T)
        return loss
