"""The outbox: saving a record with deadlines (re)writes its Reminder rows in the same
transaction, whichever path saved it — admin form, service verb, batch, job, import, seed.

A session listener (like history.py and numbering.py) collects the records whose watched
columns changed in a flush and re-plans them with `refresh`. Rows are keyed by `dedupe_key`:
saving twice changes nothing, a fixed record cancels its waiting reminders, a moved deadline
cancels the old ones and plans new ones, and a reminder already sent is never planned again.
Bulk paths that change records with core UPDATE statements call `refresh` themselves.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from admin_app import clock
from admin_app.extensions import listen_once
from admin_app.models.reminder import Reminder, ReminderStatus
from admin_app.services.reminders import plan as planning
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS, is_handoff
from admin_app.services.reminders.manual import MANUAL
from admin_app.services.reminders.rules import MODELS, rules_for, watched_columns
from admin_app.services.reminders.store import chunks, insert_ignoring_duplicates

REMINDER = Reminder.__table__
WAITING = (ReminderStatus.pending, ReminderStatus.queued)
UNPLANNED = (MANUAL, *HANDOFF_KINDS)


def office_hours() -> planning.OfficeHours:
    if has_app_context():
        config = current_app.config
        return planning.OfficeHours(config["OFFICE_HOURS_START"], config["OFFICE_HOURS_END"])
    return planning.OfficeHours(8, 20)


def planned_for(conn, entity_type: str, ids: list[int], rows=None) -> dict[int, tuple[int, list]]:
    """Each record's estate and the reminders it should have now (records that no longer
    exist are left out). `rows`: the records' watched values, when the caller has them in
    hand (a batch chunk it has just written); read from the database otherwise."""
    if rows is None:
        table = MODELS[entity_type].__table__
        columns = [table.c[name] for name in sorted(watched_columns(entity_type))]
        rows = conn.execute(select(*columns).where(table.c.id.in_(ids))).mappings()
    hours = office_hours()
    rules = rules_for(entity_type)
    return {
        row["id"]: (
            row["estate_id"],
            [p for rule in rules for p in planning.plan(rule, row, hours)],
        )
        for row in rows
    }


def refresh(conn, entity_type: str, ids, now: datetime | None = None, values=None) -> None:
    """Bring the reminders of these records in line with their current state (`values`:
    id -> the record's watched values, when the caller holds them; see `watched_values`)."""
    if entity_type not in MODELS:
        return
    now = now or clock.now()
    for batch in chunks(sorted(set(ids))):
        rows = None if values is None else [values[i] for i in batch]
        wanted = planned_for(conn, entity_type, batch, rows)
        existing = conn.execute(
            select(
                REMINDER.c.id,
                REMINDER.c.dedupe_key,
                REMINDER.c.status,
                REMINDER.c.due_at,
                REMINDER.c.recipient_id,
                REMINDER.c.recipient_role,
            ).where(
                REMINDER.c.entity_type == entity_type,
                REMINDER.c.entity_id.in_(batch),
                # Sent by hand or at a hand-off: not the deadline rules' to cancel.
                REMINDER.c.rule.not_in(UNPLANNED),
            )
        ).all()
        _write(conn, entity_type, wanted, existing, now)


def _write(conn, entity_type, wanted, existing, now) -> None:
    by_key = {row.dedupe_key: row for row in existing}
    wanted_keys = set()
    inserts, changes = [], []
    for entity_id, (estate_id, planned) in wanted.items():
        for p in planned:
            wanted_keys.add(p.dedupe_key)
            row = by_key.get(p.dedupe_key)
            # A warning planned after its deadline has passed says nothing new: the
            # escalation does. One already waiting is still delivered (nothing is lost).
            late_warning = p.level == 0 and p.deadline_at <= now
            if row is None:
                if not late_warning:
                    inserts.append(_new_row(entity_type, entity_id, estate_id, p))
            elif row.status is ReminderStatus.cancelled:
                if not late_warning:
                    changes.append(_change(row.id, p, ReminderStatus.cancelled))
            elif row.status in WAITING and (row.due_at, row.recipient_id, row.recipient_role) != (
                p.due_at,
                p.recipient_id,
                p.recipient_role,
            ):
                changes.append(_change(row.id, p, row.status))
    insert_ignoring_duplicates(conn, REMINDER, inserts, ["dedupe_key"])
    if changes:
        # Back to pending: a job already queued for the old time or person finds the row
        # no longer queued and does nothing; the sweep hands it out again when due.
        conn.execute(
            update(REMINDER)
            .where(REMINDER.c.id == bindparam("_id"), REMINDER.c.status == bindparam("_was"))
            .values(
                status=ReminderStatus.pending,
                due_at=bindparam("_due"),
                recipient_id=bindparam("_recipient"),
                recipient_role=bindparam("_role"),
                queued_at=None,
            ),
            changes,
        )
    stale = [row.id for row in existing if row.dedupe_key not in wanted_keys]
    if stale:
        conn.execute(
            update(REMINDER)
            .where(REMINDER.c.id.in_(stale), REMINDER.c.status.in_(WAITING))
            .values(status=ReminderStatus.cancelled, queued_at=None)
        )


def _new_row(entity_type, entity_id, estate_id, p: planning.Planned) -> dict:
    return {
        "estate_id": estate_id,
        "rule": p.rule,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "level": p.level,
        "recipient_id": p.recipient_id,
        "recipient_role": p.recipient_role,
        "deadline_at": p.deadline_at,
        "due_at": p.due_at,
        "dedupe_key": p.dedupe_key,
    }


def _change(reminder_id, p: planning.Planned, was: ReminderStatus) -> dict:
    return {
        "_id": reminder_id,
        "_was": was,
        "_due": p.due_at,
        "_recipient": p.recipient_id,
        "_role": p.recipient_role,
    }


def still_wanted(conn, reminders) -> set[int]:
    """The ids of the reminders (rows with id, entity_type, entity_id, dedupe_key) whose records,
    as they are now, still call for them: checked again just before delivery, for changes that
    bypassed the session, such as bulk UPDATEs. One query per kind of record."""
    wanted, by_type = set(), defaultdict(list)
    for reminder in reminders:
        key = reminder["dedupe_key"]
        if key.startswith(f"{MANUAL}:") or is_handoff(key):
            wanted.add(reminder["id"])
        elif reminder["entity_type"] in MODELS:
            by_type[reminder["entity_type"]].append(reminder)
    for entity_type, found in by_type.items():
        planned = planned_for(conn, entity_type, sorted({r["entity_id"] for r in found}))
        for reminder in found:
            _, plans = planned.get(reminder["entity_id"], (None, []))
            if reminder["dedupe_key"] in {p.dedupe_key for p in plans}:
                wanted.add(reminder["id"])
    return wanted


# ---- the session listener ----------------------------------------------------------------
def _touched(session: Session) -> dict[str, set[int]]:
    touched: dict[str, set[int]] = defaultdict(set)
    for obj in session.new:
        entity_type = getattr(type(obj), "__tablename__", None)
        if entity_type in MODELS:
            touched[entity_type].add(obj.id)
    for obj in session.dirty:
        entity_type = getattr(type(obj), "__tablename__", None)
        if entity_type in MODELS and _watched_change(obj, entity_type):
            touched[entity_type].add(obj.id)
    for obj in session.deleted:
        entity_type = getattr(type(obj), "__tablename__", None)
        if entity_type in MODELS:
            touched[entity_type].add(inspect(obj).identity[0])
    return touched


def watched_values(obj) -> dict:
    """The record's watched columns as they are about to be written (what `planned_for`
    would read back after the write)."""
    return {name: getattr(obj, name) for name in watched_columns(type(obj).__tablename__)}


def watched_change(obj) -> bool:
    """Whether the record's reminders may change with this write (a batch chunk asks)."""
    entity_type = getattr(type(obj), "__tablename__", None)
    return entity_type in MODELS and _watched_change(obj, entity_type)


def _watched_change(obj, entity_type: str) -> bool:
    # Only an attribute set since loading keeps its loaded value in committed_state: the
    # others cannot have changed (asking each watched column for its history costs more).
    # Each attribute's history is asked by name: `state.attrs` builds a view of all of the
    # record's ~60 attributes, a quarter of a millisecond per record of a batch.
    state = inspect(obj)
    watched = watched_columns(entity_type)
    mapped = state.mapper.attrs
    return any(
        get_history(obj, name, PASSIVE_NO_INITIALIZE).has_changes()
        for name in state.committed_state
        if name in watched and name in mapped
    )


def _after_flush(session: Session, flush_context) -> None:
    touched = _touched(session)
    if touched:
        conn = session.connection()
        for entity_type, ids in touched.items():
            refresh(conn, entity_type, ids)


def install() -> None:
    listen_once(Session, "after_flush", _after_flush)
