"""One row of cells -> normalised values, or the reasons the row cannot be imported.

Text is trimmed and full-width characters folded; phones lose +86, spaces and dashes; dates are
read in the common spellings; roles in either language; ID numbers are checked (mainland
checksum; a 15-digit first-generation number by its region and birth date) and only their keyed
hash and mask are kept for matching. An empty cell never erases a stored value: it means
"nothing to say".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import force_locale

from admin_app import sensitive, validation
from admin_app.models.resident import ResidentRole
from admin_app.models.unit import Occupancy, UnitKind
from admin_app.residents.importing.columns import header_key
from admin_app.residents.importing.problems import Problem
from admin_app.services import unit_reader

# The first characters our exports (panel/export.py) protect with an apostrophe; an import
# removes that apostrophe again so that export -> import changes nothing.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
LIMITS = {"building": 32, "entrance": 16, "room": 16, "name": 50, "email": 120, "notes": 2000}
UNIT_KIND_WORDS = {
    UnitKind.residential: ("住宅", "住房", "公寓", "宿舍", "110", "119"),
    UnitKind.commercial: ("商铺", "商业", "门面", "底商", "办公", "办公室", "写字楼", "120"),
    UnitKind.parking: ("车位", "停车位", "车库", "parking"),
    UnitKind.storage: ("储藏室", "储物间", "杂物间", "地下室", "storage"),
}
# 2001-2008: the house states of the same system's template (sold but empty counts as vacant).
OCCUPANCY_WORDS = {
    Occupancy.occupied: ("已入住", "入住", "自住", "业主自住", "2001"),
    Occupancy.vacant: ("空置", "空闲", "未入住", "未销售", "已交房", "已装修", "装修中", "2002"),
    Occupancy.rented: ("出租", "已出租", "租住", "2006"),
}
_VACANT_CODES = ("2003", "2004", "2005", "2007", "2008", "2009")
_FLOOR = re.compile(r"^(-?\d{1,3})\s*(?:层|楼|F)?$", re.IGNORECASE)
_AREA = re.compile(r"^(\d{1,6}(?:\.\d{1,2})?)\s*(?:㎡|m2|m²|平米|平方米|平方)?$", re.IGNORECASE)

# 1001-1003: the owner types of a widespread open-source property system's template.
ROLE_WORDS = {
    ResidentRole.owner: ("业主", "房主", "产权人", "户主", "本人", "owner", "landlord", "1001"),
    ResidentRole.tenant: (
        "租户",
        "租客",
        "承租人",
        "房屋租客",
        "tenant",
        "renter",
        "lessee",
        "1003",
    ),
    ResidentRole.family: (
        "1002",
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
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


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
        "masked_given",
        "move_in",
        "move_out",
        "email",
        "notes",
        "problems",
        "unit_cells",
        "unit_values",
    )

    def __init__(self, number: int) -> None:
        self.number = number
        self.building = self.room = self.name = ""
        self.entrance = ""
        self.phone = self.role = self.id_number = self.id_hash = None
        self.masked_given = self.move_in = self.move_out = self.email = self.notes = None
        self.problems: list[Problem] = []
        self.unit_cells: dict[str, str] = {}  # building, entrance, room, unit: as written
        self.unit_values: dict[str, object] = {}  # a unit list's floor, area_m2, kind, occupancy

    @property
    def label(self) -> list:
        """What the preview shows to recognise the row: [building, entrance, room, name]."""
        return [self.building, self.entrance, self.room, self.name]


class Invalid(Exception):
    def __init__(self, code: str, **params) -> None:
        self.problem = Problem(code, params)


def cell_text(raw: str) -> str:
    """Trimmed, full-width folded (validation.fold, inlined: it runs for every cell of 100,000
    rows), and without the apostrophe our exports put before '=…'."""
    text = " ".join((raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).split())
    return _unquote(text) if text[:1] == "'" else text


def note_text(raw) -> str:
    """Notes keep their own punctuation and line breaks; only the ends are trimmed."""
    return _unquote(str(raw or "").replace("\r\n", "\n").strip())


def _unquote(text: str) -> str:
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def choice_table(words: dict, choice) -> dict:
    """{folded word: choice}: the given words, and each choice's value and labels."""
    table = {header_key(w): c for c, ws in words.items() for w in ws}
    for c in choice:
        table[header_key(c.value)] = c
        for language in current_app.config["LANGUAGES"] if has_app_context() else ():
            with force_locale(language):
                table.setdefault(header_key(str(c.label)), c)
    return table


def role_table() -> dict[str, ResidentRole]:
    table = {w: role for role, words in ROLE_WORDS.items() for w in words}
    table |= {header_key(w): role for role, words in ROLE_WORDS.items() for w in words}
    for role in ResidentRole:
        table[header_key(role.value)] = role
        for language in current_app.config["LANGUAGES"] if has_app_context() else ():
            with force_locale(language):
                table.setdefault(header_key(str(role.label)), role)
    return table


