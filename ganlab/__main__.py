"""`python -m ganlab ...`: see ganlab.cli."""
import os
import sys

# The matrices here are small (a few hundred rows): BLAS threads only add
# hand-off overhead, and on a busy 2-core machine they make matmul many times
# slower. Must be set before NumPy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

try:
    from .cli import main  # noqa: E402  (loads NumPy: Ctrl-C may land here)
except KeyboardInterrupt:
    sys.stderr.write("ganlab: interrupted\n")
    sys.exit(130)

sys.exit(main())
