"""Checked rows + the estate's current units and residents -> a plan of changes.

Each row is new, an update (with its field-level differences), unchanged, or invalid (with its
reasons); matching is in matching.py. Rows naming the same resident twice (the same stored
resident, or the same unit with the same phone and name, or ID number) are duplicates:
identical ones are skipped, differing ones are all invalid (which one is right?). The plan's
fingerprint sums up every decision, so the commit can tell whether it still is the plan the
person confirmed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from admin_app.models.resident import ResidentRole
from admin_app.residents.importing.cleaning import Row, RowCleaner
from admin_app.residents.importing.matching import ResidentIndex, UnitIndex
from admin_app.residents.importing.problems import ImportRefused, Problem

SAMPLE_LIMIT = 500


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
    table: dict = field(default_factory=dict)  # which rows and columns were read (Table.describe)
    # A unit list (the unit import): values of the units to create, and changes of stored ones.
    unit_values: dict[tuple, dict] = field(default_factory=dict)
    unit_updates: list[tuple[int, dict, dict]] = field(default_factory=list)  # (id, values, diff)
    units_unchanged: int = 0
    unit_parts: dict[int, tuple] = field(default_factory=dict)  # updated unit -> its parts

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
            "units_updated": len(self.unit_updates),
            "units_unchanged": self.units_unchanged,
        }


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
    sheet: bool = False,
    unit_list: bool = False,
) -> Plan:
    """`unit_list`: the unit import. Every row names a unit (created when missing, its floor,
    area, type and occupancy set), and a row with a name also a resident of it."""
    plan = Plan()
    cleaner = RowCleaner(mapping, estate.name, estate.code, sheet=sheet, units=unit_list)
    units = UnitIndex(session, estate, create_units or unit_list, with_values=unit_list)
    unit_rows: dict[int, tuple[dict, object, Row]] = {}  # row -> (values, unit, row)
    unit_first: dict = {}  # unit -> (first row, its values)
    residents = ResidentIndex(session, estate.id)
    decided: dict[int, tuple] = {}  # row number -> ("new"|"update"|"same", row, unit, rid, diff)
    problems: dict[int, tuple[list, list[Problem]]] = {}
    first_of: dict = {}  # resident id, (unit, phone) or (unit, ID hash) -> first row with it
    seen: dict[int, tuple[Row, object]] = {}  # row number -> (row, unit) of first occurrences
    conflicts: dict[int, set[int]] = {}  # first row -> rows that contradict it
    weak_rows: set[int] = set()  # rows matched to a resident by the phone alone

    for number, cells in rows:
        plan.total += 1
        if progress is not None and plan.total % 1000 == 0:
            progress(plan.total, max(estimated_rows, plan.total))
        row = cleaner.clean(number, cells)
        unit_ref = rid = None
        weak = False
        if not row.problems:
            unit_ref, problem = units.find(row)
            if problem is None and isinstance(unit_ref, int):
                rid, problem, weak = residents.match(row, unit_ref)
            if problem is not None:
                row.problems.append(problem)
        if unit_list and not row.problems:
            first_unit = unit_first.setdefault(unit_ref, (number, row.unit_values))
            if any(first_unit[1].get(k, v) != v for k, v in row.unit_values.items()):
                listed = f"{first_unit[0]}, {number}"
                row.problems.append(Problem("unit_rows_disagree", {"rows": listed}))
            else:
                unit_rows[number] = (row.unit_values, unit_ref, row)
                if not row.name:
                    continue  # a unit without a resident
        if row.problems:
            problems[number] = (row.label, row.problems)
            continue
        # A phone shared in a household: the resident found by the phone alone is another
        # row's, so this one is a new resident with the same phone; or the other way round.
        other = first_of.get(rid) if rid is not None else None
        if other is not None and seen[other][0].name != row.name:
            if weak:
                rid = None
            elif other in weak_rows and other in decided:
                first_row = seen[other][0]
                decided[other] = ("new", first_row, seen[other][1], None, None)
                del first_of[rid]
                weak_rows.discard(other)
        # The keys cannot collide: ids are ints, phones digits, hashes hex, masks carry "*".
        id_key = row.id_hash or row.masked_given
        keys = [
            k
            for k in (
                rid,
                row.phone and (unit_ref, row.phone, row.name),
                id_key and (unit_ref, id_key),
            )
            if k
        ]
        first = next((first_of[k] for k in keys if k in first_of), None)
        if first is not None:
            if _signature(*seen[first]) == _signature(row, unit_ref):
                plan.duplicates.append((number, first))
            else:
                conflicts.setdefault(first, {first}).add(number)
                problems[number] = (row.label, [])
            continue
        for key in keys:
            first_of[key] = number
        seen[number] = (row, unit_ref)
        if weak:
            weak_rows.add(number)
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
    if unit_list:
        _plan_units(plan, unit_rows, problems, units)
    _finish(plan, decided, problems, units)
    return plan


def _plan_units(plan: Plan, unit_rows: dict, problems: dict, units: UnitIndex) -> None:
    """The units a unit list creates or changes, from its valid rows (an invalid row changes
    nothing, its unit's values included)."""
    merged: dict = {}
    for number in sorted(unit_rows):
        if number in problems:
            continue
        values, unit_ref, row = unit_rows[number]
        have = merged.setdefault(unit_ref, ({}, row))[0]
        for name, value in values.items():
            have.setdefault(name, value)
    for unit_ref, (values, row) in merged.items():
        if isinstance(unit_ref, int):
            diff = units.diff(unit_ref, values)
            if diff:
                plan.unit_updates.append((unit_ref, {k: values[k] for k in diff}, diff))
                plan.unit_parts[unit_ref] = units.parts[unit_ref]
            else:
                plan.units_unchanged += 1
        else:
            plan.new_units.setdefault(unit_ref, units.new_unit(row))
            plan.unit_values[unit_ref] = values


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
        # repr, not JSON: cheaper, and diffs are built in a fixed field order.
        digest.update(f"{number}|{kind}|{rid}|{unit_ref}|{diff!r};".encode())
    for number in sorted(problems):
        label, found = problems[number]
        errors = [p.as_json() for p in found]
        plan.problems.append({"row": number, "label": label, "errors": errors})
        digest.update(json.dumps([number, "invalid", errors], sort_keys=True).encode())
    for unit_id, _values, diff in plan.unit_updates:
        digest.update(f"unit|{unit_id}|{diff!r};".encode())
    for unit_ref, values in plan.unit_values.items():
        digest.update(f"new unit|{unit_ref}|{values!r};".encode())
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
        "table": plan.table,
        "unit_updates": [
            {"unit": list(plan.unit_parts[unit_id]), "changes": diff}
            for unit_id, _values, diff in plan.unit_updates[:SAMPLE_LIMIT]
        ],
        "units_updated": len(plan.unit_updates),
        "units_unchanged": plan.units_unchanged,
    }