def split_unit(text: str) -> tuple[str, str, str]:
    """A unit in one cell: '1-2-301', '1栋2单元301室', 'Bldg 1, Ent. 2, Rm 301' -> ('1', '2',
    '301'); it must name at least the building and the room."""
    for reading in unit_reader.read(text):
        if reading.building is not None and reading.room is not None:
            return reading.building, reading.entrance or "", reading.room
    raise Invalid("bad_unit", value=text)


@functools.lru_cache(maxsize=16384)  # a list repeats its buildings, entrances and rooms
def _cell_parts(kind: str, text: str, kinds: tuple[str, ...]) -> tuple | None:
    """((part, value), …) that a cell of the `kind` column says, the row having cells for
    `kinds`; None when it cannot be read."""
    if text.isdigit():  # the usual cell: one part, nothing to read
        return ((kind, text),)
    reading = unit_reader.read_part(kind, text, tuple(k for k in kinds if k != kind))
    return None if reading is None else tuple(reading.parts().items())


def _unit_parts(cells: dict[str, str]) -> dict[str, str]:
    parts: dict[str, str] = {}
    kinds = tuple(kind for kind in unit_reader.KINDS if kind in cells)
    for kind in kinds:
        text = cells[kind]
        found = _cell_parts(kind, text, kinds)
        if found is None:
            if len(text) > LIMITS[kind]:
                raise Invalid("too_long", field=kind, limit=LIMITS[kind])
            raise Invalid("bad_unit", value=text)
        for part, value in found:
            have = parts.setdefault(part, value)
            if have != value and unit_reader.key(part, have) != unit_reader.key(part, value):
                raise Invalid("unit_disagrees", field=part, value=text)
    if "unit" in cells:
        building, entrance, room = split_unit(cells["unit"])
        parts.setdefault("building", building)
        parts.setdefault("room", room)
        if entrance:
            parts.setdefault("entrance", entrance)
    for kind, value in parts.items():
        _limited(kind, value)
    return parts


