"""Exports that stream with bounded memory and cannot carry a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
import tempfile

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_FIRST = frozenset(FORMULA_START)  # each a single character, looked up once per cell
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(value) -> str:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe.

    Plain signed numbers ("-12.5") stay numbers; "=HYPERLINK(...)" and "@SUM(...)" do not run.
    """
    text = value if type(value) is str else "" if value is None else str(value)
    if text[:1] in _FIRST and not _NUMBER.match(text):
        return "'" + text
    return text


class _Line:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows):
    """Yield CSV text (with a BOM so that Excel opens UTF-8 Chinese correctly)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([neutralise(v) for v in row])


# Characters Excel refuses in a sheet's name.
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def xlsx_stream(header: list[str], rows, sheet_title: str = "export", chunk: int = 64 * 1024):
    """Build an .xlsx in write-only mode (rows are not kept in memory) and yield its bytes;
    the sheet is named in the reader's language (the list's name), as Excel allows."""
    workbook = Workbook(write_only=True)
    title = _NOT_IN_SHEET_TITLE.sub(" ", sheet_title).strip()[:31]
    sheet = workbook.create_sheet(title=title or "export")
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    with tempfile.TemporaryFile() as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        while block := buffer.read(chunk):
            yield block


def _cell(value):
    """Numbers stay numbers (a count can carry no formula); everything else is neutralised."""
    if isinstance(value, int | float) and not isinstance(value, bool):
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
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    for part in csv_stream(header, rows):
        out.write(part)
    return out.getvalue()
