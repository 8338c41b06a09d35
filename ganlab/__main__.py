"""`python -m ganlab ...`: see ganlab.cli."""
import _signal  # the C module: loads at once (Ctrl-C could land inside `signal`'s Python)
import os
import sys

# The matrices here are small (a few hundred rows): BLAS threads only add
# hand-off overhead, and on a busy 2-core machine they make matmul many times
# slower. Must be set before NumPy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _interrupted_while_starting(signum, frame):
    # Ctrl-C while NumPy loads can surface as anything (an ImportError from inside
    # its C extensions): leave at once and quietly, there is nothing to keep yet.
    sys.stderr.write("ganlab: interrupted\n")
    sys.stderr.flush()
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_while_starting)
from .cli import main  # noqa: E402
_signal.signal(_signal.SIGINT, _signal.default_int_handler)   # main() handles Ctrl-C itself

sys.exit(main())
