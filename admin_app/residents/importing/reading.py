"""Bytes of an uploaded file -> a table of text cells.

The format is sniffed from the bytes (an .xlsx is a zip; an old .xls an OLE container), never
trusted from the file name. Text files: a byte-order mark decides; otherwise strict UTF-8; then
charset-normalizer, preferring GB18030 (what Excel on a Chinese Windows saves) when it is as
plausible as its first guess, since short Chinese texts also decode as Korean or Japanese.
The delimiter (comma, tab, semicolon or vertical bar) is counted on the first lines; Excel's "sep=;" hint
line is honoured. The header is the first of the first ten rows naming two known columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from charset_normalizer import from_bytes

from admin_app.residents.importing.columns import IGNORE, alias_table, field_for
from admin_app.residents.importing.problems import ImportRefused

HEADER_SEARCH_ROWS = 10
MAX_UNPACKED_BYTES = 400 * 2**20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz"}
_BIG5_FAMILY = {"big5", "big5hkscs", "cp950"}
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_DISPLAY = {"utf_8": "UTF-8", "gb18030": "GB18030 (GBK)", "big5": "Big5", "utf_16": "UTF-16"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Vertical bars too: some property systems export with them. Ties keep this order.
_DELIMITERS = (",", "\t", ";", "|")
_BINARY_BYTES = [*range(0, 9), *range(14, 32)]  # control bytes no text file contains


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    encoding: str  # shown to the user: "UTF-8", "GB18030 (GBK)", … ("" for .xlsx)
    delimiter: str  # ",", "\t", ";" or "|" ("" for .xlsx)
    header: list[str]
    header_row: int  # 1-based, as the spreadsheet numbers rows
    estimated_rows: int
    _rows: Callable[[], Iterator[tuple[int, list[str]]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank row below the header; can run again."""
        return self._rows()


def read_table(data: bytes, *, max_rows: int) -> Table:
    if not data:
        raise ImportRefused("empty_file")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, max_rows)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportRefused("old_excel")
    text, encoding = decode(data)
    return _read_csv(text, encoding, max_rows)


# ---- text ------------------------------------------------------------------------------------
def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec), name), name
    sample = data[:8192]
    if sum(sample.count(bytes([b])) for b in _BINARY_BYTES) > max(2, len(sample) // 100):
        raise ImportRefused("not_a_table")
    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "UTF-8"), "UTF-8"
    for codec in _candidates(data):
        text = _strict(data, codec)
        if text is not None:
            return _checked(text, codec), _DISPLAY.get(codec, codec.upper().replace("_", "-"))
    raise ImportRefused("unknown_encoding")


def _candidates(data: bytes) -> list[str]:
    # A table's commas and line ends are ASCII: in UTF-16 or UTF-32 they carry NUL bytes, so
    # text without any (and without a BOM) is never one of those, however cleanly it decodes.
    wide = b"\x00" in data
    matches = [
        m for m in from_bytes(data) if wide or not m.encoding.startswith(("utf_16", "utf_32"))
    ]
    if not matches:
        return ["gb18030"] if not wide else []
    best = matches[0]
    names = [m.encoding for m in matches]
    # Short Chinese texts are as plausible in cp949 or EUC-JP; an office in the mainland
    # means GB18030 whenever it reads as cleanly, and whenever the detector's best guess is
    # no Chinese encoding at all but the bytes read cleanly as GB18030, or else as Big5 (it
    # may propose neither for a few words).
    gb = next((m for m in matches if m.encoding in _GB_FAMILY), None)
    if gb is not None:
        if gb.chaos <= best.chaos + 0.15:
            names.insert(0, "gb18030")
    elif best.encoding not in _BIG5_FAMILY:
        names[:0] = [c for c in ("gb18030", "big5") if _reads_cleanly(data, c)][:1]
    return list(dict.fromkeys(names + ["gb18030"]))


def _reads_cleanly(data: bytes, codec: str) -> bool:
    """Valid in the codec, and without private-use characters (GB18030 maps the bytes of other
    encodings there: no office list holds them)."""
    text = _strict(data, codec)
    return text is not None and _PRIVATE_USE.search(text) is None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str | None, encoding: str) -> str:
    """Text that is mostly control characters is a binary file that happened to decode."""
    if text is None:
        raise ImportRefused("unknown_encoding")
    sample = text[:20000]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise ImportRefused("not_a_table")
    return text


