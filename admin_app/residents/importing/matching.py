"""Finding what a row names in the estate: its unit, and the resident it updates.

Units are found as the unit reader (services/unit_reader.py) keys them ("3栋", "2单元", "0301室"
name the same place as "3", "2", "0301"); a missing entrance is fine when only one unit has that
building and room, else the problem names the candidates. Residents
are found by unit and ID number (keyed hash; a masked number from our own export by its stored
mask), else by unit and phone. Two residents of a unit may share a phone (a parent and child, a
landline): then the name tells them apart, and a row that could be either is ambiguous, never
written to one of them. Stored values are compared the way the import cleans them, so a
phone saved as "0755-8600 1234" equals "075586001234".
"""

from __future__ import annotations

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from admin_app import sensitive
from admin_app.models.resident import Resident
from admin_app.models.unit import Unit
from admin_app.residents.importing.cleaning import Row, note_text
from admin_app.residents.importing.problems import Problem
from admin_app.services.history import plain
from admin_app.services.unit_reader import SHOWN_CHOICES, key
from admin_app.validation import fold, normalise_phone

# The unit fields a unit list sets (the unit import).
UNIT_VALUES = ("floor", "area_m2", "kind", "occupancy")
# The resident fields a row sets (the ID number aside): compared, and written by writing.py.
COMPARED = ("name", "phone", "role", "move_in", "move_out", "email", "notes")


class UnitIndex:
    """The estate's units, found by building / entrance / room as the unit reader keys them."""

    def __init__(
        self, session: Session, estate, create_missing: bool, with_values: bool = False
    ) -> None:
        self.estate_name = estate.name
        self.create_missing = create_missing
        self.exact: dict[tuple, list[int]] = {}
        self.by_room: dict[tuple, list[int]] = {}
        self.parts: dict[int, tuple[str, str, str]] = {}
        self.spelling: dict[tuple, str] = {}
        self.values: dict[int, dict] = {}  # the unit import's: floor, area_m2, kind, occupancy
        table = Unit.__table__
        shown = [table.c[name] for name in UNIT_VALUES] if with_values else []
        # fetched whole (one call), not row by row: an estate has up to 100k units
        rows = (
            session.connection()
            .execute(
                select(table.c.id, table.c.building, table.c.entrance, table.c.room, *shown).where(
                    table.c.estate_id == estate.id
                )
            )
            .all()
        )
        for unit_id, building, entrance, room, *values in rows:
            if with_values:
                self.values[unit_id] = dict(zip(UNIT_VALUES, values, strict=True))
            entrance = entrance or ""
            unit_key = (key("building", building), key("entrance", entrance), key("room", room))
            # Two units spelled alike ("3栋" and "3") cannot be told apart: neither matches.
            self.exact.setdefault(unit_key, []).append(unit_id)
            self.by_room.setdefault((unit_key[0], unit_key[2]), []).append(unit_id)
            self.parts[unit_id] = (building, entrance, room)
            self.spelling.setdefault(("building", unit_key[0]), building)
            self.spelling.setdefault(("entrance", unit_key[1]), entrance)

    def find(self, row: Row) -> tuple[object, Problem | None]:
        """The unit id, a key for a unit to create, or the problem."""
        unit_key = (
            key("building", row.building),
            key("entrance", row.entrance),
            key("room", row.room),
        )
        candidates = self.exact.get(unit_key, [])
        if not candidates and not row.entrance:
            candidates = self.by_room.get((unit_key[0], unit_key[2]), [])
        if len(candidates) == 1:
            return candidates[0], None
        if candidates:
            choices = [self.parts[unit_id] for unit_id in candidates[: SHOWN_CHOICES + 1]]
            return None, Problem("ambiguous_unit", {"unit": _unit_text(row), "units": choices})
        if self.create_missing:
            return ("new", *unit_key), None
        return None, Problem("no_unit", {"unit": _unit_text(row), "estate": self.estate_name})

    def diff(self, unit_id: int, values: dict) -> dict:
        """{field: [stored, new]} for what a unit list's row changes; empty cells change
        nothing."""
        stored = self.values.get(unit_id, {})
        changes = {}
        for name, new in values.items():
            old = stored.get(name)
            if isinstance(old, str) and hasattr(new, "value"):
                old = type(new)(old)
            if old != new:
                changes[name] = [plain(old), plain(new)]
        return changes

    def new_unit(self, row: Row) -> tuple[str, str, str]:
        """A new unit spelled like the estate's others ("3栋" if its buildings are "3栋"), else
        as the reader gives it ("3", "2", "301")."""
        b = self.spelling.get(("building", key("building", row.building)), row.building)
        e = self.spelling.get(("entrance", key("entrance", row.entrance)), row.entrance)
        return b, e, row.room


