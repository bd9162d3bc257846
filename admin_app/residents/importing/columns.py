"""The import's columns: which header names mean which field, in Chinese or English.

A header is matched after folding (full-width to ASCII, case, spaces, dashes, a trailing
"(必填)" note), and a bilingual header such as "楼栋/Building" matches by either part. The
panel's own labels in every language are accepted too, so an export imports as it is.
"""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from admin_app.validation import fold

IGNORE = ""  # a column deliberately left out (the mapping step's "do not import")

# The template's columns, in order; "estate" and "unit" (one cell like 1-2-301) are also read.
TEMPLATE_FIELDS = (
    "building",
    "entrance",
    "room",
    "name",
    "phone",
    "role",
    "id_number",
    "move_in",
    "move_out",
    "email",
    "notes",
)
FIELDS = ("estate", *TEMPLATE_FIELDS[:3], "unit", *TEMPLATE_FIELDS[3:])

# The same msgids as the record views' labels, so both show the same words.
FIELD_LABELS = {
    "estate": _l("Estate"),
    "building": _l("Building"),
    "entrance": _l("Entrance"),
    "room": _l("Room"),
    "unit": _l("Unit"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "id_number": _l("ID number"),
    "move_in": _l("Move-in date"),
    "move_out": _l("Move-out date"),
    "email": _l("E-mail"),
    "notes": _l("Notes"),
}

ALIASES = {
    "estate": (
        "小区",
        "小区名称",
        "项目",
        "项目名称",
        "楼盘",
        "estate",
        "estate name",
        "community",
    ),
    "building": (
        "楼栋",
        "楼栋号",
        "楼号",
        "栋",
        "栋号",
        "幢",
        "幢号",
        "楼宇",
        "楼宇名称",
        "楼栋名称",
        "楼栋编号",
        "楼栋号码",
        "building",
        "bldg",
        "block",
    ),
    "entrance": ("单元", "单元号", "单元编号", "单元名称", "entrance", "ent", "stairway"),
    "room": (
        "房号",
        "房间号",
        "房间",
        "室",
        "门牌号",
        "户号",
        "房屋号",
        "房间编号",
        "室号",
        "room",
        "room no",
        "room number",
        "flat",
    ),
    "unit": (
        "房屋",
        "房屋编号",
        "房屋名称",
        "房产",
        "房产名称",
        "楼栋房号",
        "unit",
        "unit no",
        "house",
    ),
    "name": (
        "姓名",
        "住户姓名",
        "业主姓名",
        "业主名称",
        "住户名称",
        "客户名称",
        "客户姓名",
        "户主姓名",
        "名字",
        "name",
        "full name",
        "resident",
        "resident name",
    ),
    "phone": (
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "电话号码",
        "联系电话",
        "联系方式",
        "移动电话",
        "业主电话",
        "业主手机",
        "业主手机号",
        "联系手机",
        "phone",
        "mobile",
        "mobile phone",
        "tel",
        "telephone",
        "phone number",
        "cellphone",
    ),
    "role": (
        "身份",
        "住户身份",
        "住户类型",
        "业主类型",
        "客户类型",
        "成员类型",
        "人员类型",
        "类型",
        "角色",
        "关系",
        "与业主关系",
        "role",
        "type",
        "relation",
        "relationship",
    ),
    "id_number": (
        "证件号码",
        "证件号",
        "身份证",
        "身份证号",
        "身份证号码",
        "身份证件号",
        "证件号码（身份证）",
        "证件",
        "id number",
        "id",
        "id no",
        "id card",
        "id card number",
        "identity number",
        "document number",
    ),
    "move_in": ("入住日期", "入住时间", "入伙日期", "入伙时间", "入住", "move in", "move in date"),
    "move_out": (
        "迁出日期",
        "迁出时间",
        "搬离日期",
        "退房日期",
        "迁出",
        "move out",
        "move out date",
    ),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "mail"),
    "notes": ("备注", "说明", "附注", "notes", "note", "remarks", "remark", "comment", "comments"),
    # Ignored without asking: row counters, the error column of our invalid-rows download, and
    # what other systems' owner lists hold about the person that the panel does not keep.
    IGNORE: (
        "序号",
        "no",
        "#",
        "错误",
        "错误原因",
        "error",
        "errors",
        "行号",
        "row",
        "性别",
        "民族",
        "年龄",
        "出生日期",
        "gender",
        "sex",
    ),
}
# Columns of a unit list (other systems' owner-and-room sheets hold both): the unit import
# reads them; the resident import leaves them out without asking.
UNIT_ALIASES = {
    "floor": ("楼层", "所在楼层", "层", "floor"),
    "area": ("面积", "建筑面积", "面积（㎡）", "面积(m2)", "area", "floor area", "area m2"),
    "unit_kind": ("房屋类型", "房屋性质", "用途", "unit type", "kind"),
    "occupancy": ("房屋状态", "状态", "入住状态", "occupancy", "status"),
    # Read by no import: the unit import leaves them out without asking too.
    IGNORE: (
        "总层数",
        "总楼层",
        "楼层数",
        "室内面积",
        "套内面积",
        "使用面积",
        "房屋户型",
        "户型",
        "是否有电梯",
        "电梯",
        "租金",
    ),
}
UNIT_FIELDS = ("floor", "area", "unit_kind", "occupancy")
FIELD_LABELS |= {
    "floor": _l("Floor"),
    "area": _l("Floor area (m²)"),
    "unit_kind": _l("Kind"),
    "occupancy": _l("Occupancy"),
}
# Columns of the panel's own unit export that no import reads (the same msgids as its labels).
EXPORT_ONLY = (_l("Renovation"),)
# The columns our invalid-rows download puts in front of the file's own (ignored on re-import).
ERROR_COLUMN = _l("Error")
ROW_COLUMN = _l("Row")

