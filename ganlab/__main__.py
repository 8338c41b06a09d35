"""`python -m ganlab ...`: see ganlab.cli."""
import sys

from .cli import main

sys.exit(main())
