"""A value written for PostgreSQL's COPY reads back as itself: backslash, tab and line ends
escaped, NULL as \\N, anything else (Chinese, other control characters) as it is."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from admin_app.services.bulk import copy_cell

ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def read_back(cell: str) -> str | None:
    """What COPY's text format reads from a cell (the inverse of the four escapes)."""
    if cell == "\\N":
        return None
    out, chars = [], iter(cell)
    for char in chars:
        if char == "\\":
            escaped = next(chars)
            out.append({"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[escaped])
        else:
            out.append(char)
    return "".join(out)


@given(st.text(alphabet=st.sampled_from("ab住户\\\n\r\t\x0b\u2028 ") | st.characters()))
def test_every_text_survives_copy(value):
    cell = copy_cell(value)
    assert not any(char in cell for char in "\n\r\t")
    assert read_back(cell) == value


def test_plain_and_special_cells():
    assert copy_cell("王小明 1-2-301") == "王小明 1-2-301"
    assert copy_cell("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert copy_cell(None) == "\\N"
