"""Checked rows + the estate's current units and residents -> a plan of changes.

Matching: a row updates the resident of the same unit with the same phone number, or else the
one with the same ID number (a masked number from our own export matches its stored mask). A
person who owns a flat and a parking space is two residents (one per unit), so an ID number
is matched within the unit, never across units. Rows naming the same resident twice are
duplicates: identical ones are skipped, differing ones are all invalid (which one is right?).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models.resident import Resident, ResidentRole
from ...models.unit import Unit
from ...validation import fold, normalise_phone
from ..history import plain
from .cleaning import Row, RowCleaner, note_text
from .problems import ImportRefused, Problem

SAMPLE_LIMIT = 500
COMPARED = ("name", "phone", "role", "move_in", "move_out", "email", "notes")
_SUFFIXES = {
    "building": re.compile(r"(栋|幢|号楼|楼|座)$"),
    "entrance": re.compile(r"单元$"),
    "room": re.compile(r"(室|号|房)$"),
}


def _norm(kind: str, text: str) -> str:
    """'3栋' and '3', '2单元' and '2', '0301室' and '0301' name the same place."""
    text = fold(text).upper().replace(" ", "")
    return _SUFFIXES[kind].sub("", text) or text


@dataclass
class Plan:
    total: int = 0
    creates: list[tuple[Row, object]] = field(default_factory=list)  # (row, unit id or new key)
    updates: list[tuple[Row, int, dict]] = field(default_factory=list)  # (row, resident id, diff)
    unchanged: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, first row)
    problems: list[dict] = field(default_factory=list)
    new_units: dict[tuple, tuple[str, str, str]] = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "new": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "invalid": len(self.problems),
            "duplicates": len(self.duplicates),
            "units": len(self.new_units),
        }


class UnitIndex:
    """The estate's units, found by building / entrance / room as people spell them."""

    def __init__(self, session: Session, estate, create_missing: bool) -> None:
        self.estate_name = estate.name
        self.create_missing = create_missing
        self.exact: dict[tuple, int | None] = {}
        self.by_room: dict[tuple, list[int]] = {}
        self.spelling: dict[tuple, str] = {}
        rows = session.execute(
            select(Unit.id, Unit.building, Unit.entrance, Unit.room).where(
                Unit.estate_id == estate.id
            )
        )
        for unit_id, building, entrance, room in rows:
            key = (
                _norm("building", building),
                _norm("entrance", entrance or ""),
                _norm("room", room),
            )
            # Two units spelled alike ("3栋" and "3") cannot be told apart: neither matches.
            self.exact[key] = None if key in self.exact else unit_id
            self.by_room.setdefault((key[0], key[2]), []).append(unit_id)
            self.spelling.setdefault(("building", key[0]), building)
            self.spelling.setdefault(("entrance", key[1]), entrance or "")

    def find(self, row: Row) -> tuple[object, Problem | None]:
        """The unit id, a key for a unit to create, or the problem."""
        key = (
            _norm("building", row.building),
            _norm("entrance", row.entrance),
            _norm("room", row.room),
        )
        if key in self.exact:
            if self.exact[key] is None:
                return None, Problem("ambiguous_unit", {"unit": _unit_text(row)})
            return self.exact[key], None
        if not row.entrance:
            candidates = self.by_room.get((key[0], key[2]), [])
            if len(candidates) == 1:
                return candidates[0], None
            if len(candidates) > 1:
                return None, Problem("ambiguous_unit", {"unit": _unit_text(row)})
        if self.create_missing:
            return ("new", *key), None
        return None, Problem("no_unit", {"unit": _unit_text(row), "estate": self.estate_name})

    def new_unit(self, row: Row) -> tuple[str, str, str]:
        """A new unit spelled like the estate's others ("3栋" if its buildings are "3栋")."""
        b = self.spelling.get(("building", _norm("building", row.building)), row.building)
        e = self.spelling.get(("entrance", _norm("entrance", row.entrance)), row.entrance)
        return b, e, row.room


def _unit_text(row: Row) -> str:
    return "-".join(part for part in (row.building, row.entrance, row.room) if part)


