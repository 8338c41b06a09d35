"""Numbers typed or written as text: plain decimal and scientific notation only.

Python's float() and int() also accept "0_5" (underscores between digits),
"١٢" (digits of other scripts), "inf" and "nan", and surrounding whitespace of
any kind. A learner who types "0_5" means something, but not 5.0: so every
number that comes in as text (the URL, the command line, the page's fields, CSV
files) goes through `number` here, which accepts exactly
    [+|-] digits [. digits] [e|E [+|-] digits]    (also ".5" and "5.")
in ASCII, with leading and trailing spaces, and nothing else.
"""
from __future__ import annotations

import re

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def number(text: str) -> float:
    """`text` as a float; ValueError unless it is plain decimal or scientific notation.

    The result may be inf for an exponent too large ("1e999"): callers check limits.
    """
    s = text.strip(" \t")
    if not _DECIMAL.fullmatch(s):
        raise ValueError(f"not a plain number: {text!r}")
    return float(s)


def whole(text: str) -> int:
    """`text` as an int: plain digits with an optional sign (no "1e3", no "1_000")."""
    s = text.strip(" \t")
    if not re.fullmatch(r"[+-]?[0-9]+", s, re.ASCII) or len(s) > 30:
        raise ValueError(f"not a whole number: {text!r}")
    return int(s)
