"""Bytes of an uploaded file -> a table of text cells.

The format is sniffed from the bytes (an .xlsx is a zip; an old .xls an OLE container), never
trusted from the file name. Text files: a byte-order mark decides; otherwise strict UTF-8; then
charset-normalizer, preferring GB18030 (what Excel on a Chinese Windows saves) when it is as
plausible as its first guess, since short Chinese texts also decode as Korean or Japanese.
The delimiter (comma, tab, semicolon or vertical bar) is counted on the first lines; Excel's "sep=;" hint
line is honoured. The header is the first of the first ten rows naming two known columns, or two
rows joined when the row below fills in a merged group's columns (房屋信息 over 楼栋 / 房号). The
table is the header's columns: notes and instructions beside it (after a blank column) or below
it (a lone cell after the rows) are left out, and the preview says what was read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    header_first_row: int = 0  # the upper row of a two-row header (else header_row)
    columns: tuple[int, int] = (1, 1)  # the table's first and last column, 1-based
    beside: bool = False  # cells right of the table (after a blank column) are notes
    sheet: str = ""
    size_known: bool = True  # estimated_rows is at least the number of rows
    # Filled in while rows() runs: the first and last row read, and the note rows left out.
    seen: dict = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank row below the header; can run again."""
        return self._rows()

    def describe(self) -> dict:
        """Which rows and columns were read as the table, for the preview."""
        return {
            "sheet": self.sheet,
            "format": self.format,
            "header_rows": [self.header_first_row or self.header_row, self.header_row],
            "columns": list(self.columns),
            "rows": [self.seen.get("first", 0), self.seen.get("last", 0)],
            "notes": self.seen.get("notes", 0),
        }

    def check_size(self, max_rows: int) -> None:
        """Refuse a table of more than `max_rows` rows as soon as the row after the limit is
        read, before any row is checked. The line count (CSV) or the sheet's recorded size
        answers without reading when it is within the limit."""
        if self.size_known and self.estimated_rows <= max_rows:
            return
        for _ in self._rows():  # raises ImportRefused("too_many_rows") at max_rows + 1
            pass

    def _table_rows(self, records, max_rows: int) -> Iterator[tuple[int, list[str]]]:
        self.seen = {"notes": 0}
        keep = self.columns[1] + 1 if self.beside else None
        return _data_rows(records, self.header_row, max_rows, keep, self.seen)


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

    found = _find_header(records())
    table = Table(
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        header=found.header,
        header_row=found.row,
        # Every record ends a line: no more records than line ends (old Macs end them with \r).
        estimated_rows=max(max(text.count("\n"), text.count("\r")) - found.row + 1, 1),
        _rows=lambda: table._table_rows(records(), max_rows),
        header_first_row=found.first_row,
        columns=found.columns,
        beside=found.cut,
    )
    return table


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
        titles = [sheet.title for sheet in book.worksheets]
    finally:
        book.close()
    if not sizes:
        raise ImportRefused("bad_workbook")
    # The first sheet whose header names known columns (a template's instructions sheet, or a
    # cover sheet, is skipped); otherwise the first sheet.
    chosen, best = 0, None
    for index in range(len(sizes)):
        try:
            found = _find_header(records(index))
        except ImportRefused:
            if index == 0 and len(sizes) == 1:
                raise
            continue
        if found.known >= 2 or best is None:
            chosen, best = index, found
        if found.known >= 2:
            break
    if best is None:
        raise ImportRefused("empty_file")
    table = Table(
        format="xlsx",
        encoding="",
        delimiter="",
        header=best.header,
        header_row=best.row,
        estimated_rows=max(sizes[chosen] - best.row, 1),
        _rows=lambda: table._table_rows(records(chosen), max_rows),
        header_first_row=best.first_row,
        columns=best.columns,
        beside=True,  # a sheet has no commas: cells right of the table are never data
        sheet=titles[chosen],
        size_known=sizes[chosen] > 1,  # a writer may leave out the sheet's size (or say "A1")
    )
    return table


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