class ResidentIndex:
    """The estate's residents with the columns the import compares."""

    COLUMNS = (
        Resident.id,
        Resident.unit_id,
        Resident.name,
        Resident.phone,
        Resident.role,
        Resident.move_in,
        Resident.move_out,
        Resident.email,
        Resident.notes,
        Resident.id_number_hash,
        Resident.id_number_masked,
    )

    def __init__(self, session: Session, estate_id: int) -> None:
        self.by_id: dict[int, tuple] = {}
        self.by_phone: dict[tuple, int] = {}
        self.by_hash: dict[tuple, int | None] = {}
        self.by_mask: dict[tuple, int | None] = {}
        query = select(*self.COLUMNS).where(Resident.estate_id == estate_id)
        for record in session.execute(query):
            rid, unit_id, phone, id_hash, masked = (
                record[0],
                record[1],
                record[3],
                record[9],
                record[10],
            )
            self.by_id[rid] = record
            if phone:  # older records may hold "0755-8600 1234": compare normalised
                self.by_phone[(unit_id, normalise_phone(phone))] = rid
            if id_hash:
                key = (unit_id, id_hash)
                self.by_hash[key] = None if key in self.by_hash else rid
            if masked:
                key = (unit_id, masked)
                self.by_mask[key] = None if key in self.by_mask else rid

    def match(self, row: Row, unit_id: int) -> tuple[int | None, Problem | None]:
        by_phone = self.by_phone.get((unit_id, row.phone)) if row.phone else None
        by_id = self.by_hash.get((unit_id, row.id_hash)) if row.id_hash else None
        if row.masked_given and by_id is None:
            by_id = self.by_mask.get((unit_id, row.masked_given))
        if by_phone and by_id and by_phone != by_id:
            return None, Problem("two_residents")
        return by_phone or by_id, None

    def diff(self, row: Row, rid: int) -> tuple[dict, Problem | None]:
        """{field: [stored, new]} for what the row changes; empty cells change nothing."""
        record = self.by_id[rid]
        stored = dict(
            zip(
                ("name", "phone", "role", "move_in", "move_out", "email", "notes"),
                record[2:9],
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
            changes["id_number_masked"] = [stored_mask, row.id_masked]
        return changes, None


def _same(name: str, stored, new) -> bool:
    if stored is None:
        return False
    if name == "notes":
        return note_text(stored) == new
    if name in ("name", "email"):
        return fold(stored) == new
    if name == "phone":
        return normalise_phone(stored) == new
    return stored == new


def _signature(row: Row, unit_ref) -> tuple:
    return (
        unit_ref,
        row.name,
        row.phone,
        row.role,
        row.id_hash or row.masked_given,
        row.move_in,
        row.move_out,
        row.email,
        row.notes,
    )


def build_plan(
    session: Session,
    *,
    estate,
    rows: Iterator[tuple[int, list[str]]],
    mapping: list[str | None],
    create_units: bool,
    estimated_rows: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    plan = Plan()
    cleaner = RowCleaner(mapping, estate.name, estate.code)
    units = UnitIndex(session, estate, create_units)
    residents = ResidentIndex(session, estate.id)
    decided: dict[int, tuple] = {}  # row number -> ("new"|"update"|"same", row, unit, rid, diff)
    problems: dict[int, tuple[list, list[Problem]]] = {}
    first_of: dict[tuple, int] = {}  # matching key -> first row number with it
    signatures: dict[int, tuple] = {}
    conflicts: dict[int, set[int]] = {}  # first row -> rows that contradict it

    for number, cells in rows:
        plan.total += 1
        if progress is not None and plan.total % 1000 == 0:
            progress(plan.total, max(estimated_rows, plan.total))
        row = cleaner.clean(number, cells)
        unit_ref = rid = None
        if not row.problems:
            unit_ref, problem = units.find(row)
            if problem is None and isinstance(unit_ref, int):
                rid, problem = residents.match(row, unit_ref)
            if problem is not None:
                row.problems.append(problem)
        if row.problems:
            problems[number] = (row.label, row.problems)
            continue
        keys = [("resident", rid)] if rid else []
        keys += [(unit_ref, "phone", row.phone)] if row.phone else []
        keys += (
            [(unit_ref, "id", row.id_hash or row.masked_given)]
            if (row.id_hash or row.masked_given)
            else []
        )
        first = next((first_of[k] for k in keys if k in first_of), None)
        signature = _signature(row, unit_ref)
        if first is not None:
            if signatures[first] == signature:
                plan.duplicates.append((number, first))
            else:
                conflicts.setdefault(first, {first}).add(number)
                problems[number] = (row.label, [])
            continue
        for key in keys:
            first_of[key] = number
        signatures[number] = signature
        if rid is None:
            if row.masked_given:  # a masked number cannot be stored for a new resident
                problems[number] = (row.label, [Problem("masked_id", {"value": row.masked_given})])
            else:
                decided[number] = ("new", row, unit_ref, None, None)
            continue
        diff, problem = residents.diff(row, rid)
        if problem is not None:
            problems[number] = (row.label, [problem])
        else:
            decided[number] = ("update" if diff else "same", row, unit_ref, rid, diff)

    if plan.total == 0:
        raise ImportRefused("no_data_rows")
    for first, group in conflicts.items():
        listed = ", ".join(str(n) for n in sorted(group))
        if first in decided:
            row = decided.pop(first)[1]
            problems[first] = (row.label, [])
        for number in group:
            problems[number][1].append(Problem("conflicting_rows", {"rows": listed}))
    _finish(plan, decided, problems, units)
    return plan


def _finish(plan: Plan, decided: dict, problems: dict, units: UnitIndex) -> None:
    digest = hashlib.sha256()
    for number in sorted(decided):
        kind, row, unit_ref, rid, diff = decided[number]
        if kind == "new":
            plan.creates.append((row, unit_ref))
            if not isinstance(unit_ref, int):
                plan.new_units.setdefault(unit_ref, units.new_unit(row))
        elif kind == "update":
            plan.updates.append((row, rid, diff))
        else:
            plan.unchanged += 1
        digest.update(json.dumps([number, kind, rid, str(unit_ref), diff], sort_keys=True).encode())
    for number in sorted(problems):
        label, found = problems[number]
        errors = [p.as_json() for p in found]
        plan.problems.append({"row": number, "label": label, "errors": errors})
        digest.update(json.dumps([number, "invalid", errors], sort_keys=True).encode())
    plan.fingerprint = digest.hexdigest()


def preview_payload(plan: Plan) -> dict:
    """What the preview page shows (samples; the counts are on the batch)."""
    return {
        "updates": [
            {"row": row.number, "resident_id": rid, "label": row.label, "changes": diff}
            for row, rid, diff in plan.updates[:SAMPLE_LIMIT]
        ],
        "creates": [
            {
                "row": row.number,
                "label": row.label,
                "phone": row.phone,
                "role": (row.role or ResidentRole.owner).value,
                "new_unit": not isinstance(unit_ref, int),
            }
            for row, unit_ref in plan.creates[:SAMPLE_LIMIT]
        ],
        "duplicates": [{"row": n, "of": first} for n, first in plan.duplicates[:SAMPLE_LIMIT]],
        "units": [list(parts) for parts in list(plan.new_units.values())[:SAMPLE_LIMIT]],
    }
