"""The daily purge: each kind of trail record past its age, in batches, never one still
referenced (a file a signature or photo points to, a reminder with a delivery or inbox entry,
a delivered reminder its record would plan again)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, func, select, update

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    DeliveryStatus,
    GateCheck,
    ImportStatus,
    Notification,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    ResidentImport,
    StoredFile,
)
from admin_app.models.visitors import Parcel, ParcelStatus, Visitor
from admin_app.services import storage
from admin_app.services.reminders import outbox

# A delivery that may still change (waiting, or being sent) is never purged.
FINISHED_DELIVERIES = (DeliveryStatus.sent, DeliveryStatus.failed, DeliveryStatus.unknown)
# Delivered, or never to be delivered; pending, queued and failed ones are still the office's.
FINISHED_REMINDERS = (ReminderStatus.sent, ReminderStatus.cancelled)
RUNNING_IMPORTS = (ImportStatus.checking, ImportStatus.importing)


@dataclass(frozen=True)
class Kind:
    name: str
    setting: str  # RETENTION_<...>_DAYS
    run: Callable[[datetime, int, bool], int]


def cutoff(setting: str) -> datetime | None:
    """The moment before which a kind is forgotten; None when it is kept for ever (0 days)."""
    days = current_app.config[setting]
    return clock.now() - timedelta(days=days) if days > 0 else None


def batches(statement, batch_size: int) -> Iterator[list[int]]:
    """The ids the statement selects, ascending, batch_size at a time (keyset: kept rows are
    stepped over, so a batch of survivors cannot stall the walk)."""
    id_column = statement.selected_columns[0]
    last = 0
    while True:
        ids = list(
            db.session.execute(
                statement.where(id_column > last).order_by(id_column).limit(batch_size)
            ).scalars()
        )
        if not ids:
            return
        last = ids[-1]
        yield ids
        if len(ids) < batch_size:
            return


def _delete_in_batches(table, statement, batch_size: int, dry_run: bool, keep=None) -> int:
    """Delete what `statement` selects, one transaction per batch; `keep(ids)` names ids of a
    batch that must stay after all."""
    removed = 0
    for ids in batches(statement, batch_size):
        if keep is not None:
            kept = keep(ids)
            ids = [i for i in ids if i not in kept]
        if ids and not dry_run:
            if table is StoredFile.__table__:
                storage.forget_objects(ids)
            db.session.execute(delete(table).where(table.c.id.in_(ids)))
            db.session.commit()
        removed += len(ids)
    return removed


# ---- the kinds ---------------------------------------------------------------------------
def notifications(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Inbox entries read before the cutoff (unread ones wait for their reader)."""
    statement = select(Notification.id).where(
        Notification.read_at.is_not(None), Notification.read_at < before
    )
    return _delete_in_batches(Notification.__table__, statement, batch_size, dry_run)


def deliveries(before: datetime, batch_size: int, dry_run: bool) -> int:
    """The log of e-mails, texts and inbox deliveries whose outcome is known."""
    last = func.coalesce(
        ReminderDelivery.sent_at, ReminderDelivery.last_attempt_at, ReminderDelivery.created_at
    )
    statement = select(ReminderDelivery.id).where(
        ReminderDelivery.status.in_(FINISHED_DELIVERIES), last < before
    )
    return _delete_in_batches(ReminderDelivery.__table__, statement, batch_size, dry_run)


