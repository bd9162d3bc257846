"""The downloadable import template, with Chinese or English headers.

The .xlsx formats the phone and ID-number columns as text (otherwise Excel turns an ID number
into 1.10105E+17 and loses its last digits) and explains every column on a second sheet; the
first sheet is the one the import reads.
"""

from __future__ import annotations

import io

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from admin_app.residents.importing.columns import TEMPLATE_FIELDS, field_label

HELP = {
    "building": _l("Required. As the estate writes it: 1, 3栋, A座."),
    "entrance": _l("Leave empty when the estate has no entrances."),
    "room": _l("Required: 301, 0301 …"),
    "name": _l("Required."),
    "phone": _l(
        "Mainland mobile (11 digits) or a landline with area code; +86, spaces and dashes are "
        "fine. A phone number or an ID number is required."
    ),
    "role": _l("Owner, tenant or family member (业主, 租户, 家属). Empty: owner."),
    "id_number": _l("Mainland ID (the last character is checked), passport or permit number."),
    "move_in": _l("A date: 2024-03-01, 2024/3/1 or 2024年3月1日."),
    "move_out": _l("A date: 2024-03-01, 2024/3/1 or 2024年3月1日."),
    "email": _l("Optional."),
    "notes": _l("Optional."),
}
RULES = (
    _l("A resident is recognised by unit and phone number, or unit and ID number."),
    _l("Empty cells never erase what is stored."),
    _l("Headers may be in Chinese or English; the order of the columns does not matter."),
)
TEXT_COLUMNS = ("room", "phone", "id_number")
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}


def template_file(fmt: str, language: str) -> tuple[bytes, str]:
    """(bytes, filename) of the template in `language` ("zh" or "en") and `fmt` (csv/xlsx)."""
    with force_locale(LANGUAGES[language]):
        header = [field_label(name) for name in TEMPLATE_FIELDS]
        name = gettext("residents-template")
        if fmt == "csv":
            # With a byte-order mark: Excel then opens the Chinese headers as UTF-8.
            return ("\ufeff" + ",".join(header) + "\r\n").encode("utf-8"), f"{name}.csv"
        return _workbook(header), f"{name}.xlsx"


def _workbook(header: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Residents")
    sheet.append(header)
    for index, name in enumerate(TEMPLATE_FIELDS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 22 if name in ("id_number", "notes") else 14
        if name in TEXT_COLUMNS:
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(gettext("Instructions"))
    notes.append([gettext("Column"), gettext("What to enter")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, label in zip(TEMPLATE_FIELDS, header, strict=True):
        notes.append([label, str(HELP[name])])
    notes.append([])
    for rule in RULES:
        notes.append([str(rule)])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
