"""Generated resident files for the import tests: CSV in any encoding and delimiter, .xlsx."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER_ZH = ["楼栋", "单元", "房号", "姓名", "手机", "身份", "证件号码", "入住日期"]
HEADER_EN = ["Building", "Entrance", "Room", "Name", "Phone", "Role", "ID number", "Move-in date"]
VALID_ID = "11010519491231002X"
OTHER_ID = "44030519900101123X"


def csv_bytes(
    rows: list[list], header=HEADER_ZH, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header=HEADER_ZH, title_rows: list[list] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in title_rows:
        sheet.append(row)
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(
    building="1",
    entrance="1",
    room="101",
    name="张三",
    phone="13800138000",
    role="业主",
    id_number="",
    move_in="",
):
    return [building, entrance, room, name, phone, role, id_number, move_in]