def _unit_text(row: Row) -> str:
    return "-".join(part for part in (row.building, row.entrance, row.room) if part)


def _compared_columns() -> tuple:
    table = Resident.__table__.c
    return tuple(
        type_coerce(table.role, String) if name == "role" else table[name] for name in COMPARED
    )


class ResidentIndex:
    """The estate's residents with the columns the import compares."""

    # Core columns, and the role as its stored text: 100,000 rows load without ORM objects or
    # enum conversion (a ResidentRole compares equal to its text).
    _t = Resident.__table__.c
    COLUMNS = (
        _t.id,
        _t.unit_id,
        *_compared_columns(),
        _t.id_number_hash,
        _t.id_number_masked,
    )

    def __init__(self, session: Session, estate_id: int) -> None:
        self.by_id: dict[int, tuple] = {}
        self.by_phone: dict[tuple, list[int]] = {}
        self.by_hash: dict[tuple, int | None] = {}
        self.by_mask: dict[tuple, int | None] = {}
        query = select(*self.COLUMNS).where(self._t.estate_id == estate_id)
        for record in session.connection().execute(query).all():  # one fetch, not per row
            rid, unit_id, phone, id_hash, masked = (
                record[0],
                record[1],
                record[3],
                record[9],
                record[10],
            )
            self.by_id[rid] = record
            if phone:  # older records may hold "0755-8600 1234": compare normalised
                self.by_phone.setdefault((unit_id, normalise_phone(phone)), []).append(rid)
            if id_hash:
                key = (unit_id, id_hash)
                self.by_hash[key] = None if key in self.by_hash else rid
            if masked:
                key = (unit_id, masked)
                self.by_mask[key] = None if key in self.by_mask else rid

    def match(self, row: Row, unit_id: int) -> tuple[int | None, Problem | None, bool]:
        """(resident id, problem, by the phone alone). A resident found by the phone alone
        under another name is renamed by the row, unless another row of the file is that
        resident (planning.py then makes this row a new resident sharing the phone)."""
        sharing = self.by_phone.get((unit_id, row.phone), ()) if row.phone else ()
        if len(sharing) == 1 and not row.id_hash and not row.masked_given:
            rid = sharing[0]  # the usual row: one resident with the phone, no ID number
            if self.by_id[rid][2] == row.name:
                return rid, None, False
        by_id = self.by_hash.get((unit_id, row.id_hash)) if row.id_hash else None
        if row.masked_given and by_id is None:
            by_id = self.by_mask.get((unit_id, row.masked_given))
        if by_id:
            if sharing and by_id not in sharing and not self._named(by_id, row.name):
                return None, Problem("two_residents"), False
            return by_id, None, False
        named = [rid for rid in sharing if self._named(rid, row.name)]
        if len(named) == 1:
            return named[0], None, False
        if len(sharing) > 1:
            names = sorted(self.by_id[rid][2] for rid in sharing)
            return None, Problem("ambiguous_resident", {"names": ", ".join(names)}), False
        if sharing:
            stored_hash = self.by_id[sharing[0]][9]
            if row.id_hash and stored_hash and stored_hash != row.id_hash:
                return None, None, False  # another ID number: another person, same phone
            return sharing[0], None, True
        return None, None, False

    def _named(self, rid: int, name: str) -> bool:
        stored = self.by_id[rid][2]
        return stored == name or fold(stored or "") == name

    def diff(self, row: Row, rid: int) -> tuple[dict, Problem | None]:
        """{field: [stored, new]} for what the row changes; empty cells change nothing."""
        record = self.by_id[rid]
        stored = dict(
            zip(
                COMPARED,
                record[2 : 2 + len(COMPARED)],
                strict=True,
            )
        )
        changes = {}
        for name in COMPARED:
            new = getattr(row, name)
            if new in (None, "") or _same(name, stored[name], new):
                continue
            changes[name] = [plain(stored[name]), plain(new)]
        stored_mask = record[10]
        if row.masked_given and row.masked_given != stored_mask:
            return {}, Problem("masked_id", {"value": row.masked_given})
        if row.id_hash and row.id_hash != record[9]:
            changes["id_number_masked"] = [stored_mask, sensitive.mask(row.id_number)]
        return changes, None


def _same(name: str, stored, new) -> bool:
    if stored == new:  # the usual case: stored as the import (or the form) cleans it
        return True
    if stored is None:
        return False
    if name == "notes":
        return note_text(stored) == new
    if name in ("name", "email"):
        return fold(stored) == new
    if name == "phone":
        return normalise_phone(stored) == new
    return stored == new
