"""Corrective actions (纠正措施) on a complaint: added with an owner, department and due date,
marked done, and verified by the service centre [003 二4(5)2]. A complaint does not close while
any of its actions is unverified (complaints.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ActionStatus, CorrectiveAction, Department, Role, Staff, Ticket
from admin_app.services import handoffs
from admin_app.services.errors import ServiceError
from admin_app.services.workflow import StateMachine, step
from admin_app.tickets import departments
from admin_app.tickets.operations import TICKET

A = ActionStatus

CORRECTIVE_ACTION = StateMachine(
    "corrective_action",
    [
        step("mark_done", _l("Mark done"), {A.open}, A.done),
        step("verify", _l("Verify (service centre)"), {A.done}, A.verified),
    ],
)


def unverified(ticket: Ticket) -> list[CorrectiveAction]:
    return [a for a in ticket.actions if a.status is not A.verified]


def add(
    ticket: Ticket,
    actor,
    *,
    what: str,
    due_at: datetime,
    owner: Staff | None = None,
    department: Department | None = None,
) -> CorrectiveAction:
    """A corrective action on a complaint; its department's head hears of it."""
    what = (what or "").strip()
    if not what:
        raise ServiceError(_l("Say what is to be done."))
    now = clock.now()
    if due_at is None or due_at <= now:
        raise ServiceError(_l("The due date must be in the future."))
    if due_at > now + timedelta(days=366):
        raise ServiceError(_l("Set a due date within a year."))
    if owner is None and department is None:
        raise ServiceError(_l("Name who owns the action, or the department it goes to."))
    if owner is not None and not (
        owner.is_active and (owner.all_estates or ticket.estate_id in owner.estate_ids)
    ):
        raise ServiceError(_l("%(name)s does not work in this estate."), name=owner.name)
    departments.in_estate(ticket.estate_id, department)
    with TICKET.transition(ticket, "add_action", actor):
        count = db.session.scalar(
            select(func.count()).where(CorrectiveAction.ticket_id == ticket.id)
        )
        action = CorrectiveAction(
            estate_id=ticket.estate_id,
            ticket=ticket,
            number=f"{ticket.number}-A{count + 1}",
            what=what,
            due_at=due_at,
            owner_id=owner.id if owner else None,
            department_id=department.id if department else None,
        )
        db.session.add(action)
    db.session.flush()
    handoffs.to_department(action, department)
    return action


def mark_done(action: CorrectiveAction, actor, *, note: str) -> None:
    """Done, as the owner or department reports it: by whom, when, and what was done."""
    if not (note or "").strip():
        raise ServiceError(_l("Write down what was done."))
    with CORRECTIVE_ACTION.transition(action, "mark_done", actor):
        action.done_at = clock.now()
        action.done_by_id = actor.id
        action.done_note = note.strip()


def verify(action: CorrectiveAction, actor, *, how: str) -> None:
    """The service centre has checked the action on the spot or with the resident."""
    if not (how or "").strip():
        raise ServiceError(_l("Write down how it was checked."))
    if actor.role not in (Role.receptionist, Role.supervisor, Role.director, Role.admin):
        raise ServiceError(_l("The service centre verifies corrective actions."))
    with CORRECTIVE_ACTION.transition(action, "verify", actor):
        action.verified_at = clock.now()
        action.verified_by_id = actor.id
        action.verification = how.strip()
