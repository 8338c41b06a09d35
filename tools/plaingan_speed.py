"""A plain NumPy GAN written the obvious way: the yardstick for the engine's speed.

`python tools/plaingan_speed.py [--epochs N]` trains it and prints its speed as
JSON; the page benchmark (`tools/benchpage.py`) runs it beside the engine inside
the page's own Pyodide. It imports nothing from ganlab on purpose, so it stays
what a learner would write first from the equations:

- GAN Lab's default sizes and maths, as the engine's defaults have them: G 2D
  uniform noise U[-1, 1) -> 8 ReLU -> 2 (linear), D 2 -> 8 ReLU -> 1 logit; log
  loss (non-saturating for G); plain SGD with learning rates 0.1 (D) and 0.1 (G);
  2 D steps then 1 G step per epoch;
  batches of 150 real and 150 fake points; the data is the two-gaussians preset;
- the obvious code: fresh `rng.random` / `rng.uniform` draws every step,
  one weight matrix and one bias vector per layer (the bias added separately),
  D run apart on the real and the fake batch and back-propagated apart, the
  gradients then summed, each parameter updated on its own.

The engine computes the same maths with fewer NumPy calls and less Python per
step (see ganlab/gan.py); this one is only for comparing speed. Not shipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

NOISE_DIM, HIDDEN, BATCH, K_D, LR_D, LR_G = 2, 8, 150, 2, 0.1, 0.1
# The two-gaussians data: a 50/50 mix of two axis-aligned Gaussians in the unit square.
CENTRES = np.array([[0.3, 0.7], [0.7, 0.4]])
SPREADS = np.array([[0.1, 0.1], [0.05, 0.2]])


def sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)         # = 1 / (1 + e^-z), without overflow


def softplus(z):
    return np.logaddexp(0.0, z)


class Layer:
    """z = a @ W + b; remembers its input for the backward pass."""

    def __init__(self, rng, n_in, n_out, scale):
        self.W = rng.standard_normal((n_in, n_out)) * scale
        self.b = np.zeros(n_out)

    def forward(self, a):
        self.a = a
        return a @ self.W + self.b

    def backward(self, dz):
        """Gradients of W and b from dL/dz, and dL/da."""
        return self.a.T @ dz, dz.sum(axis=0), dz @ self.W.T


class Net:
    """Linear -> ReLU -> linear."""

    def __init__(self, rng, n_in, n_out, out_scale=None):
        self.hidden = Layer(rng, n_in, HIDDEN, np.sqrt(2.0 / n_in))           # He
        self.out = Layer(rng, HIDDEN, n_out,
                         out_scale if out_scale is not None else np.sqrt(2.0 / (HIDDEN + n_out)))

    def forward(self, x):
        z = self.hidden.forward(x)
        self.relu_on = z > 0
        h = np.maximum(z, 0.0)
        return self.out.forward(h)

    def backward(self, d_out):
        """[(dW, db) per layer] and dL/dx."""
        dW2, db2, dh = self.out.backward(d_out)
        dz = dh * self.relu_on
        dW1, db1, dx = self.hidden.backward(dz)
        return [(dW1, db1), (dW2, db2)], dx

    def layers(self):
        return [self.hidden, self.out]

    def sgd(self, grads, lr):
        for layer, (dW, db) in zip(self.layers(), grads):
            layer.W -= lr * dW
            layer.b -= lr * db


def add_grads(a, b):
    return [(dWa + dWb, dba + dbb) for (dWa, dba), (dWb, dbb) in zip(a, b)]


class PlainGAN:
    def __init__(self, seed: int = 1):
        self.rng = rng = np.random.default_rng(seed)
        self.G = Net(rng, NOISE_DIM, 2, out_scale=0.15 / np.sqrt(HIDDEN))
        self.G.out.b += 0.5                                  # fakes start mid-square
        self.D = Net(rng, 2, 1)
        self.D.hidden.b -= 0.5 * self.D.hidden.W.sum(axis=0)  # D's ReLUs alive on the square
        self.d_loss = self.g_loss = None
        self.epochs = 0

    def real(self, n):
        which = (self.rng.random(n) < 0.5).astype(int)
        return CENTRES[which] + self.rng.standard_normal((n, 2)) * SPREADS[which]

    def noise(self, n):
        return self.rng.uniform(-1.0, 1.0, (n, NOISE_DIM))

    def d_step(self):
        """D moves down -log D(x) - log(1 - D(G(z))) on a fresh batch; G unchanged."""
        x, fake = self.real(BATCH), self.G.forward(self.noise(BATCH))
        l_real = self.D.forward(x)
        grads_real, _ = self.D.backward(-sigmoid(-l_real) / BATCH)
        l_fake = self.D.forward(fake)
        grads_fake, _ = self.D.backward(sigmoid(l_fake) / BATCH)
        self.D.sgd(add_grads(grads_real, grads_fake), LR_D)
        self.d_loss = float(softplus(-l_real).mean() + softplus(l_fake).mean())

    def g_step(self):
        """G moves down -log D(G(z)), back-propagated through the fixed D."""
        fake = self.G.forward(self.noise(BATCH))
        l_fake = self.D.forward(fake)
        _, d_fake = self.D.backward(-sigmoid(-l_fake) / BATCH)
        grads, _ = self.G.backward(d_fake)
        self.G.sgd(grads, LR_G)
        self.g_loss = float(softplus(-l_fake).mean())

    def epoch(self):
        for _ in range(K_D):
            self.d_step()
        self.g_step()
        self.epochs += 1

    def train(self, epochs: int) -> int:
        for _ in range(epochs):
            self.epoch()
        return epochs

    def sample(self, n: int) -> np.ndarray:
        """n fakes from fresh noise."""
        return self.G.forward(self.noise(n))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/plaingan_speed.py")
    ap.add_argument("--epochs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    gan = PlainGAN(args.seed)
    gan.train(20)
    start = time.perf_counter()
    gan.train(args.epochs)
    dt = time.perf_counter() - start
    print(json.dumps({"epochs": args.epochs, "ms_per_epoch": round(1e3 * dt / args.epochs, 4),
                      "epochs_per_s": round(args.epochs / dt, 1),
                      "d_loss": gan.d_loss, "g_loss": gan.g_loss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
