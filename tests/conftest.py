"""Shared set-up for the engine tests.

- The repo root is importable, so the suite runs without `pip install -e .`.
- One BLAS thread, as `python -m ganlab` uses: the matrices are small, and on a busy
  2-core machine a spinning BLAS thread pool only slows everything down. (Set before
  NumPy is first imported; results are the same either way.)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
