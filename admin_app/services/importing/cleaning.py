"""One row of cells -> normalised values, or the reasons the row cannot be imported.

Text is trimmed and full-width characters folded; phones lose +86, spaces and dashes; dates are
read in the common spellings; roles in either language; ID numbers are checked (mainland
checksum) and only their keyed hash and mask are kept for matching. An empty cell never erases
a stored value: it means "nothing to say".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale

from ... import sensitive, validation
from ...models.resident import ResidentRole
from .columns import header_key
from .problems import Problem

# The first characters our exports (views/export.py) protect with an apostrophe; an import
# removes that apostrophe again so that export -> import changes nothing.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
LIMITS = {"building": 32, "entrance": 16, "room": 16, "name": 50, "email": 120, "notes": 2000}
ROLE_WORDS = {
    ResidentRole.owner: ("业主", "房主", "产权人", "户主", "本人", "owner", "landlord"),
    ResidentRole.tenant: ("租户", "租客", "承租人", "tenant", "renter", "lessee"),
    ResidentRole.family: (
        "家属",
        "家庭成员",
        "家人",
        "亲属",
        "配偶",
        "子女",
        "父母",
        "同住人",
        "family",
        "family member",
        "relative",
    ),
}

_EXCEL_NUMBER = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_UNIT_DASH = re.compile(r"^([^-/#—]+)[-/#—]([^-/#—]+)(?:[-/#—]([^-/#—]+))?$")
_UNIT_ZH = re.compile(r"^(.+?)(?:栋|幢|号楼|座)(?:(.+?)单元)?(.+?)(?:室|号)?$")
_UNIT_EN = re.compile(r"^bldg\s*(.+?),\s*(?:ent\.?\s*(.+?),\s*)?rm\s*(.+)$", re.IGNORECASE)


class Row:
    """A row after cleaning. `problems` empty means the row may be imported."""

    __slots__ = (
        "number",
        "building",
        "entrance",
        "room",
        "name",
        "phone",
        "role",
        "id_number",
        "id_hash",
        "id_masked",
        "masked_given",
        "move_in",
        "move_out",
        "email",
        "notes",
        "problems",
    )

    def __init__(self, number: int) -> None:
        self.number = number
        self.building = self.room = self.name = ""
        self.entrance = ""
        self.phone = self.role = self.id_number = self.id_hash = self.id_masked = None
        self.masked_given = self.move_in = self.move_out = self.email = self.notes = None
        self.problems: list[Problem] = []

    @property
    def label(self) -> list:
        """What the preview shows to recognise the row: [building, entrance, room, name]."""
        return [self.building, self.entrance, self.room, self.name]


class Invalid(Exception):
    def __init__(self, code: str, **params) -> None:
        self.problem = Problem(code, params)


def cell_text(raw) -> str:
    """Trimmed, full-width folded, and without the apostrophe our exports put before '=…'."""
    return _unquote(validation.fold(raw))


def note_text(raw) -> str:
    """Notes keep their own punctuation and line breaks; only the ends are trimmed."""
    return _unquote(str(raw or "").replace("\r\n", "\n").strip())


def _unquote(text: str) -> str:
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def role_table() -> dict[str, ResidentRole]:
    table = {header_key(w): role for role, words in ROLE_WORDS.items() for w in words}
    for role in ResidentRole:
        table[header_key(role.value)] = role
        for language in current_app.config["LANGUAGES"] if has_app_context() else ():
            with force_locale(language):
                table.setdefault(header_key(str(role.label)), role)
    return table


def split_unit(text: str) -> tuple[str, str, str]:
    """'1-2-301', '1栋2单元301室', 'Bldg 1, Ent. 2, Rm 301' -> ('1', '2', '301')."""
    for pattern in (_UNIT_EN, _UNIT_DASH, _UNIT_ZH):
        match = pattern.match(text)
        if match:
            building, entrance, room = match.groups()
            if room is None:  # two parts: building and room
                entrance, room = None, entrance
            return building.strip(), (entrance or "").strip(), room.strip()
    raise Invalid("bad_unit", value=text)


def parse_date(text: str, field: str) -> date:
    match = _YMD.match(text) or _COMPACT.match(text)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _plausible(date(year, month, day))
        match = _DMY.match(text)
        if match:
            first, second, year = (int(g) for g in match.groups())
            if first > 12 >= second:
                return _plausible(date(year, second, first))
            if second > 12 >= first:
                return _plausible(date(year, first, second))
        match = _EXCEL_SERIAL.match(text)
        if match and 20000 <= int(match.group(1)) <= 80000:  # 1954 … 2119 as Excel day numbers
            return _EXCEL_EPOCH + timedelta(days=int(match.group(1)))
    except ValueError:
        pass
    raise Invalid("bad_date", field=field, value=text)


def _plausible(value: date) -> date:
    if not 1900 <= value.year <= 2100:
        raise ValueError(value)
    return value


def _digits_from_excel(text: str, field: str) -> str:
    if _EXCEL_NUMBER.match(text):
        raise Invalid("excel_number", field=field, value=text)
    match = _TRAILING_ZERO.match(text)
    return match.group(1) if match else text


def _limited(field: str, text: str) -> str:
    if len(text) > LIMITS[field]:
        raise Invalid("too_long", field=field, limit=LIMITS[field])
    return text


class RowCleaner:
    """Cleans the rows of one file: built once from the column mapping and the estate."""

    def __init__(self, mapping: list[str | None], estate_name: str, estate_code: str) -> None:
        self.columns = [(i, name) for i, name in enumerate(mapping) if name]
        self.width = len(mapping)
        self.estate_name = estate_name
        self.estate_keys = {header_key(estate_name), header_key(estate_code)}
        self.roles = role_table()
        self.hash_id = sensitive.lookup_hash
        self.required = ("name",) + (() if "unit" in mapping else ("building", "room"))

    def clean(self, number: int, cells: list[str]) -> Row:
        row = Row(number)
        if len(cells) > self.width and any(cell_text(c) for c in cells[self.width :]):
            row.problems.append(Problem("extra_cells"))
        for index, name in self.columns:
            raw = cells[index] if index < len(cells) else ""
            text = note_text(raw) if name == "notes" else cell_text(raw)
            if not text:
                continue
            try:
                getattr(self, "_" + name)(row, text)
            except Invalid as bad:
                row.problems.append(bad.problem)
        for name in self.required:
            if not getattr(row, name) and not any(
                p.params.get("field") == name for p in row.problems
            ):
                row.problems.append(Problem("required", {"field": name}))
        if row.move_in and row.move_out and row.move_out < row.move_in:
            row.problems.append(Problem("move_out_first"))
        if not row.problems and not (row.phone or row.id_hash or row.masked_given):
            row.problems.append(Problem("no_key"))
        return row

    # One method per field: store the clean value on the row, or raise Invalid.
    def _estate(self, row: Row, text: str) -> None:
        if header_key(text) not in self.estate_keys:
            raise Invalid("other_estate", value=text, estate=self.estate_name)

    def _building(self, row: Row, text: str) -> None:
        row.building = _limited("building", text)

    def _entrance(self, row: Row, text: str) -> None:
        row.entrance = _limited("entrance", text)

    def _room(self, row: Row, text: str) -> None:
        row.room = _limited("room", text)

    def _unit(self, row: Row, text: str) -> None:
        building, entrance, room = split_unit(text)
        row.building = row.building or _limited("building", building)
        row.entrance = row.entrance or _limited("entrance", entrance)
        row.room = row.room or _limited("room", room)

    def _name(self, row: Row, text: str) -> None:
        row.name = _limited("name", text)

    def _phone(self, row: Row, text: str) -> None:
        phone = validation.normalise_phone(_digits_from_excel(text, "phone"))
        if not validation.is_phone(phone):
            raise Invalid("bad_phone", value=text)
        row.phone = phone

    def _role(self, row: Row, text: str) -> None:
        role = self.roles.get(header_key(text))
        if role is None:
            raise Invalid("bad_role", value=text)
        row.role = role

    def _id_number(self, row: Row, text: str) -> None:
        number = sensitive.normalise_id_number(_digits_from_excel(text, "id_number"))
        if "*" in number:
            row.masked_given = number
        elif validation.is_valid_id_document(number):
            row.id_number = number
            row.id_hash = self.hash_id(number)
            row.id_masked = sensitive.mask(number)
        else:
            # Even a wrong number is someone's: the message shows it masked.
            raise Invalid("bad_id", value=sensitive.mask(number))

    def _move_in(self, row: Row, text: str) -> None:
        row.move_in = parse_date(text, "move_in")

    def _move_out(self, row: Row, text: str) -> None:
        row.move_out = parse_date(text, "move_out")

    def _email(self, row: Row, text: str) -> None:
        if not _EMAIL.match(text):
            raise Invalid("bad_email", value=text)
        row.email = _limited("email", text)

    def _notes(self, row: Row, text: str) -> None:
        row.notes = _limited("notes", text)
