"""Reading uploaded resident lists: every encoding, delimiter and format offices send, header
rows in either language, and files that are not tables at all."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin_app.residents.importing.columns import IGNORE, auto_mapping, missing_fields
from admin_app.residents.importing.problems import ImportRefused
from admin_app.residents.importing.reading import _NOTE_START, read_table

from ..import_files import HEADER_EN, HEADER_ZH, VALID_ID, csv_bytes, row, xlsx_bytes

ROWS = [row(name="张三丰"), row(room="102", name="欧阳娜娜", phone="13900139000", role="租户")]


def read(data: bytes, max_rows: int = 1000):
    table = read_table(data, max_rows=max_rows)
    return table, list(table.rows())


@pytest.fixture(autouse=True)
def _context(in_app):
    with in_app():
        yield


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("gbk", "GB18030 (GBK)"),
        ("gb18030", "GB18030 (GBK)"),
        ("utf-16", "UTF-16"),
    ],
)
def test_every_encoding_is_detected_and_named(encoding, shown):
    table, rows = read(csv_bytes(ROWS, encoding=encoding))
    assert table.encoding == shown
    assert table.header == HEADER_ZH
    assert [cells[3] for _, cells in rows] == ["张三丰", "欧阳娜娜"]


def test_a_short_gbk_file_is_not_mistaken_for_korean_or_japanese():
    # charset-normalizer alone calls these few bytes cp949 or EUC-JP.
    data = "楼栋,房号,姓名\n1,101,丁\n".encode("gbk")
    table, rows = read(data)
    assert table.encoding == "GB18030 (GBK)"
    assert rows == [(2, ["1", "101", "丁"])]


def test_a_gb18030_file_the_detector_calls_utf16_is_read_as_gb18030():
    # Found by the desk sweep (seed 29): no NUL byte, yet charset-normalizer's first guess
    # was UTF-16-BE, then cp949; the names came out as Korean.
    data = "楼栋,房号,姓名\r\n,à,à\r\n".encode("gb18030")
    table, rows = read(data)
    assert table.encoding == "GB18030 (GBK)"
    assert table.header == ["楼栋", "房号", "姓名"]
    assert rows == [(2, ["", "à", "à"])]


def test_a_one_row_big5_file_is_read_as_big5():
    data = "樓棟,房號,姓名\n1,101,陳大文\n".encode("big5")
    table, rows = read(data)
    assert table.encoding == "Big5"
    assert rows == [(2, ["1", "101", "陳大文"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter(delimiter):
    table, rows = read(csv_bytes(ROWS, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert rows[1][1][:4] == ["1", "1", "102", "欧阳娜娜"]


def test_bars_inside_the_cells_of_a_comma_file_do_not_make_it_bar_separated():
    # Found by the desk sweep (seed 37): one row of five bars outnumbered the two commas.
    data = "楼栋,房号,姓名\r\n|,||,||\r\n".encode()
    table, rows = read(data)
    assert table.delimiter == ","
    assert rows == [(2, ["|", "||", "||"])]


def test_commas_inside_quoted_cells_do_not_outvote_the_delimiter():
    data = '楼栋;房号;姓名\r\n1;101;"张三,李四,王五"\r\n2;102;"赵六,钱七,孙八"\r\n'.encode()
    table, rows = read(data)
    assert table.delimiter == ";"
    assert rows[0] == (2, ["1", "101", "张三,李四,王五"])


def test_a_line_break_inside_a_quoted_cell_of_a_bar_separated_file_is_one_row():
    # Found by test_fuzz: read with the comma, the quoted "\r0" split one row into two.
    data = ("|".join(HEADER_ZH) + '\r\n|"\r0"\r\n').encode()
    table, rows = read(data)
    assert table.delimiter == "|"
    assert [cells[:2] for _, cells in rows] == [["", "\r0"]]


def test_excel_unicode_text_export_utf16_with_tabs():
    table, rows = read(csv_bytes(ROWS, encoding="utf-16", delimiter="\t"))
    assert (table.encoding, table.delimiter) == ("UTF-16", "\t")
    assert rows[0][1][3] == "张三丰"


def test_excel_separator_hint_line():
    data = b"sep=;\n" + csv_bytes(ROWS, delimiter=";")
    table, rows = read(data)
    assert table.delimiter == ";"
    assert table.header == HEADER_ZH
    assert len(rows) == 2


def test_title_rows_above_the_header_are_skipped_and_row_numbers_kept():
    data = "华苑小区住户名单\n导出日期：2024-05-01\n\n".encode() + csv_bytes(ROWS)
    table, rows = read(data)
    assert table.header == HEADER_ZH
    assert table.header_row == 4
    assert [number for number, _ in rows] == [5, 6]


def test_blank_rows_are_skipped_but_counted_in_row_numbers():
    data = csv_bytes([ROWS[0], ["", "", ""], ROWS[1]])
    _, rows = read(data)
    assert [number for number, _ in rows] == [2, 4]


def test_xlsx_cells_become_the_text_a_person_sees():
    data = xlsx_bytes(
        [
            ["1", "1", 101, "张三", 13800138000, "业主", 1.10105194912310e17, datetime(2024, 3, 1)],
            ["1", "1", "102", "李四", "13900139000", "租户", VALID_ID, "2024/3/2"],
        ],
        title_rows=[["华苑小区住户名单"]],
    )
    table, rows = read(data)
    assert (table.format, table.encoding, table.header_row) == ("xlsx", "", 2)
    first, second = rows[0][1], rows[1][1]
    assert first[2] == "101" and first[4] == "13800138000"
    assert first[6].upper().startswith("1.10105194912310E+17")  # digits lost: kept visible
    assert first[7] == "2024-03-01"
    assert second[6] == VALID_ID


def test_xlsx_instructions_sheet_first_is_skipped():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["说明：请在第二页填写"])
    sheet = book.create_sheet("住户")
    sheet.append(HEADER_EN)
    sheet.append(row(name="Zhang San"))
    buffer = io.BytesIO()
    book.save(buffer)
    table, rows = read(buffer.getvalue())
    assert table.header == HEADER_EN
    assert rows[0][1][3] == "Zhang San"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\n\n  \n", "empty_file"),
        (bytes(range(256)) * 20, "not_a_table"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "not_a_table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old_excel"),
        (b"PK\x03\x04 not really a zip", "bad_workbook"),
    ],
)
def test_files_that_are_not_tables_are_refused_with_a_reason(data, code):
    with pytest.raises(ImportRefused) as refused:
        read(data)
    assert refused.value.problem.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportRefused) as refused:
        read(buffer.getvalue())
    assert refused.value.problem.code == "bad_workbook"


def test_too_many_rows_is_refused_while_reading():
    data = csv_bytes([row(room=str(100 + i)) for i in range(30)])
    with pytest.raises(ImportRefused) as refused:
        read(data, max_rows=20)
    assert refused.value.problem.params == {"limit": 20}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            HEADER_ZH,
            ["building", "entrance", "room", "name", "phone", "role", "id_number", "move_in"],
        ),
        (
            HEADER_EN,
            ["building", "entrance", "room", "name", "phone", "role", "id_number", "move_in"],
        ),
        (
            ["楼栋/Building", "ＲＯＯＭ", "姓名（必填）", "Mobile Phone", "序号"],
            ["building", "room", "name", "phone", IGNORE],
        ),
        (["房屋", "业主姓名", "联系电话", "微信号"], ["unit", "name", "phone", None]),
        (["楼栋", "房号", "姓名", "手机", "电话"], ["building", "room", "name", "phone", None]),
        (
            [
                "building",
                "room",
                "name",
                "phone",
                "role",
                "id_number",
                "move_in",
                "move_out",
                "email",
                "notes",
            ],
            [
                "building",
                "room",
                "name",
                "phone",
                "role",
                "id_number",
                "move_in",
                "move_out",
                "email",
                "notes",
            ],
        ),
    ],
)
def test_headers_map_in_either_language(header, expected):
    assert auto_mapping(header) == expected


def test_required_columns():
    assert missing_fields(["building", "room", "phone"]) == ["name"]
    assert missing_fields(["unit", "name"]) == []
    assert missing_fields(["name"]) == ["building", "room"]


cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    max_size=12,
).map(str.strip)


def _read_as_note(cells: list[str]) -> bool:
    """A row of one filled cell that opens like a note ("注：…", "NOTE"): the reader counts it
    as a note below the table, never as a resident (test_import_layouts.py)."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and _NOTE_START.match(filled[0]) is not None


@settings(
    max_examples=60,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_any_table_written_as_csv_reads_back_cell_for_cell(rows, encoding, delimiter):
    rows = [r for r in rows if any(r)]  # blank rows are skipped on purpose
    rows = [r for r in rows if not _read_as_note(r)]  # and so are notes below the table
    header = ["楼栋", "房号", "姓名"]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    table = read_table(data, max_rows=100)
    assert table.header == header
    assert table.delimiter == delimiter
    assert [cells for _, cells in table.rows()] == rows