_NOISE = re.compile(r"[\s_\-.·:：*＊'’]+")
_NOTE = re.compile(r"[(\[（【].*?[)\]）】]$")
_PARTS = re.compile(r"[/|\n]")


def header_key(text) -> str:
    """'手机号码（必填）' -> '手机号码'; ' Move-in Date ' -> 'moveindate'."""
    key = fold(text).lower()
    key = _NOTE.sub("", key).strip()
    return _NOISE.sub("", key)


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def alias_table(units: bool = False) -> dict[str, str]:
    """{header key: field}; the unit import (`units`) also reads the unit list's columns."""
    table = {
        header_key(alias): name if units else IGNORE
        for name, aliases in UNIT_ALIASES.items()
        for alias in aliases
    }
    table |= {header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}
    if units:  # a unit list's 类型 is the unit's type, not a resident's role
        table[header_key("类型")] = "unit_kind"
    languages = current_app.config["LANGUAGES"] if has_app_context() else ()
    for language in languages:
        with force_locale(language):
            for name, label in FIELD_LABELS.items():
                shown = name if units or name not in UNIT_FIELDS else IGNORE
                table.setdefault(header_key(str(label)), shown)
            for label in (ERROR_COLUMN, ROW_COLUMN, *EXPORT_ONLY):
                table.setdefault(header_key(str(label)), IGNORE)
    return table


def field_for(header_cell, table: dict[str, str] | None = None) -> str | None:
    """The field a header names, IGNORE for a blank or ignorable header, None if unknown."""
    table = table if table is not None else alias_table()
    if not fold(header_cell):
        return IGNORE
    key = header_key(header_cell)
    if key in table:
        return table[key]
    parts = {table.get(header_key(p)) for p in _PARTS.split(fold(header_cell)) if header_key(p)}
    if len(parts) == 1:
        return parts.pop()
    words = {table.get(w) for w in fold(header_cell).lower().split() if w}
    return words.pop() if len(words) == 1 else None


def auto_mapping(
    header: list[str], remembered: dict[str, str] | None = None, units: bool = False
) -> list[str | None]:
    """One entry per column: a field, IGNORE, or None where a person must decide. A field
    named by two columns is left to the person for the second one. `remembered` ({header key:
    field}, the estate's earlier choices) decides the columns no alias knows."""
    table = alias_table(units)
    remembered = remembered or {}
    mapping: list[str | None] = []
    taken: set[str] = set()
    for cell in header:
        name = field_for(cell, table)
        if name is None:
            name = remembered.get(header_key(cell))
            if name in UNIT_FIELDS and not units:
                name = IGNORE
        if name and name in taken:
            name = None
        if name:
            taken.add(name)
        mapping.append(name)
    return mapping


def missing_fields(mapping: list[str | None], units: bool = False) -> list[str]:
    """Required fields no column provides: the unit (building and room, or a single unit
    column), and for residents the name (a unit list may have owners, or not)."""
    present = set(mapping)
    missing = []
    if "unit" not in present:
        missing += [f for f in ("building", "room") if f not in present]
    if "name" not in present and not units:
        missing.append("name")
    return missing


def known_fields(units: bool = False) -> tuple[str, ...]:
    return (*FIELDS, *UNIT_FIELDS) if units else FIELDS


def mapped_twice(mapping: list[str | None]) -> str | None:
    seen: set[str] = set()
    for name in mapping:
        if name:
            if name in seen:
                return name
            seen.add(name)
    return None


def needs_person(mapping: list[str | None], units: bool = False) -> bool:
    return (
        None in mapping or bool(missing_fields(mapping, units)) or mapped_twice(mapping) is not None
    )