def _read_csv(text: str, encoding: str, max_rows: int) -> Table:
    text = text.lstrip("\ufeff")
    head = text[:65536].splitlines()
    delimiter = None
    if head and head[0].lower().startswith("sep=") and len(head[0]) == 5:
        delimiter = head[0][4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        head = head[1:]
    delimiter = delimiter or _delimiter([line for line in head[:20] if line.strip()])

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise ImportRefused("not_a_table") from None

    header, header_row = _find_header(records())
    return Table(
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        header_row=header_row,
        estimated_rows=max(text.count("\n") - header_row + 1, 1),
        _rows=lambda: _data_rows(records(), header_row, max_rows),
    )


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number of cells (more than one),
    read as CSV (a quoted cell's delimiters do not count). Counting the characters alone took
    "|" for a comma file whose one row held five bars."""
    if not lines:
        return ","

    def steadiness(delimiter: str) -> tuple[int, int]:
        widths = Counter(w for w in (_width(line, delimiter) for line in lines[:10]) if w > 1)
        if not widths:
            return 0, 0
        width, lines_of_width = widths.most_common(1)[0]
        return lines_of_width, width

    best = max(_DELIMITERS, key=steadiness)  # ties keep the order: comma first
    return best if steadiness(best)[0] else ","


def _width(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 0


# ---- Excel -----------------------------------------------------------------------------------
def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(data)

    def open_sheets():
        try:
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # any failure of the parser on an untrusted file means "unreadable"
            raise ImportRefused("bad_workbook") from None

    def records(sheet_index: int) -> Iterator[tuple[int, list[str]]]:
        book = open_sheets()
        try:
            sheet = book.worksheets[sheet_index]
            sheet.reset_dimensions()  # some writers record wrong dimensions; read every row
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [excel_text(v) for v in values]
        except ImportRefused:
            raise
        except Exception:
            raise ImportRefused("bad_workbook") from None
        finally:
            book.close()

    book = open_sheets()
    try:
        sizes = [sheet.max_row or 0 for sheet in book.worksheets]
    finally:
        book.close()
    if not sizes:
        raise ImportRefused("bad_workbook")
    # The first sheet whose header names known columns (a template's instructions sheet, or a
    # cover sheet, is skipped); otherwise the first sheet.
    chosen, header, header_row = 0, None, 0
    for index in range(len(sizes)):
        found, row, known = _find_header(records(index), with_score=True)
        if known >= 2 or index == 0:
            chosen, header, header_row = index, found, row
        if known >= 2:
            break
    return Table(
        format="xlsx",
        encoding="",
        delimiter="",
        header=header,
        header_row=header_row,
        estimated_rows=max(sizes[chosen] - header_row, 1),
        _rows=lambda: _data_rows(records(chosen), header_row, max_rows),
    )


def _check_unpacked_size(data: bytes) -> None:
    """A small .xlsx can unpack to gigabytes (a zip bomb): refuse before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRefused("bad_workbook") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused("file_too_large", limit=MAX_UNPACKED_BYTES // 2**20)


def excel_text(value) -> str:
    """A cell as the text a person sees; long numbers that lost digits keep Excel's E+ form."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if value.is_integer():
            return f"{value:.14E}"
        return repr(value)
    return str(value)


# ---- shared ----------------------------------------------------------------------------------
def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _find_header(records: Iterator[tuple[int, list[str]]], with_score: bool = False):
    table = alias_table()
    first = None
    seen = 0
    for number, cells in records:
        if _blank(cells):
            continue
        seen += 1
        known = sum(1 for c in cells if field_for(c, table) not in (None, IGNORE))
        if first is None:
            first = (cells, number, known)
        if known >= 2:
            first = (cells, number, known)
            break
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ImportRefused("empty_file")
    cells, number, known = first
    header = [str(c).strip() for c in cells]
    while header and not header[-1]:
        header.pop()
    return (header, number, known) if with_score else (header, number)


def _data_rows(records, header_row: int, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for number, cells in records:
        if number <= header_row or _blank(cells):
            continue
        count += 1
        if count > max_rows:
            raise ImportRefused("too_many_rows", limit=max_rows)
        yield number, cells
