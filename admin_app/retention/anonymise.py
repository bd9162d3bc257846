"""Forgetting the people of households that moved out long ago: a resident whose move-out is
more than RETENTION_MOVED_OUT_YEARS back loses name, phone, ID number, e-mail and notes, and
so do the contact fields of the tickets, work orders and release passes that name them.

The records themselves stay (the statistics count tickets and work orders, not people), and
each anonymised resident's history says when it happened; the values in older history entries
are blanked too, or the trail would keep what the record forgot.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import case, delete, select, update

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    DocumentKind,
    HouseholdDocument,
    ReleasePass,
    Resident,
    StoredFile,
    Ticket,
    WorkOrder,
)
from admin_app.retention.purge import batches
from admin_app.services import history, storage

# What an anonymised name reads as, in either language (a name is data, not a message).
ANONYMISED = "***"
ACTION = "anonymise"

RESIDENT_FIELDS = ("name", "phone", "email", "notes", "id_number_masked", "id_number")
# Records that copy a resident's contact details: (model, its resident column, name, phone).
COPIES = (
    (Ticket, "resident_id", "reporter_name", "reporter_phone"),
    (WorkOrder, "resident_id", "contact_name", "contact_phone"),
    (ReleasePass, "applicant_id", "applicant_name", "applicant_phone"),
)


def moved_out_before() -> date | None:
    """Residents who moved out before this day are anonymised; None: never (0 years)."""
    years = current_app.config["RETENTION_MOVED_OUT_YEARS"]
    if years <= 0:
        return None
    today = clock.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def due_residents():
    """Residents moved out before the cutoff and not anonymised yet (select of their ids)."""
    before = moved_out_before()
    return select(Resident.id).where(
        Resident.move_out.is_not(None),
        Resident.move_out < before,
        Resident.name != ANONYMISED,
    )


def anonymise(batch_size: int, dry_run: bool) -> int:
    """Anonymise every due resident, batch_size per transaction; returns how many."""
    if moved_out_before() is None:
        return 0
    done = 0
    for ids in batches(due_residents(), batch_size):
        done += len(ids)
        if not dry_run:
            _anonymise(ids)
            db.session.commit()
    return done


def _anonymise(ids: list[int]) -> None:
    # Core UPDATEs: through the ORM, the history listener would write the old values down.
    resident = Resident.__table__
    estates = dict(
        db.session.execute(
            select(resident.c.id, resident.c.estate_id).where(resident.c.id.in_(ids))
        ).all()
    )
    db.session.execute(
        update(resident)
        .where(resident.c.id.in_(ids))
        .values(
            name=ANONYMISED,
            phone=None,
            email=None,
            notes=None,
            id_number_enc=None,
            id_number_hash=None,
            id_number_masked=None,
        )
    )
    _blank_history("resident", ids, RESIDENT_FIELDS)
    for model, resident_column, name, phone in COPIES:
        table = model.__table__
        copies = list(
            db.session.execute(
                select(table.c.id).where(table.c[resident_column].in_(ids))
            ).scalars()
        )
        if not copies:
            continue
        db.session.execute(
            update(table)
            .where(table.c.id.in_(copies))
            .values({name: case((table.c[name].is_(None), None), else_=ANONYMISED), phone: None}),
        )
        _blank_history(table.name, copies, (name, phone))
    _forget_id_copies(ids)
    history.write(
        db.session,
        [
            {
                "action": ACTION,
                "actor_id": None,
                "entity_type": "resident",
                "entity_id": resident_id,
                "estate_id": estates.get(resident_id),
                "changes": {},
            }
            for resident_id in ids
        ],
    )


def _forget_id_copies(ids: list[int]) -> None:
    """The residents' ID copies in the household archive go with their ID numbers (core
    deletes, like the rest: the file name may carry the person's name)."""
    document = HouseholdDocument.__table__
    rows = db.session.execute(
        select(document.c.id, document.c.stored_file_id).where(
            document.c.resident_id.in_(ids), document.c.kind == DocumentKind.id_copy.value
        )
    ).all()
    if not rows:
        return
    file_ids = [file_id for _, file_id in rows]
    db.session.execute(delete(document).where(document.c.id.in_([pk for pk, _ in rows])))
    storage.forget_objects(file_ids)
    db.session.execute(delete(StoredFile.__table__).where(StoredFile.__table__.c.id.in_(file_ids)))


def _blank_history(entity_type: str, ids: list[int], fields) -> None:
    """Blank the before/after values of these fields in the records' earlier history."""
    audit = AuditRecord.__table__
    rows = db.session.execute(
        select(audit.c.id, audit.c.changes).where(
            audit.c.entity_type == entity_type, audit.c.entity_id.in_(ids)
        )
    ).all()
    for row_id, changes in rows:
        if not changes or not any(field in changes for field in fields):
            continue
        blanked = {
            key: [_blank(v) for v in value] if key in fields and isinstance(value, list) else value
            for key, value in changes.items()
        }
        db.session.execute(update(audit).where(audit.c.id == row_id).values(changes=blanked))


def _blank(value):
    return None if value in (None, "") else ANONYMISED
