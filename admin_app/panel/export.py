"""Exports that stream with bounded memory and cannot carry a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import tempfile

from openpyxl import Workbook

# The neutralising lives below the screens: a job's e-mailed workbook uses it too.
from admin_app.services.spreadsheets import (  # noqa: F401 - re-exported
    _NOT_IN_SHEET_TITLE,
    FORMULA_START,
    cell,
    neutralise,
    xlsx_bytes,
)


class _Line:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows):
    """Yield CSV text (with a BOM so that Excel opens UTF-8 Chinese correctly)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([neutralise(v) for v in row])


def closing_session(body, session):
    """The stream outlives the view and its session's teardown: the connection is released
    when the download ends or the client goes away."""
    try:
        yield from body
    finally:
        session.close()


def xlsx_stream(header: list[str], rows, sheet_title: str = "export", chunk: int = 64 * 1024):
    """Build an .xlsx in write-only mode (rows are not kept in memory) and yield its bytes;
    the sheet is named in the reader's language (the list's name), as Excel allows."""
    workbook = Workbook(write_only=True)
    title = _NOT_IN_SHEET_TITLE.sub(" ", sheet_title).strip()[:31]
    sheet = workbook.create_sheet(title=title or "export")
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    with tempfile.TemporaryFile() as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        while block := buffer.read(chunk):
            yield block


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    for part in csv_stream(header, rows):
        out.write(part)
    return out.getvalue()