def reminders(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Delivered (or cancelled) reminders, once their delivery log and inbox entries are gone.
    One its record would plan again stays: deleted, it would be planned and sent a second time."""
    statement = select(Reminder.id).where(
        Reminder.status.in_(FINISHED_REMINDERS),
        func.coalesce(Reminder.sent_at, Reminder.due_at) < before,
        Reminder.created_at < before,
        ~exists().where(ReminderDelivery.reminder_id == Reminder.id),
        ~exists().where(Notification.reminder_id == Reminder.id),
    )
    return _delete_in_batches(
        Reminder.__table__, statement, batch_size, dry_run, keep=_still_planned
    )


def _still_planned(ids: list[int]) -> set[int]:
    rows = db.session.execute(
        select(Reminder.id, Reminder.entity_type, Reminder.entity_id, Reminder.dedupe_key).where(
            Reminder.id.in_(ids), Reminder.rule.not_in(outbox.UNPLANNED)
        )
    ).all()
    by_type: dict[str, list] = {}
    for row in rows:
        by_type.setdefault(row.entity_type, []).append(row)
    kept = set()
    conn = db.session.connection()
    for entity_type, group in by_type.items():
        if entity_type not in outbox.MODELS:
            continue
        wanted = outbox.planned_for(conn, entity_type, sorted({r.entity_id for r in group}))
        keys = {p.dedupe_key for _, planned in wanted.values() for p in planned}
        kept.update(r.id for r in group if r.dedupe_key in keys)
    return kept


def gate_checks(before: datetime, batch_size: int, dry_run: bool) -> int:
    """The gate's log: who came through with which pass, plates and scanned codes."""
    statement = select(GateCheck.id).where(GateCheck.checked_at < before)
    return _delete_in_batches(GateCheck.__table__, statement, batch_size, dry_run)


def import_files(before: datetime, batch_size: int, dry_run: bool) -> int:
    """The uploaded lists of finished or abandoned imports, with the rows their previews keep
    (the import's record stays, with its counts); a file some other record points to stays."""
    statement = select(ResidentImport.id).where(
        ResidentImport.file_id.is_not(None),
        ResidentImport.status.not_in(RUNNING_IMPORTS),
        ResidentImport.updated_at < before,
    )
    table = ResidentImport.__table__
    removed = 0
    for ids in batches(statement, batch_size):
        file_ids = set(
            db.session.execute(select(table.c.file_id).where(table.c.id.in_(ids))).scalars()
        )
        # Files only these imports point to: a file shown elsewhere too stays.
        free = set(
            db.session.execute(
                select(StoredFile.id).where(
                    StoredFile.id.in_(file_ids), *_unreferenced(but_imports=ids)
                )
            ).scalars()
        )
        removed += len(free)
        if dry_run or not free:
            continue
        db.session.execute(
            update(table)
            .where(table.c.id.in_(ids), table.c.file_id.in_(free))
            # The preview's samples and problem rows are the file's content too.
            .values(file_id=None, preview=None, problems=None)
        )
        storage.forget_objects(free)
        db.session.execute(delete(StoredFile.__table__).where(StoredFile.id.in_(free)))
        db.session.commit()
    return removed


def photos(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Photos and signatures no record shows any more (a worker's photo replaced, say); those
    a pass, an inspection or a work order's signature shows are kept however old."""
    statement = select(StoredFile.id).where(
        StoredFile.content_type.like("image/%"),
        StoredFile.created_at < before,
        *_unreferenced(),
    )
    return _delete_in_batches(StoredFile.__table__, statement, batch_size, dry_run)


def visitors(before: datetime, batch_size: int, dry_run: bool) -> int:
    """The visitor register: names, phones, plates and whom they visited (personal data)."""
    statement = select(Visitor.id).where(Visitor.in_at < before)
    return _delete_in_batches(Visitor.__table__, statement, batch_size, dry_run)


def parcels(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Parcels handed over before the cutoff (one still waiting stays: it is the desk's);
    their signatures are then no record's, and go with the photos."""
    statement = select(Parcel.id).where(
        Parcel.status == ParcelStatus.handed_over, Parcel.handed_over_at < before
    )
    return _delete_in_batches(Parcel.__table__, statement, batch_size, dry_run)


def staff_messages(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Messages taken for a staff member, dealt with before the cutoff (a caller's name,
    number and words); one still waiting stays: it is someone's to answer."""
    from admin_app.models import MessageStatus, StaffMessage

    statement = select(StaffMessage.id).where(
        StaffMessage.status == MessageStatus.done, StaffMessage.done_at < before
    )
    return _delete_in_batches(StaffMessage.__table__, statement, batch_size, dry_run)


def loans(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Loans from the lending box back before the cutoff (a borrower's name and phone); one
    still out stays: the gate is still to get it back."""
    from admin_app.models import Loan

    statement = select(Loan.id).where(Loan.returned_at < before)
    return _delete_in_batches(Loan.__table__, statement, batch_size, dry_run)


def api_calls(before: datetime, batch_size: int, dry_run: bool) -> int:
    """The API's call log: which integration asked what, when (admin_app/api/)."""
    from admin_app.models import ApiCall

    statement = select(ApiCall.id).where(ApiCall.at < before)
    return _delete_in_batches(ApiCall.__table__, statement, batch_size, dry_run)


def resident_texts(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Texts to residents about their repairs (a phone and its words) whose outcome is known."""
    from admin_app.models import ResidentNotice

    last = func.coalesce(
        ResidentNotice.sent_at, ResidentNotice.last_attempt_at, ResidentNotice.created_at
    )
    statement = select(ResidentNotice.id).where(
        ResidentNotice.status.in_(FINISHED_DELIVERIES), last < before
    )
    return _delete_in_batches(ResidentNotice.__table__, statement, batch_size, dry_run)


def resident_sign_ins(before: datetime, batch_size: int, dry_run: bool) -> int:
    """Residents' sign-in codes and one-purpose links that expired before the cutoff: once
    expired they open nothing, and a used link's row is only needed while it could be used."""
    from admin_app.models import PurposeLink, ResidentSignInCode

    codes = select(ResidentSignInCode.id).where(ResidentSignInCode.expires_at < before)
    links = select(PurposeLink.id).where(PurposeLink.expires_at < before)
    return _delete_in_batches(
        ResidentSignInCode.__table__, codes, batch_size, dry_run
    ) + _delete_in_batches(PurposeLink.__table__, links, batch_size, dry_run)


KINDS = (
    Kind("notifications", "RETENTION_NOTIFICATION_DAYS", notifications),
    Kind("deliveries", "RETENTION_DELIVERY_DAYS", deliveries),
    # After the deliveries and inbox entries: a reminder waits for them.
    Kind("reminders", "RETENTION_REMINDER_DAYS", reminders),
    Kind("gate_checks", "RETENTION_GATE_CHECK_DAYS", gate_checks),
    Kind("import_files", "RETENTION_IMPORT_FILE_DAYS", import_files),
    Kind("photos", "RETENTION_PHOTO_DAYS", photos),
    Kind("visitors", "RETENTION_VISITOR_DAYS", visitors),
    Kind("parcels", "RETENTION_PARCEL_DAYS", parcels),
    Kind("staff_messages", "RETENTION_MESSAGE_DAYS", staff_messages),
    Kind("loans", "RETENTION_LOAN_DAYS", loans),
    Kind("api_calls", "RETENTION_API_CALL_DAYS", api_calls),
    Kind("resident_texts", "RETENTION_DELIVERY_DAYS", resident_texts),
    Kind("resident_sign_ins", "RETENTION_RESIDENT_SIGN_IN_DAYS", resident_sign_ins),
)


# ---- stored files and what points at them -----------------------------------------------
def file_references() -> list:
    """Every column with a foreign key to stored_file (a new one is covered without edits)."""
    return [
        fk.parent
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is StoredFile.__table__
    ]


def _unreferenced(but_imports: list[int] = ()) -> list:
    """Conditions on StoredFile: no record points to it (except the imports `but_imports`)."""
    conditions = []
    for column in file_references():
        pointing = exists().where(column == StoredFile.id)
        if column.table is ResidentImport.__table__ and but_imports:
            pointing = pointing.where(column.table.c.id.not_in(but_imports))
        conditions.append(~pointing.correlate(StoredFile.__table__))
    return conditions
