"""A plan -> set-based inserts and updates, each change with its history row.

The whole plan is written in the caller's transaction with a handful of statements (COPY on
PostgreSQL), so 100,000 residents take seconds, and a failure anywhere leaves nothing behind.
The history rows are the ones the session listener would have written for the same change, but
for the residents the import creates: they name the import (resident.import_batch_id), and one
line for the import stands for all of them (`imported_line`), shown in each one's history.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from admin_app.models.resident import Resident, ResidentRole
from admin_app.models.unit import Occupancy, Unit, UnitKind
from admin_app.residents.importing.matching import COMPARED
from admin_app.residents.importing.planning import Plan
from admin_app.services import bulk, history
from admin_app.services.history import plain

UPDATED_COLUMNS = [
    *COMPARED,
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
]


CHUNK = 10_000  # rows per statement: bounded memory, still few round trips


def apply(session: Session, plan: Plan, batch) -> dict[str, int]:
    """Write the plan of the import `batch`; call inside `history.action("import", …)`."""
    estate_id = batch.estate_id
    audit: list[dict] = []
    unit_ids = _create_units(session, plan, estate_id, audit)
    _update_units(session, plan, estate_id, audit)
    history.write(session, audit)
    for start in range(0, len(plan.creates), CHUNK):
        _create_residents(session, plan.creates[start : start + CHUNK], batch, unit_ids)
    if plan.creates:
        history.write(session, [imported_line(batch, len(plan.creates))])
    for start in range(0, len(plan.updates), CHUNK):
        audit = []
        _update_residents(session, plan.updates[start : start + CHUNK], estate_id, audit)
        history.write(session, audit)
    return {
        "units": len(unit_ids),
        "units_updated": len(plan.unit_updates),
        "created": len(plan.creates),
        "updated": len(plan.updates),
    }


def imported_line(batch, created: int) -> dict:
    """The import's one history line for the residents it created: the file and how many."""
    return {
        "entity_type": batch.__tablename__,
        "entity_id": batch.id,
        "estate_id": batch.estate_id,
        "changes": {"filename": [None, batch.filename], "residents_created": [None, created]},
    }


def _created(entity_type: str, entity_id: int, estate_id: int, values: dict) -> dict:
    """The history row of a creation: every non-empty column, as the listener records it."""
    return {
        "entity_type": entity_type,
        "entity_id": entity_id,
        "estate_id": estate_id,
        "changes": {
            k: [None, v if type(v) in (str, int) else plain(v)]
            for k, v in values.items()
            if v is not None and k not in history.ALWAYS_EXCLUDED
        },
    }


def _create_units(session: Session, plan: Plan, estate_id: int, audit: list) -> dict:
    keys = list(plan.new_units)
    rows = []
    for unit_key, (building, entrance, room) in plan.new_units.items():
        values = plan.unit_values.get(unit_key, {})  # a unit list's floor, area, type, occupancy
        rows.append(
            {
                "estate_id": estate_id,
                "building": building,
                "entrance": entrance,
                "room": room,
                "floor": values.get("floor"),
                "area_m2": values.get("area_m2"),
                "kind": values.get("kind", UnitKind.residential).value,
                "occupancy": values.get("occupancy", Occupancy.vacant).value,
            }
        )
    ids = bulk.insert_rows(session, Unit.__table__, rows, return_ids=True)
    for unit_id, values in zip(ids, rows, strict=True):
        audit.append(_created("unit", unit_id, estate_id, values))
    return dict(zip(keys, ids, strict=True))


def _update_units(session: Session, plan: Plan, estate_id: int, audit: list) -> None:
    rows = []
    for unit_id, values, diff in plan.unit_updates:
        rows.append({"id": unit_id} | {k: getattr(v, "value", v) for k, v in values.items()})
        audit.append(
            {"entity_type": "unit", "entity_id": unit_id, "estate_id": estate_id, "changes": diff}
        )
    bulk.update_rows(session, Unit.__table__, rows, ["floor", "area_m2", "kind", "occupancy"])


def _create_residents(session: Session, creates: list, batch, unit_ids: dict) -> None:
    id_columns = Resident.id_number_encoder()

    def rows():  # built (and encrypted) while PostgreSQL stores the rows before
        for row, unit_ref in creates:
            unit_id = unit_ref if isinstance(unit_ref, int) else unit_ids[unit_ref]
            values = new_resident(row, unit_id, batch.estate_id, id_columns)
            yield values | {"import_batch_id": batch.id}

    bulk.insert_rows(session, Resident.__table__, rows())


def _update_residents(session: Session, updates: list, estate_id: int, audit: list) -> None:
    rows = []
    id_columns = Resident.id_number_encoder()
    for row, resident_id, diff in updates:
        rows.append(changed_resident(row, resident_id, diff, id_columns))
        audit.append(
            {
                "entity_type": "resident",
                "entity_id": resident_id,
                "estate_id": estate_id,
                "changes": diff,
            }
        )
    bulk.update_rows(session, Resident.__table__, rows, UPDATED_COLUMNS)


def new_resident(row, unit_id: int, estate_id: int, id_columns) -> dict:
    """The stored columns of a new resident from its checked row (`id_columns`:
    Resident.id_number_encoder()); the kept preview (staging.py) stores the same."""
    values = {
        "estate_id": estate_id,
        "unit_id": unit_id,
        "name": row.name,
        "phone": row.phone,
        "role": (row.role or ResidentRole.owner).value,
        "move_in": row.move_in,
        "move_out": row.move_out,
        "email": row.email,
        "notes": row.notes,
    }
    values.update(id_columns(row.id_number, row.id_hash))
    return values


def changed_resident(row, resident_id: int, diff: dict, id_columns) -> dict:
    """{"id": …, column: new value} for the columns an update changes (the others keep what is
    stored); a changed ID number brings its three stored columns."""
    values = {"id": resident_id}
    for name in diff:
        if name != "id_number_masked":
            values[name] = getattr(row, name)
    if "id_number_masked" in diff:
        values.update(id_columns(row.id_number, row.id_hash))
    return values
