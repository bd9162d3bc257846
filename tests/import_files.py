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


# The owner-and-room sheet of another property system (its layout, written here from scratch):
# sheet 资产信息, the table in A–Q, its instructions as a block in S–T from row 6 on.
OTHER_SYSTEM_HEADER = [
    "楼号",
    "单元",
    "房间",
    "楼层",
    "总层数",
    "是否有电梯",
    "房屋类型",
    "房屋户型",
    "建筑面积",
    "室内面积",
    "租金",
    "房屋状态",
    "业主名称",
    "性别",
    "手机号",
    "身份证号",
    "业主类型",
]
OTHER_SYSTEM_NOTES = [
    "楼号", "单元", "总层数", "是否有电梯", "楼层", "房屋类型", "房屋户型", "建筑面积",
    "室内面积", "租金", "业主名称", "性别", "手机号", "身份证号", "业主类型", "房屋状态",
]  # fmt: skip


def other_system_xlsx(owners: list[list], *, instructions_sheet: bool = False) -> bytes:
    """owners: [building, entrance, room, floor, name, phone, id_number]; numbers as numbers,
    like the system's own export."""
    book = Workbook()
    sheet = book.active
    sheet.title = "资产信息"
    sheet.append(OTHER_SYSTEM_HEADER)
    for building, entrance, room, floor, name, phone, id_number in owners:
        sheet.append(
            [building, entrance, room, floor, 33, "有", 110, 10102, 94.56, 94.56, 0, 2001]
            + [name, "男", phone, id_number, 1001]
        )
    sheet["S6"], sheet["T6"] = "说明", "填写前请阅读"
    for offset, name in enumerate(OTHER_SYSTEM_NOTES):
        sheet.cell(row=7 + offset, column=19, value=name)
        sheet.cell(row=7 + offset, column=20, value=f"{name}的填写方法，\n多行说明")
    if instructions_sheet:
        book.create_sheet("填写说明", 0).append(["本表用于导入房屋和业主"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def two_row_header_xlsx(rows: list[list], *, title: str = "华苑小区住户名单") -> bytes:
    """A title row, then a header over two rows: 房屋信息 over 楼栋 / 单元 / 房号, 联系方式 over
    手机 / 证件号码, 序号 and 姓名 merged down; rows: [building, entrance, room, name, phone, id]."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "房屋信息", None, None, "姓名", "联系方式", None])
    sheet.append([None, "楼栋", "单元", "房号", None, "手机", "证件号码"])
    for cells in ("A2:A3", "B2:D2", "E2:E3", "F2:G2"):
        sheet.merge_cells(cells)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
