"""Each staff member's in-panel inbox: what is unread, and marking it read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Notification, Reminder
from admin_app.services.errors import NotFound

UNREAD_CAP = 99  # the navigation bar shows "99+" beyond this


def unread_count_of(staff_id: int, cap: int = UNREAD_CAP):
    """The count as a scalar subquery (the user's load reads it with the staff member, in
    the same statement: admin_app/__init__.py). Counts at most cap + 1 rows, so a neglected
    inbox costs no more than a tidy one."""
    unread = (
        select(Notification.id)
        .where(Notification.staff_id == staff_id, Notification.read_at.is_(None))
        .limit(cap + 1)
        .subquery()
    )
    return select(func.count()).select_from(unread).scalar_subquery()


def unread_count(staff_id: int, cap: int = UNREAD_CAP) -> int:
    return db.session.execute(select(unread_count_of(staff_id, cap))).scalar_one()


def page(staff_id: int, number: int, size: int) -> tuple[list[Notification], bool]:
    """One page of the inbox, newest first; and whether an older page follows."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.staff_id == staff_id)
        .options(selectinload(Notification.reminder))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(max(number, 0) * size)
        .limit(size + 1)
    ).all()
    return list(rows[:size]), len(rows) > size


def mark_read(staff, notification_id: int) -> Notification:
    """Mark one of the staff member's own notifications read (someone else's does not exist)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.staff_id != staff.id:
        raise NotFound(_l("This notification does not exist."))
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.flush()
    return notification


def read_about(record, staff_id: int) -> None:
    """The staff member took a step on the record: what his inbox said about it (dispatched to
    you, due at …) is dealt with, and no longer counts as unread. Others' entries stay."""
    about = select(Reminder.id).where(
        Reminder.entity_type == type(record).__tablename__, Reminder.entity_id == record.id
    )
    db.session.execute(
        update(Notification)
        .where(
            Notification.staff_id == staff_id,
            Notification.read_at.is_(None),
            Notification.reminder_id.in_(about),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def mark_all_read(staff) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.staff_id == staff.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount
