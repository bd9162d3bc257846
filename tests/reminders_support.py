"""Shared helpers for the reminder tests: an office with one person per role in each of two
estates, the office clock, and looking at inboxes."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from admin_app.extensions import db
from admin_app.jobs.reminders import sweep_once
from admin_app.models import Notification, Reminder, ReminderStatus, Role
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS

OFFICE = ZoneInfo("Asia/Shanghai")


def office_time(*args) -> datetime:
    """An office-local wall-clock time as time-machine needs it (aware)."""
    return datetime(*args, tzinfo=OFFICE)


def staff_office(factories) -> SimpleNamespace:
    """Estate A and estate B, each with a receptionist, supervisor, director, technician and
    guard (the B people must never hear about A's deadlines)."""
    world = factories.two_estates()
    people = {}
    for suffix, estate in (("", world.a), ("_b", world.b)):
        for role in (Role.receptionist, Role.supervisor, Role.director, Role.technician):
            people[f"{role.value}{suffix}"] = factories.staff(role, estates=[estate])
        people[f"guard{suffix}"] = factories.staff(Role.guard, estates=[estate])
    return SimpleNamespace(world=world, **people)


def sweep_here(app) -> int:
    """One embedded-mode sweep cycle (deliveries run in place)."""
    with app.app_context():
        return sweep_once(inline=True)


def inbox(in_app, staff, *, handoffs: bool = True) -> list[tuple[str, int, str, int]]:
    """(rule, level, record type, record id) of every notification the person received
    (`handoffs=False`: only the deadlines', without "new complaint", "assigned to you" …)."""
    with in_app():
        query = (
            select(Reminder.rule, Reminder.level, Reminder.entity_type, Reminder.entity_id)
            .join(Notification, Notification.reminder_id == Reminder.id)
            .where(Notification.staff_id == staff.id)
            .order_by(Notification.id)
        )
        if not handoffs:
            query = query.where(Reminder.rule.not_in(HANDOFF_KINDS))
        rows = db.session.execute(query).all()
    return [tuple(row) for row in rows]


def all_notifications(in_app, *, handoffs: bool = True) -> int:
    with in_app():
        query = db.session.query(Notification)
        if not handoffs:
            query = query.join(Reminder).filter(Reminder.rule.not_in(HANDOFF_KINDS))
        return query.count()


def reminders_of(in_app, entity_type: str, entity_id: int) -> list[Reminder]:
    with in_app():
        rows = db.session.scalars(
            select(Reminder)
            .where(Reminder.entity_type == entity_type, Reminder.entity_id == entity_id)
            .order_by(Reminder.level, Reminder.id)
        ).all()
        db.session.expunge_all()
    return list(rows)


def waiting(in_app, entity_type: str, entity_id: int) -> list[Reminder]:
    return [
        r
        for r in reminders_of(in_app, entity_type, entity_id)
        if r.status in (ReminderStatus.pending, ReminderStatus.queued)
    ]
