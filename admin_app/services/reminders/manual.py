"""A reminder sent now by a supervisor ("send a reminder now"), through the same outbox,
sweep and channels as the deadline reminders. It belongs to no deadline rule, so re-planning a
record never cancels it."""

from __future__ import annotations

import uuid

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Reminder, Role

MANUAL = "manual"


def remind_now(record, actor, *, recipient_id: int | None, role: Role) -> Reminder:
    now = clock.now()
    reminder = Reminder(
        estate_id=record.estate_id,
        rule=MANUAL,
        entity_type=record.__tablename__,
        entity_id=record.id,
        level=0,
        recipient_id=recipient_id,
        recipient_role=None if recipient_id else role.value,
        deadline_at=now,
        due_at=now,
        dedupe_key=f"{MANUAL}:{record.__tablename__}:{record.id}:{actor.id}:{uuid.uuid4().hex}",
    )
    db.session.add(reminder)
    db.session.flush()
    return reminder
