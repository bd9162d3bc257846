"""Reminders: every deadline warns before and escalates after, durable in the database.

- rules.py     the one table of rules (which deadline, whom, when, office hours)
- plan.py      a record's values → the reminders it should have (pure)
- outbox.py    the session listener that writes them with the record's own transaction
- sweep.py     claims due reminders for delivery and repairs what lost jobs left behind
- delivery.py  inbox, e-mail and SMS, each exactly once
- channels.py  SMTP and the SMS provider interface
"""

from __future__ import annotations

from sqlalchemy import or_, select

from admin_app.extensions import db
from admin_app.models import Reminder, ReminderStatus
from admin_app.services.reminders import outbox
from admin_app.services.reminders.rules import MODELS, rules_for
from admin_app.services.reminders.store import chunks


def install() -> None:
    outbox.install()


def refresh(entity_type: str, ids) -> None:
    """For bulk paths that change records with core UPDATE statements (the session listener
    does not see those): re-plan these records' reminders in the current transaction."""
    outbox.refresh(db.session.connection(), entity_type, ids)


def rebuild(batch_size: int = 2000) -> int:
    """Re-plan every record with a deadline, and every record with a waiting reminder (after
    a change to the rules or the office hours). Returns how many records were looked at."""
    seen = 0
    for entity_type, model in MODELS.items():
        deadlines = {rule.deadline for rule in rules_for(entity_type)}
        with_deadline = select(model.id).where(
            or_(*(getattr(model, name).is_not(None) for name in deadlines))
        )
        waiting = select(Reminder.entity_id).where(
            Reminder.entity_type == entity_type,
            Reminder.status.in_((ReminderStatus.pending, ReminderStatus.queued)),
        )
        ids = db.session.scalars(with_deadline.union(waiting)).all()
        for batch in chunks(ids, batch_size):
            refresh(entity_type, batch)
            seen += len(batch)
    return seen
