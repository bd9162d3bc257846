"""Tickets (来电来访登记): each category's path from the first call to the resident informed.

inquiry     answer now (closed at once), or promise a callback time (a deadline) and answer later
help        start, record the result, close once the resident is told
repair      becomes a work order (create_from_ticket, below)
suggestion  handle
complaint   the complaint procedure in tickets/complaints.py
Any ticket may be escalated to the estate's supervisors, who hear of it (services/handoffs.py),
as does whoever a ticket is assigned to. Every path ends in `close`, which needs a recorded
result: no ticket closes without one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.i18n import office_language
from admin_app.models import (
    Channel,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.services import handoffs, history, household
from admin_app.services.errors import ServiceError
from admin_app.services.reminders import manual
from admin_app.tickets.deadlines import deadline_for, deadline_start  # noqa: F401 - re-exported
from admin_app.tickets.machine import AFTER_THE_FACT_WINDOW, TICKET
from admin_app.work_orders import operations as work_orders

T = TicketStatus
C = TicketCategory

# How far back an event handled first may be recorded.


def record_after_the_fact(ticket: Ticket, actor, *, occurred_at: datetime) -> None:
    """Mark a ticket as recorded after handling, with when it really happened; a complaint
    already classified has its deadline moved to run from then."""
    received = ticket.received_at or clock.now()
    if occurred_at is None or occurred_at > received:
        raise ServiceError(_l("The event must have happened before it was recorded."))
    if occurred_at < received - AFTER_THE_FACT_WINDOW:
        raise ServiceError(_l("Record an event within a week of when it happened."))
    with TICKET.transition(ticket, "record_after_the_fact", actor):
        ticket.after_the_fact = True
        ticket.occurred_at = occurred_at
        if ticket.complaint_due_at is not None and ticket.severity and ticket.validity:
            ticket.complaint_due_at = deadline_for(occurred_at, ticket.severity, ticket.validity)


def start(ticket: Ticket, actor) -> None:
    with TICKET.transition(ticket, "start", actor):
        ticket.assignee_id = ticket.assignee_id or actor.id


def assign(ticket: Ticket, actor, *, assignee: Staff) -> None:
    was = ticket.assignee_id
    with TICKET.transition(ticket, "assign", actor):
        if (
            assignee is None
            or not assignee.is_active
            or assignee.role in (Role.technician, Role.guard)
        ):
            raise ServiceError(_l("Tickets go to front-desk staff, supervisors or directors."))
        if not (assignee.all_estates or ticket.estate_id in assignee.estate_ids):
            raise ServiceError(_l("%(name)s does not work in this estate."), name=assignee.name)
        ticket.assignee_id = assignee.id
    handoffs.assigned(ticket, actor, was)


def answer(ticket: Ticket, actor, *, result: str) -> None:
    """An inquiry answered on the spot: the answer is the result, the resident is informed."""
    with TICKET.transition(ticket, "answer", actor):
        _set_result(ticket, result)
        now = clock.now()
        ticket.resident_informed_at = now
        ticket.closed_at = now


def promise_callback(ticket: Ticket, actor, *, callback_due_at: datetime) -> None:
    now = clock.now()
    if callback_due_at is None or callback_due_at <= now:
        raise ServiceError(_l("The promised callback time must be in the future."))
    if callback_due_at > now + timedelta(days=7):
        raise ServiceError(_l("Promise a callback within a week."))
    with TICKET.transition(ticket, "promise_callback", actor):
        ticket.callback_due_at = callback_due_at
        ticket.assignee_id = ticket.assignee_id or actor.id


def escalate(ticket: Ticket, actor, *, note: str = "") -> None:
    """To the estate's supervisors; the desk's note is kept as its own (the page shows it as the
    desk's, the history keeps each one), never added to what the resident asked for."""
    with TICKET.transition(ticket, "escalate", actor):
        if note and note.strip():
            ticket.escalation_note = note.strip()
    handoffs.escalated(ticket)


def resolve(ticket: Ticket, actor, *, result: str) -> None:
    with TICKET.transition(ticket, "resolve", actor):
        _set_result(ticket, result)


def close(ticket: Ticket, actor) -> None:
    """The resident has been told the result; refused while no result is written down."""
    with TICKET.transition(ticket, "close", actor):
        if not (ticket.result or "").strip():
            raise ServiceError(_l("Record the result before closing the ticket."))
        now = clock.now()
        ticket.resident_informed_at = now
        ticket.closed_at = now


COMPANY_REPORT_MAX = 500  # characters of how and to whom the written report went


def report_to_company(ticket: Ticket, actor, *, note: str = "") -> None:
    """The result of a call the company forwarded has been reported back to it in writing
    (its record printed and sent): when, and how or to whom (optional)."""
    note = (note or "").strip()
    if len(note) > COMPANY_REPORT_MAX:
        raise ServiceError(_l("Keep the note to %(most)d characters.", most=COMPANY_REPORT_MAX))
    with TICKET.transition(ticket, "report_to_company", actor):
        ticket.company_reported_at = clock.now()
        ticket.company_report = note or None


def cancel(ticket: Ticket, actor, *, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the ticket is cancelled."))
    with TICKET.transition(ticket, "cancel", actor):
        ticket.result = reason.strip()
        ticket.closed_at = clock.now()


def _set_result(ticket: Ticket, result: str) -> None:
    if not (result or "").strip():
        raise ServiceError(_l("Write down the result."))
    ticket.result = result.strip()
    ticket.resolved_at = clock.now()


def remind(ticket: Ticket, actor) -> None:
    """A supervisor nudges whoever handles the ticket (the front desk when nobody does)."""
    with TICKET.transition(ticket, "remind", actor):
        manual.remind_now(
            ticket,
            actor,
            recipient_id=ticket.assignee_id or ticket.owner_id,
            role=Role.receptionist,
        )


def carry_over_from_resident(ticket: Ticket) -> None:
    """A ticket that names a resident takes the resident's unit, name and phone where the
    caller left them empty: nothing the panel knows is typed twice. Typed values win (a tenant
    calling for the owner, another number to call back on); a unit the resident does not live
    in is refused."""
    resident = ticket.resident
    if resident is None and ticket.resident_id is not None:
        resident = db.session.get(Resident, ticket.resident_id)
    if resident is None:
        return
    if ticket.unit is None and ticket.unit_id is None:
        ticket.unit = resident.unit  # the relationship, not the id: a form set it to None
    household.check_lives_in(resident, ticket.unit or ticket.unit_id)
    household.take_contact(ticket, resident, "reporter_name", "reporter_phone")


def create_from_ticket(ticket: Ticket, actor, **overrides) -> WorkOrder:
    """A repair / paid-service ticket becomes a work order: nothing is typed twice."""
    with TICKET.transition(ticket, "create_work_order", actor):
        carry_over_from_resident(ticket)
        order = WorkOrder(
            estate_id=ticket.estate_id,
            ticket_id=ticket.id,
            unit_id=ticket.unit_id or (ticket.unit.id if ticket.unit else None),
            resident_id=ticket.resident_id,
            contact_name=ticket.reporter_name
            or (ticket.resident.name if ticket.resident else None),
            contact_phone=ticket.reporter_phone
            or (ticket.resident.phone if ticket.resident else None),
            location=ticket.location,
            description=ticket.description,
            status=WorkOrderStatus.new,
        )
        for key, value in overrides.items():
            setattr(order, key, value)
        db.session.add(order)
    # A trade the estate dispatches automatically: to its first-ranked technician at once.
    work_orders.auto_dispatch(order)
    return order


def take_call(
    ticket: Ticket,
    actor,
    *,
    answer_given: str | None = None,
    callback_due_at: datetime | None = None,
    work_order: dict | None = None,
) -> WorkOrder | None:
    """A call logged in one go, after the new ticket is in the session: by its category, the
    answer given on the spot (the ticket closes), the callback promised, or the repair's work
    order (`work_order`: its kind, trade and urgency). Returns the work order, if one was made.
    Any refusal undoes the whole call: the caller's save commits all of it or nothing."""
    carry_over_from_resident(ticket)
    db.session.flush()  # the steps below need the ticket's id and number
    if (answer_given or "").strip():
        answer(ticket, actor, result=answer_given)
    elif callback_due_at is not None:
        promise_callback(ticket, actor, callback_due_at=callback_due_at)
    if work_order is not None:
        order = create_from_ticket(ticket, actor, **work_order)
        db.session.flush()
        return order
    return None


# What a technician or guard may report from the phone: anything but an inquiry.
FIELD_CATEGORIES = (C.repair, C.help, C.complaint, C.suggestion)


def report_from_field(
    actor,
    *,
    estate_id: int | None,
    category: TicketCategory,
    location: str,
    description: str,
    urgent: bool = False,
) -> Ticket:
    """Any employee who hears of a fault or a complaint passes it to the service centre
    (003 二4(1)1)): a technician (channel 员工巡查) or a guard (值班门岗报告) logs it from his
    phone page as a ticket received by him, which then follows the normal path at the desk
    (a repair becomes its work order there; a complaint reaches the supervisors). The
    estate's front desk is told at once."""
    if not may(actor, "ticket.report_from_field"):
        raise ServiceError(_l("Your role may not do this."))
    if estate_id is None or not estate_allowed(actor, estate_id):
        raise ServiceError(_l("Choose one of your estates."))
    if category not in FIELD_CATEGORIES:
        raise ServiceError(_l("Choose what kind of report it is."))
    description = (description or "").strip()
    location = (location or "").strip()
    if not description:
        raise ServiceError(_l("Describe what you found."))
    if not location:
        raise ServiceError(_l("Say where it is."))
    if urgent:
        with office_language():  # the desk reads it, whatever language the reporter uses
            description = gettext("URGENT: %(text)s", text=description)
    ticket = Ticket(
        estate_id=estate_id,
        channel=Channel.guard if actor.role is Role.guard else Channel.patrol,
        category=category,
        status=T.open,
        location=location[:200],
        description=description,
        reporter_name=actor.name,
        reporter_phone=actor.phone,
        received_at=clock.now(),
        received_by_id=actor.id,
    )
    with history.action("report_from_field", actor=actor):
        db.session.add(ticket)
        take_call(ticket, actor)
    handoffs.field_report(ticket)
    return ticket