@dataclass
class _Header:
    header: list[str]
    row: int  # the header's (lower) row
    first_row: int  # its upper row: the same unless two rows were joined
    known: int  # how many columns name a known field
    columns: tuple[int, int]  # the table's first and last column, 1-based
    cut: bool  # the header row went on past a blank column with notes: cut there


def _known(cells: list[str], table: dict) -> int:
    return sum(1 for c in cells if field_for(c, table) not in (None, IGNORE))


def _joined(upper: list[str], lower: list[str]) -> list[str]:
    """Two header rows as one: the lower row's name, else the upper one's (a name merged down
    over both rows keeps its text in the upper cell only)."""
    width = max(len(upper), len(lower))
    upper = [*upper, *[""] * (width - len(upper))]
    lower = [*lower, *[""] * (width - len(lower))]
    return [(b.strip() or t.strip()) for t, b in zip(upper, lower, strict=True)]


def _find_header(records: Iterator[tuple[int, list[str]]]) -> _Header:
    table = alias_table()
    rows: list[tuple[int, list[str]]] = []
    for number, cells in records:
        if _blank(cells):
            continue
        rows.append((number, cells))
        if len(rows) > HEADER_SEARCH_ROWS:
            break
    if not rows:
        raise ImportRefused("empty_file")
    chosen = None
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = _known(cells, table)
        choice = (known, cells, number, number)
        below = rows[index + 1] if index + 1 < len(rows) else None
        if known and below is not None and below[0] == number + 1:
            joined = _joined(cells, below[1])
            both = _known(joined, table)
            if both > known and both > _known(below[1], table):
                choice = (both, joined, below[0], number)
        if chosen is None or choice[0] >= 2:
            chosen = choice
        if choice[0] >= 2:
            break
    known, cells, number, first_row = chosen
    header = [str(c).strip() for c in cells]
    first, last, cut = _table_columns(header, table)
    return _Header(header[:last], number, first_row, known, (first, last), cut)


def _table_columns(header: list[str], table: dict) -> tuple[int, int, bool]:
    """The first and last column (1-based) of the table, and whether the header row went on,
    after a blank column, with cells that name no field (a notes block beside the table)."""
    filled = [i for i, c in enumerate(header) if c]
    if not filled:
        return 1, 1, False
    first, last = filled[0], filled[-1]
    for gap in range(first + 1, last):
        if header[gap]:
            continue
        rest = [c for c in header[gap + 1 :] if c]
        if rest and all(field_for(c, table) in (None, IGNORE) for c in rest):
            last = max(i for i in filled if i < gap)
            return first + 1, last + 1, True
    return first + 1, last + 1, False


_NOTE_START = re.compile(r"^(注|说明|备注|提示|注意|填写|填表|note|remark|hint)", re.IGNORECASE)


def _data_rows(
    records, header_row: int, max_rows: int, keep: int | None, seen: dict
) -> Iterator[tuple[int, list[str]]]:
    """The rows below the header. With `keep`, cells from that column on are notes beside the
    table; a row holding one lone cell after a blank row, or one cell starting "注:" / "说明",
    is a note below it. Notes are counted in `seen`, not read as residents."""
    count = 0
    first = last = 0
    gap = False  # a blank row since the last resident row
    try:
        for number, cells in records:
            if number <= header_row:
                continue
            if keep is not None and len(cells) >= keep:
                inside = cells[:keep]
                if _blank(inside):
                    if not _blank(cells):
                        seen["notes"] += 1
                    gap = True
                    continue
                cells = inside
            if _blank(cells):
                gap = True
                continue
            if len(cells) < 2 or not (cells[0] and cells[1]):  # the usual row fills both
                filled = [c for c in cells if c.strip()]
                if len(filled) == 1 and (gap or _NOTE_START.match(filled[0].strip())):
                    seen["notes"] += 1
                    continue
            gap = False
            count += 1
            if count > max_rows:
                raise ImportRefused("too_many_rows", limit=max_rows)
            first = first or number
            last = number
            yield number, cells
    finally:  # once, not for every row
        if first:
            seen["first"], seen["last"] = first, last
