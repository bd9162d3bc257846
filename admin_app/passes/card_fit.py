"""Whether a large-item release's list of items fits on its printed card.

The card has a fixed size (A6 or A5) and everything on it must stay readable: the list is
printed in smaller type when it is long, and a list too long even for that is flagged on the
screen (print it on A5) rather than printed over the QR code. The figures were measured in
Chromium's print layout (tests/e2e/test_printing.py prints such cards)."""

from __future__ import annotations

import math
import unicodedata

# Per card size: characters (Chinese ones; Latin ones count about half) on one line of the
# items box, and the lines the card holds under its QR code, at the normal type.
CAPACITY = {"A6": (26, 8), "A5": (36, 11)}
SMALL = 0.8  # the smaller type, relative to the normal one


def printed_lines(text: str, per_line: float) -> int:
    total = 0
    for line in (text or "").splitlines() or [""]:
        width = sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in line)
        total += max(1, math.ceil(width / per_line))
    return total


def items_fit(text: str, size: str) -> str:
    """The list on the card: "normal", "small" (in smaller type) or "too-long"."""
    per_line, lines = CAPACITY[size]
    if printed_lines(text, per_line) <= lines:
        return "normal"
    if printed_lines(text, per_line / SMALL) <= lines / SMALL:
        return "small"
    return "too-long"
