"""An independent plain GAN, the yardstick for the recipes (`python tools/plaingan.py`).

Written apart from the engine on purpose (it imports none of ganlab's networks,
losses, optimisers or trainer): the textbook non-saturating GAN of Goodfellow et
al. (2014) with the usual modern defaults, nothing tuned per data set:

- G: 2D standard Gaussian noise -> 64 ReLU -> 64 ReLU -> 2 (linear);
- D: 2 -> 64 leaky ReLU (0.2) -> 64 leaky ReLU -> 1 logit;
- He-normal weights, zero biases; G's output bias starts at (0.5, 0.5);
- log loss, non-saturating for G; one D step then one G step per epoch, batch 150;
- Adam, lr 2e-4 for both, beta1 0.5, beta2 0.999 (Radford et al. 2016).

Only the data (ganlab.data.sample, the target) and the measurement (ganlab.metrics,
so its figures compare with the engine's) come from ganlab. Its own
`numpy.random.Generator(seed)`; deterministic for a seed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from ganlab import data  # noqa: E402

UNITS, LR, BETA1, BETA2, BATCH, LEAK = 64, 2e-4, 0.5, 0.999, 150, 0.2


class Net:
    def __init__(self, sizes, act, rng):
        self.W = [rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(sizes, sizes[1:])]
        self.b = [np.zeros(b) for b in sizes[1:]]
        self.act = act
        self.m = [np.zeros_like(p) for p in self.W + self.b]
        self.v = [np.zeros_like(p) for p in self.W + self.b]
        self.t = 0

    def forward(self, x):
        self.inputs, self.pre = [], []
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            self.inputs.append(x)
            z = x @ W + b
            self.pre.append(z)
            x = z if i == len(self.W) - 1 else (np.maximum(z, 0) if self.act == "relu"
                                               else np.where(z > 0, z, LEAK * z))
        return x

    def backward(self, dout):
        """Gradients of the parameters (kept) and of the input (returned)."""
        self.dW, self.db = [None] * len(self.W), [None] * len(self.W)
        d = dout
        for i in reversed(range(len(self.W))):
            if i < len(self.W) - 1:
                z = self.pre[i]
                d = d * ((z > 0) if self.act == "relu" else np.where(z > 0, 1.0, LEAK))
            self.dW[i] = self.inputs[i].T @ d
            self.db[i] = d.sum(axis=0)
            d = d @ self.W[i].T
        return d

    def adam(self):
        self.t += 1
        for j, (p, g) in enumerate(zip(self.W + self.b, self.dW + self.db)):
            self.m[j] = BETA1 * self.m[j] + (1 - BETA1) * g
            self.v[j] = BETA2 * self.v[j] + (1 - BETA2) * g * g
            mh = self.m[j] / (1 - BETA1 ** self.t)
            vh = self.v[j] / (1 - BETA2 ** self.t)
            p -= LR * mh / (np.sqrt(vh) + 1e-8)


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def train(preset: str, seed: int, epochs: int, every: int = 50):
    """Train; return [(epoch, fakes from fixed noise)] every `every` epochs."""
    rng = np.random.default_rng(seed)
    G = Net([2, UNITS, UNITS, 2], "relu", rng)
    G.b[-1][:] = 0.5
    D = Net([2, UNITS, UNITS, 1], "leaky", rng)
    fixed = rng.standard_normal((2500, 2))
    out = []
    for e in range(epochs + 1):
        if e % every == 0:
            out.append((e, G.forward(fixed)))
        if e == epochs:
            break
        real = data.sample(preset, rng, BATCH)
        fake = G.forward(rng.standard_normal((BATCH, 2)))
        # D: minimise -log D(real) - log(1 - D(fake)), as a mean over 2n rows.
        lr_, lf = D.forward(real), None
        d_real = (sigmoid(lr_) - 1) / (2 * BATCH)
        D.backward(d_real)
        gW, gb = D.dW, D.db
        lf = D.forward(fake)
        d_fake = sigmoid(lf) / (2 * BATCH)
        D.backward(d_fake)
        D.dW = [a + b for a, b in zip(gW, D.dW)]
        D.db = [a + b for a, b in zip(gb, D.db)]
        D.adam()
        # G: minimise -log D(G(z)) (non-saturating), mean over n.
        fake = G.forward(rng.standard_normal((BATCH, 2)))
        lf = D.forward(fake)
        dx = D.backward((sigmoid(lf) - 1) / BATCH)
        G.backward(dx)
        G.adam()
    return out


def main(argv=None):
    from ganlab import metrics
    from ganlab.metrics import histogram, js
    p = argparse.ArgumentParser(prog="python tools/plaingan.py", description=__doc__.split("\n")[0])
    p.add_argument("--preset", required=True)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--epochs", type=int, default=4000)
    args = p.parse_args(argv)
    for seed in (int(s) for s in args.seeds.split(",")):
        real = data.sample(args.preset, np.random.default_rng(10_000 + seed), 5000)
        h = histogram(real)
        snaps = train(args.preset, seed, args.epochs)
        last = snaps[-10:]
        fake = last[-1][1]
        pr = metrics.precision_recall(real[:metrics.PR_POINTS], fake[:metrics.PR_POINTS])
        modes = data.modes(args.preset)
        cov = metrics.mode_coverage(fake, modes) if modes is not None else None
        print(json.dumps({"preset": args.preset, "seed": seed, "epochs": args.epochs,
                          "js": round(float(np.mean([js(h, histogram(f)) for _, f in last])), 3),
                          "precision": round(pr[0], 3), "recall": round(pr[1], 3),
                          "modes": cov and cov["covered"]}), flush=True)


if __name__ == "__main__":
    main()
