"""Spreadsheet cells that cannot carry a formula, and small whole workbooks (for e-mail)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_FIRST = frozenset(FORMULA_START)  # each a single character, looked up once per cell
# ASCII digits to the very end ("-١٢" and "-12\n" are not numbers to a spreadsheet), the rule
# the database's export applies too (panel/export_copy.py).
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?\Z")


def neutralise(value) -> str:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe.

    Plain signed numbers ("-12.5") stay numbers; "=HYPERLINK(...)" and "@SUM(...)" do not run.
    """
    text = value if type(value) is str else "" if value is None else str(value)
    if text[:1] in _FIRST and not _NUMBER.match(text):
        return "'" + text
    return text


# Characters Excel refuses in a sheet's name.
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def cell(value):
    """Numbers, amounts and dates stay what they are (none can carry a formula), so a
    spreadsheet sums and sorts them; everything else is neutralised text."""
    if isinstance(value, int | float | Decimal | date) and not isinstance(value, bool):
        return value
    return neutralise(value)


def xlsx_bytes(sheets) -> bytes:
    """A small workbook of several sheets, each (title, header, rows), every cell neutralised:
    for a report sent by e-mail, built whole."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=_NOT_IN_SHEET_TITLE.sub(" ", title).strip()[:31])
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
