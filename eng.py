import time, json
from ganlab.gan import Trainer
from plaingan_speed import PlainGAN
e, p = Trainer({}), PlainGAN(1)
e.train(50); p.train(50)
res = {"ganlab": [], "plain": []}
for _ in range(5):
    for name, g in (("ganlab", e), ("plain", p)):
        t = time.perf_counter(); g.train(1500); res[name].append(round(1e3*(time.perf_counter()-t)/1500, 4))
print(res, min(res["ganlab"])/min(res["plain"]))
