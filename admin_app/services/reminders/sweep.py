"""The sweep: find reminders that are due and hand them out, and put right whatever a lost job,
a dead worker or a Redis outage left half-done. The database decides what is due; a sweep that
could not reach Redis rolls its claim back and the next one finds the same rows.

Claims are conditional UPDATEs (pending → queued); on PostgreSQL the rows are picked with
FOR UPDATE SKIP LOCKED, so two sweeps running at once split the work instead of doubling it.
On SQLite the writer lock serialises them and the second finds nothing left to claim.

A reminder handed to Redis whose job is gone (Redis restarted empty) or stuck (its worker
killed, no scheduler left to release it) is handed out again by the next sweeps
(`handed_out`, `claim_again`; the job layer asks Redis); after LOST_AFTER any reminder still
queued is, whatever Redis says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update

from admin_app.extensions import db
from admin_app.models import (
    DeliveryChannel,
    DeliveryStatus,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS
from admin_app.services.reminders.store import is_postgresql

REMINDER, DELIVERY = Reminder.__table__, ReminderDelivery.__table__
# Longer than any delivery job may run (jobs time out after 5 minutes).
LOST_AFTER = timedelta(minutes=10)
# An e-mail or text left "pending" this long has lost its retry job: try again.
RETRY_AFTER = timedelta(minutes=15)


@dataclass
class Chunk:
    due: list[tuple[int, datetime]] = field(default_factory=list)  # (reminder id, due at)
    retry: list[int] = field(default_factory=list)  # reminders with e-mails/texts to resend

    @property
    def reminder_ids(self) -> list[int]:
        return [rid for rid, _ in self.due] + [r for r in self.retry if r not in dict(self.due)]

    def __len__(self) -> int:
        return len(self.due)


def claim(now: datetime, horizon: datetime, limit: int) -> Chunk:
    """Claim up to `limit` reminders due by `horizon`, then lost ones, then stuck e-mails."""
    chunk = Chunk(due=_claim_due(now, horizon, limit))
    if len(chunk.due) < limit:
        chunk.due += _claim_lost(now, limit - len(chunk.due))
        _give_up_interrupted(now)
        chunk.retry = _outbound_to_retry(now, limit)
    return chunk


def _claim(candidates, now: datetime, was: ReminderStatus) -> list[tuple[int, datetime]]:
    conn = db.session.connection()
    if is_postgresql(conn):
        # Locked and materialised once: as a plain IN (subquery) PostgreSQL may re-run the
        # LIMIT … SKIP LOCKED subquery for every row and claim far more than the limit.
        due = candidates.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        chosen = select(due.c.id)
    else:
        # SQLite runs the subquery once; and pysqlite opens no transaction for a statement
        # that starts with WITH, so a CTE here would commit the claim on its own.
        chosen = candidates.scalar_subquery()
    rows = conn.execute(
        update(REMINDER)
        .where(REMINDER.c.id.in_(chosen), REMINDER.c.status == was)
        .values(status=ReminderStatus.queued, queued_at=now)
        .returning(REMINDER.c.id, REMINDER.c.due_at)
    ).all()
    return sorted(((row.id, row.due_at) for row in rows), key=lambda r: (r[1], r[0]))


def _claim_due(now: datetime, horizon: datetime, limit: int) -> list[tuple[int, datetime]]:
    candidates = (
        select(REMINDER.c.id)
        .where(REMINDER.c.status == ReminderStatus.pending, REMINDER.c.due_at <= horizon)
        .order_by(REMINDER.c.due_at)
        .limit(limit)
    )
    return _claim(candidates, now, ReminderStatus.pending)


def _claim_lost(now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """Queued long ago and past due, yet never delivered: its job died with its worker or
    with Redis. Delivering again is safe; `publish` lets only one job through."""
    cutoff = now - LOST_AFTER
    candidates = (
        select(REMINDER.c.id)
        .where(
            REMINDER.c.status == ReminderStatus.queued,
            REMINDER.c.due_at < cutoff,
            REMINDER.c.queued_at < cutoff,
        )
        .order_by(REMINDER.c.due_at)
        .limit(limit)
    )
    return _claim(candidates, now, ReminderStatus.queued)


def handed_out(
    now: datetime, horizon: datetime, limit: int
) -> list[tuple[int, datetime, datetime]]:
    """(id, due at, queued at) of reminders handed to the queue before this second and not yet
    delivered, due by `horizon`: the job layer asks Redis whether their jobs are still there."""
    query = (
        select(REMINDER.c.id, REMINDER.c.due_at, REMINDER.c.queued_at)
        .where(
            REMINDER.c.status == ReminderStatus.queued,
            REMINDER.c.queued_at < now,
            REMINDER.c.due_at <= horizon,
        )
        .order_by(REMINDER.c.due_at, REMINDER.c.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]


def claim_again(seen: list[tuple[int, datetime]], now: datetime) -> list[int]:
    """Hand out again reminders whose job is gone, each only if it is still the hand-out this
    sweep saw (queued at that moment): of two sweeps at once, one does it."""
    again = []
    for reminder_id, queued_at in seen:
        result = db.session.execute(
            update(REMINDER)
            .where(
                REMINDER.c.id == reminder_id,
                REMINDER.c.status == ReminderStatus.queued,
                REMINDER.c.queued_at == queued_at,
            )
            .values(queued_at=now)
        )
        if result.rowcount == 1:
            again.append(reminder_id)
    return again


def _give_up_interrupted(now: datetime) -> None:
    """An e-mail or text "sending" for too long: the worker stopped mid-send. It may have
    arrived, so it is marked outcome-unknown and never sent again."""
    db.session.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.status == DeliveryStatus.sending,
            DELIVERY.c.last_attempt_at < now - LOST_AFTER,
        )
        .values(status=DeliveryStatus.unknown, last_error="interrupted")
    )


def _outbound_to_retry(now: datetime, limit: int) -> list[int]:
    """E-mails and texts whose job was lost, or that failed and wait to be tried again; and
    a hand-off's, never tried yet: it reached the inboxes in its record's own transaction,
    and no delivery job follows it (services/handoffs.py), so this sweep sends them."""
    cutoff = now - RETRY_AFTER
    of_a_handoff = exists().where(
        REMINDER.c.id == DELIVERY.c.reminder_id, REMINDER.c.rule.in_(HANDOFF_KINDS)
    )
    query = (
        select(DELIVERY.c.reminder_id)
        .where(
            DELIVERY.c.status == DeliveryStatus.pending,
            DELIVERY.c.channel != DeliveryChannel.inbox,
            or_(
                DELIVERY.c.last_attempt_at < cutoff,
                and_(
                    DELIVERY.c.last_attempt_at.is_(None),
                    or_(DELIVERY.c.created_at < cutoff, of_a_handoff),
                ),
            ),
        )
        .distinct()
        .limit(limit)
    )
    return list(db.session.scalars(query))