def parse_date(text: str, field: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO, the usual spelling
        try:
            return _plausible(date.fromisoformat(text))
        except ValueError:
            raise Invalid("bad_date", field=field, value=text) from None
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


def _mainland_id(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and number[17] in "0123456789X"


def _limited(field: str, text: str) -> str:
    if len(text) > LIMITS[field]:
        raise Invalid("too_long", field=field, limit=LIMITS[field])
    return text


class RowCleaner:
    """Cleans the rows of one file: built once from the column mapping and the estate."""

    def __init__(
        self,
        mapping: list[str | None],
        estate_name: str,
        estate_code: str,
        sheet: bool = False,
        units: bool = False,
    ) -> None:
        self.columns = [
            (i, name, getattr(self, "_" + name), note_text if name == "notes" else cell_text)
            for i, name in enumerate(mapping)
            if name
        ]
        self.width = len(mapping)
        # A CSV row that is too wide has a delimiter inside a value; a sheet row, a stray cell.
        self.extra_cells = "extra_cells_sheet" if sheet else "extra_cells"
        self.estate_name = estate_name
        self.estate_keys = {header_key(estate_name), header_key(estate_code)}
        self.roles = role_table()
        self.hash_id = sensitive.lookup_hasher()
        self.dates: dict[tuple[str, str], date | Invalid] = {}
        self.required = () if units else ("name",)
        self.required += () if "unit" in mapping else ("building", "room")
        self.units = units
        if units:
            self.kinds = choice_table(UNIT_KIND_WORDS, UnitKind)
            self.occupancies = choice_table(OCCUPANCY_WORDS, Occupancy)
            self.occupancies |= dict.fromkeys(_VACANT_CODES, Occupancy.vacant)

    def clean(self, number: int, cells: list[str]) -> Row:
        row = Row(number)
        if len(cells) > self.width and any(cell_text(c) for c in cells[self.width :]):
            row.problems.append(Problem(self.extra_cells))
        for index, _name, store, as_text in self.columns:
            text = as_text(cells[index]) if index < len(cells) else ""
            if not text:
                continue
            try:
                store(row, text)
            except Invalid as bad:
                row.problems.append(bad.problem)
        if row.unit_cells:
            try:
                self._read_unit(row)
            except Invalid as bad:
                row.problems.append(bad.problem)
        for name in self.required:
            if not getattr(row, name) and not any(
                p.params.get("field") == name for p in row.problems
            ):
                row.problems.append(Problem("required", {"field": name}))
        if row.move_in and row.move_out and row.move_out < row.move_in:
            row.problems.append(Problem("move_out_first"))
        if self.units and not row.name:
            if row.phone or row.id_number or row.masked_given or row.role:
                row.problems.append(Problem("required", {"field": "name"}))
            return row  # a unit without a resident
        if not row.problems and not (row.phone or row.id_hash or row.masked_given):
            row.problems.append(Problem("no_key"))
        return row

    # One method per field: store the clean value on the row, or raise Invalid.
    def _estate(self, row: Row, text: str) -> None:
        if header_key(text) not in self.estate_keys:
            raise Invalid("other_estate", value=text, estate=self.estate_name)

    # The unit's cells are read together once the row is read (a room cell may say
    # "1单元202室"): see _read_unit.
    def _building(self, row: Row, text: str) -> None:
        row.unit_cells["building"] = text

    def _entrance(self, row: Row, text: str) -> None:
        row.unit_cells["entrance"] = text

    def _room(self, row: Row, text: str) -> None:
        row.unit_cells["room"] = text

    def _unit(self, row: Row, text: str) -> None:
        row.unit_cells["unit"] = text

    def _read_unit(self, row: Row) -> None:
        """The building, entrance and room the unit cells name, as the panel keeps them ("3栋"
        -> "3", "202室" -> "202"); a unit column fills what the other columns leave empty. A
        row whose unit cannot be read keeps its cells as written, for the list of invalid rows."""
        cells = row.unit_cells
        try:
            parts = _unit_parts(cells)
        except Invalid:
            row.building, row.entrance, row.room = (
                cells.get(kind) or (cells.get("unit", "") if kind == "room" else "")
                for kind in unit_reader.KINDS
            )
            raise
        row.building = parts.get("building", "")
        row.entrance = parts.get("entrance", "")
        row.room = parts.get("room", "")

    def _name(self, row: Row, text: str) -> None:
        row.name = _limited("name", text)

    def _phone(self, row: Row, text: str) -> None:
        if text.isdigit() and len(text) == 11 and validation.is_mobile(text):
            row.phone = text  # the common case, without the general normalisation
            return
        digits = text
        if "E" in text or "e" in text or "." in text:
            digits = _digits_from_excel(text, "phone")
        phone = validation.normalise_phone(digits)
        if not validation.is_phone(phone):
            raise Invalid("bad_phone", value=text)
        row.phone = phone

    def _role(self, row: Row, text: str) -> None:
        role = self.roles.get(text) or self.roles.get(header_key(text))
        if role is None:
            raise Invalid("bad_role", value=text)
        row.role = role

    def _id_number(self, row: Row, text: str) -> None:
        number = sensitive.normalise_id_number(text)
        if "*" in number:
            row.masked_given = number
            return
        if _mainland_id(number):  # the common case: only the check character to test
            valid = validation.id_check_char(number[:17]) == number[17]
        else:
            number = sensitive.normalise_id_number(_digits_from_excel(number, "id_number"))
            valid = validation.is_valid_id_document(number)
        if valid:
            row.id_number = number
            row.id_hash = self.hash_id(number)
        else:
            # Even a wrong number is someone's: the message shows it masked. Fifteen digits
            # have no check character: their birth date or region is what is wrong.
            code = "bad_old_id" if len(number) == 15 and number.isdigit() else "bad_id"
            raise Invalid(code, value=sensitive.mask(number))

    def _move_in(self, row: Row, text: str) -> None:
        row.move_in = self._date(text, "move_in")

    def _move_out(self, row: Row, text: str) -> None:
        row.move_out = self._date(text, "move_out")

    def _date(self, text: str, field: str) -> date:
        # A list of 100,000 residents has a few thousand distinct dates: each is read once.
        key = (text, field)
        found = self.dates.get(key)
        if found is None:
            try:
                found = parse_date(text, field)
            except Invalid as bad:
                found = bad
            self.dates[key] = found
        if isinstance(found, Invalid):
            raise found
        return found

    def _email(self, row: Row, text: str) -> None:
        if not validation.is_email(text):
            raise Invalid("bad_email", value=text)
        row.email = _limited("email", text)

    def _notes(self, row: Row, text: str) -> None:
        row.notes = _limited("notes", text)

    # A unit list's columns (the unit import).
    def _floor(self, row: Row, text: str) -> None:
        match = _FLOOR.match(_TRAILING_ZERO.sub(r"\1", text))
        if not match or not -10 <= int(match.group(1)) <= 200:
            raise Invalid("bad_floor", value=text)
        row.unit_values["floor"] = int(match.group(1))

    def _area(self, row: Row, text: str) -> None:
        match = _AREA.match(text)
        if not match or not Decimal(match.group(1)):
            raise Invalid("bad_area", value=text)
        row.unit_values["area_m2"] = Decimal(match.group(1)).quantize(Decimal("0.01"))

    def _unit_kind(self, row: Row, text: str) -> None:
        kind = self.kinds.get(header_key(text))
        if kind is None:
            raise Invalid("bad_unit_kind", value=text)
        row.unit_values["kind"] = kind

    def _occupancy(self, row: Row, text: str) -> None:
        occupancy = self.occupancies.get(header_key(text))
        if occupancy is None:
            raise Invalid("bad_occupancy", value=text)
        row.unit_values["occupancy"] = occupancy
