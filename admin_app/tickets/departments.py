"""Departments (部门) of an estate: the usual four, checking a department's people, and its
queue of complaints and corrective actions handed to it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from admin_app.extensions import db
from admin_app.models import (
    CorrectiveAction,
    Department,
    Estate,
    Ticket,
    TicketCategory,
    TicketStatus,
)
from admin_app.services import worklists
from admin_app.services.errors import ServiceError
from admin_app.services.first_rows import Counted, first_rows

# The offices' own names for them [001 四(二)4②]: records, stored as the offices write them.
USUAL = ("工程部", "保洁部", "安保部", "客服部")
OPEN_TICKET = (TicketStatus.open, TicketStatus.in_progress, TicketStatus.escalated)


def add_usual(estate: Estate) -> list[Department]:
    """The estate's usual departments, those it lacks added (no head yet: set on the page)."""
    have = set(db.session.scalars(select(Department.name).where(Department.estate_id == estate.id)))
    added = [Department(estate_id=estate.id, name=name) for name in USUAL if name not in have]
    db.session.add_all(added)
    db.session.flush()
    return added


def check_people(department: Department) -> None:
    """The head and members work in the department's estate (and the head is a member)."""
    estate_id = department.estate_id or getattr(department.estate, "id", None)
    people = [*department.members, *([department.head] if department.head else [])]
    for person in people:
        if not (person.all_estates or estate_id in person.estate_ids):
            raise ServiceError(_l("%(name)s does not work in this estate."), name=person.name)
    if department.head is not None and department.head not in department.members:
        department.members.append(department.head)


def in_estate(estate_id: int, department: Department | None) -> Department | None:
    """A department picked for a record of this estate: another estate's is refused."""
    if department is not None and department.estate_id != estate_id:
        raise ServiceError(_l("The department belongs to another estate."))
    return department


QUEUE_SHOWN = 20  # rows per table of a department's page; each says how many more there are


@dataclass
class Queue:
    complaints: Counted
    open_actions: Counted
    overdue_actions: Counted


def queue(department: Department, shown: int = QUEUE_SHOWN) -> Queue:
    """What the department has on its plate: open complaints handed to it, and its actions
    not yet verified, the overdue ones apart (oldest deadline first). The first `shown` of
    each with how many in all: three queries, however long a neglected queue grows."""
    complaints = (
        db.session.query(Ticket)
        .options(lazyload("*"))
        .filter(
            Ticket.department_id == department.id,
            Ticket.category == TicketCategory.complaint,
            Ticket.status.in_((*OPEN_TICKET, TicketStatus.resolved)),
        )
        .order_by(Ticket.complaint_due_at, Ticket.id)
    )
    # The work lists the "and N more" links open: the rows counted are the rows listed there.
    actions = (
        db.session.query(CorrectiveAction)
        .options(lazyload("*"), joinedload(CorrectiveAction.owner).lazyload("*"))
        .filter(CorrectiveAction.department_id == department.id)
        .order_by(CorrectiveAction.due_at, CorrectiveAction.id)
    )
    return Queue(
        first_rows(complaints, shown),
        first_rows(actions.filter(worklists.clause_for("waiting_actions")), shown),
        first_rows(actions.filter(worklists.clause_for("overdue_actions")), shown),
    )
