"""Hand-offs: whoever a record passes to hears of it at once — an inbox entry per person, written
in the record's own transaction; e-mail and SMS (where configured) sent by the next sweep.

  a new complaint, however it is saved      → the estate's supervisors (the session listener);
    an unsatisfied revisit's follow-up is announced as such
  a ticket escalated                        → the estate's supervisors
  a complaint classified serious            → the estate's directors (and company-wide ones)
  a ticket assigned, a work order dispatched → that person
  a home visit booked                       → the staff member who goes
  a message taken for someone who is out     → that person (and by text)
  a complaint reopened after an unsatisfied revisit → the new round's owner
  a complaint or corrective action handed to a department → the department's head
  a work order handed back or passed on by its technician → the estate's supervisors
  a resident's chase of a work order logged   → its technician (and by text)
  a ticket a technician or guard reported from his phone → the estate's front desk
  a repair a resident reported online, not dispatched at once → the estate's front desk
  a suggestion a resident left online                       → the estate's front desk
  a pass or renovation application registered → whoever decides it in the estate
  a pass or renovation application decided   → the staff member who registered it

A supervisor's batch tells each person once of what it handed him (a kind with `many`): "40
work orders are dispatched to you", linking to his list, as the batch ends (`gathered`,
`announce_gathered`); one record handed him is told as itself, an emergency at once.

Each hand-off is one Reminder (kinds in reminders/handoff_kinds.py) whose dedupe key names the
event it announces, never a random token: the notification run twice, a double submit, a batch
chunk run again or a delivery job retried finds the key taken and writes nothing more, and the
inbox holds one entry per reminder and person.
"""

from __future__ import annotations

import contextlib
import contextvars
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from admin_app import clock
from admin_app.extensions import db, listen_once
from admin_app.models import (
    AuditRecord,
    Reminder,
    Role,
    Ticket,
    TicketCategory,
    TicketStatus,
    WorkOrder,
)
from admin_app.services.reminders import delivery
from admin_app.services.reminders.handoff_kinds import (
    ASSIGNED,
    CHASED,
    DECIDED,
    DEPARTMENT,
    DISPATCHED,
    ESCALATED,
    FIELD_REPORT,
    FOLLOWUP,
    HANDED_BACK,
    HANDOFF_KINDS,
    HOME_VISIT_BOOKED,
    MESSAGE_DONE,
    MESSAGE_TAKEN,
    NEW_COMPLAINT,
    ONLINE_REPAIR,
    ONLINE_SUGGESTION,
    PASSED_ON,
    PREFIX,
    REOPENED,
    SERIOUS,
    TO_APPROVE,
    HandoffKind,
)
from admin_app.services.reminders.store import insert_ignoring_duplicates

REMINDER = Reminder.__table__
BATCH = "action_batch"  # a batch's hand-offs told at once name the batch (BatchRun)
GATHER = "gather"  # marks a deferred row told once per batch (taken off before it is written)
WORKING = frozenset({TicketStatus.open, TicketStatus.in_progress, TicketStatus.escalated})
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "handoffs_deferred", default=None
)
_gathering: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "handoffs_gathering", default=None
)


def tell(
    record,
    kind: HandoffKind,
    event_name: str,
    *,
    role: Role | None = None,
    person_id: int | None = None,
    deadline_at: datetime | None = None,
    alone: bool = False,
) -> bool:
    """Announce one event about a saved record to a person or to a role in its estate. True
    when this call delivered it; False when it was told before (or nobody is there to tell).
    Inside `deferred()`, True: it is announced with the others as the block ends — or, inside
    `gathered()` and for a kind told once per batch, as the batch ends (`alone`: not that one,
    e.g. an emergency, whose technician must hear of it by itself and at once)."""
    row = _row(
        record.estate_id,
        kind,
        record.__tablename__,
        record.id,
        f"{PREFIX}:{record.__tablename__}:{record.id}:{event_name}",
        person_id=person_id,
        role=role,
        deadline_at=deadline_at,
    )
    told = _deferred.get()
    if told is not None:
        if kind.many is not None and person_id is not None and not alone:
            row[GATHER] = True
        told.append(row)
        return True
    return bool(_announce([row]))


def _row(estate_id, kind, entity_type, entity_id, key, *, person_id, role, deadline_at, items=None):
    now = clock.now()
    return {
        "estate_id": estate_id,
        "rule": kind.name,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "level": 0,
        "recipient_id": person_id,
        "recipient_role": role.value if role is not None and person_id is None else None,
        "deadline_at": deadline_at or now,
        "due_at": now,
        "queued_at": now,
        # Written claimed and delivered in this transaction: no sweep or job hands it out.
        **delivery.claimed_values(now),
        "created_at": now,
        "dedupe_key": key,
        "items": items,
    }


@contextlib.contextmanager
def deferred():
    """Inside the block (a batch chunk), hand-offs are collected and announced together as it
    ends — the same rows, in a few statements instead of several per record. It yields the list:
    a record whose verb refused takes back what it told (`del told[mark:]`). Nothing is
    announced when the block fails."""
    told: list[dict] = []
    token = _deferred.set(told)
    try:
        yield told
    finally:
        _deferred.reset(token)
    _announce(_gather(told))


@contextlib.contextmanager
def gathered(tally: dict):
    """Inside a batch's chunk: what a kind tells once per batch (HandoffKind.many) is added to
    `tally` (the batch's `to_tell`, committed with the chunk) instead of announced; as the batch
    ends, `announce_gathered` tells each person once — forty orders, one message, not forty."""
    token = _gathering.set(tally)
    try:
        yield tally
    finally:
        _gathering.reset(token)


def _gather(rows: list[dict]) -> list[dict]:
    """The rows to announce now; the others counted in the batch's tally."""
    tally = _gathering.get()
    now = []
    for row in rows:
        if row.pop(GATHER, False) and tally is not None:
            _count(tally, row)
        else:
            now.append(row)
    return now


def _count(tally: dict, row: dict) -> None:
    key = f"{row['rule']}:{row['recipient_id']}:{row['estate_id']}"
    deadline = row["deadline_at"].isoformat()
    entry = tally.get(key)
    if entry is None:
        first = {k: row[k] for k in ("entity_type", "entity_id", "dedupe_key")}
        tally[key] = {"count": 1, "deadline": deadline, "first": first}
    else:
        entry["count"] += 1
        entry["deadline"] = min(entry["deadline"], deadline)


def announce_gathered(batch) -> None:
    """As a batch ends (done, or failed after some chunks): each person hears once of what it
    handed him in each estate — of the record itself when it was one, else of how many, with
    the earliest deadline, linking to his list. Told again (the batch's end run twice), the
    keys are taken and nobody hears twice."""
    rows = []
    for key, entry in (batch.to_tell or {}).items():
        rule, person_id, estate_id = key.rsplit(":", 2)
        kind = HANDOFF_KINDS[rule]
        deadline = datetime.fromisoformat(entry["deadline"])
        if entry["count"] == 1:
            first = entry["first"]
            record = (first["entity_type"], first["entity_id"], first["dedupe_key"])
        else:
            event = f"{PREFIX}:{BATCH}:{batch.id}:{rule}:{person_id}:{estate_id}"
            record = (BATCH, batch.id, event)
        rows.append(
            _row(
                int(estate_id),
                kind,
                *record,
                person_id=int(person_id),
                role=None,
                deadline_at=deadline,
                items=entry["count"] if entry["count"] > 1 else None,
            )
        )
    _announce(rows)


def _announce(rows: list[dict]) -> set[int]:
    """Write the hand-offs' reminders, already claimed, and deliver those that are new: one
    told before (its key taken) is written and delivered once, whoever tells it again."""
    if not rows:
        return set()
    conn = db.session.connection()
    written = insert_ignoring_duplicates(
        conn, REMINDER, rows, ["dedupe_key"], returning=("id", "dedupe_key")
    )
    ids = {key: reminder_id for reminder_id, key in written}
    claimed = []
    for row in rows:
        reminder_id = ids.pop(row["dedupe_key"], None)  # a key told twice here: its first row
        if reminder_id is not None:
            claimed.append(row | {"id": reminder_id})
    return delivery.deliver_claimed(claimed, clock.now())


def escalated(ticket: Ticket) -> None:
    tell(ticket, ESCALATED, f"escalated:{_version(ticket)}", role=Role.supervisor)


def serious(ticket: Ticket) -> None:
    """Once per complaint: classifying it again (still serious) tells nobody anew."""
    tell(ticket, SERIOUS, "serious", role=Role.director)


def assigned(ticket: Ticket, actor, was: int | None) -> None:
    """The new assignee hears of it, unless nothing changed or they took it themselves."""
    if ticket.assignee_id in (None, was, actor.id):
        return
    tell(
        ticket,
        ASSIGNED,
        f"assigned:{ticket.assignee_id}:{_version(ticket)}",
        person_id=ticket.assignee_id,
    )


def dispatched(order: WorkOrder, was: tuple) -> None:
    """The technician hears of a new order or a changed appointment (`was`: the technician
    and appointment before); the same dispatch submitted again tells nobody anew."""
    if order.technician_id is None or (order.technician_id, order.appointment_at) == was:
        return
    appointment = f"{order.appointment_at:%Y%m%d%H%M}" if order.appointment_at else "now"
    tell(
        order,
        DISPATCHED,
        f"dispatched:{order.technician_id}:{order.dispatched_at:%Y%m%d%H%M%S}:{appointment}",
        person_id=order.technician_id,
        deadline_at=order.arrive_by or order.appointment_at,
        alone=order.is_emergency,  # told at once and by itself, even in a batch
    )


def visit_booked(booking, actor) -> None:
    """The staff member sent to a home visit hears of it, unless he booked it for himself
    (the reminder before the visit reaches him either way: reminders/rules.py)."""
    if booking.visitor_id in (None, actor.id):
        return
    tell(
        booking,
        HOME_VISIT_BOOKED,
        f"home_visit:{booking.visitor_id}:{booking.appointment_at:%Y%m%d%H%M}",
        person_id=booking.visitor_id,
        deadline_at=booking.appointment_at,
    )


def message_taken(message) -> None:
    """The staff member a caller asked for hears of the message taken for him."""
    tell(message, MESSAGE_TAKEN, "taken", person_id=message.for_staff_id)


def message_done(message, actor) -> None:
    """Whoever took a message hears that it was dealt with (not when she closed it herself):
    if the caller rings again, the desk can say so without asking around."""
    if message.taken_by_id is None or message.taken_by_id == actor.id:
        return
    tell(message, MESSAGE_DONE, "done", person_id=message.taken_by_id)


def handed_back(order: WorkOrder) -> None:
    """The estate's supervisors hear that a technician handed an order back."""
    tell(order, HANDED_BACK, f"handed_back:{_version(order)}", role=Role.supervisor)


def passed_on(order: WorkOrder) -> None:
    """The estate's supervisors hear that a technician passed an order to a colleague."""
    tell(order, PASSED_ON, f"passed_on:{_version(order)}", role=Role.supervisor)


def chased(order: WorkOrder, chase) -> None:
    """The order's technician hears that its resident chased it (each chase once); an order
    nobody has yet is the desk's own to dispatch."""
    if order.technician_id is not None:
        tell(order, CHASED, f"chased:{chase.id}", person_id=order.technician_id)


def field_report(ticket: Ticket) -> None:
    """The estate's front desk hears of a ticket a technician or guard logged on his phone."""
    tell(ticket, FIELD_REPORT, "field_report", role=Role.receptionist)


def repair_reported_online(record) -> None:
    """The estate's front desk hears of a repair a resident reported on his own pages that
    waits for it: its work order to dispatch, or the ticket to make one of."""
    tell(record, ONLINE_REPAIR, "reported_online", role=Role.receptionist)


def suggested_online(ticket: Ticket) -> None:
    """The estate's front desk hears of a suggestion a resident left on his own pages: nobody
    else would see it until someone opened the list."""
    tell(ticket, ONLINE_SUGGESTION, "suggested_online", role=Role.receptionist)


def reopened(ticket: Ticket) -> None:
    """The owner of a complaint's new round (or the role one level up, when nobody is)."""
    tell(
        ticket,
        REOPENED,
        f"reopened:{ticket.complaint_round}",
        role=Role.director,
        person_id=ticket.owner_id,
        deadline_at=ticket.complaint_due_at,
    )


def to_department(record, department) -> None:
    """A complaint or corrective action handed to a department reaches its head, once per
    department it is handed to."""
    if department is None or department.head_id is None:
        return
    tell(record, DEPARTMENT, f"department:{department.id}", person_id=department.head_id)


def applied(record, role: Role) -> None:
    """An application (pass, renovation) waits for a decision: the role that decides it in
    the record's estate hears of it (the caller knows which: a release slip's is a setting).
    A corrected application resubmitted is announced anew."""
    tell(record, TO_APPROVE, f"applied:{_version(record)}", role=role)


def decided(record, actor, verdict: str) -> None:
    """The staff member who registered an application hears it was approved or refused —
    unless he decided it himself, or a resident applied online (no staff member registered)."""
    registrant = registered_by(record)
    if registrant is None or registrant == getattr(actor, "id", None):
        return
    tell(record, DECIDED, f"decided:{verdict}:{_version(record)}", person_id=registrant)


def registered_by(record) -> int | None:
    """Who saved the record first: its history's first row names him."""
    return db.session.scalar(
        select(AuditRecord.actor_id)
        .where(AuditRecord.entity_type == record.__tablename__, AuditRecord.entity_id == record.id)
        .order_by(AuditRecord.at, AuditRecord.id)
        .limit(1)
    )


def _version(record) -> int:
    """How many changes the record's history holds: names one event of a step that can
    happen again (escalated, classified, escalated again). Read after the step's flush."""
    return db.session.scalar(
        select(func.count()).where(
            AuditRecord.entity_type == record.__tablename__, AuditRecord.entity_id == record.id
        )
    )


# ---- a new complaint, whichever path saved it ----------------------------------------------
def _new_complaints(session: Session) -> list[Ticket]:
    found = [t for t in session.new if isinstance(t, Ticket) and _working_complaint(t)]
    found += [t for t in session.dirty if became_complaint(t)]
    return found


def became_complaint(obj) -> bool:
    """A changed ticket that became a working complaint: the flush tells the supervisors (a
    batch chunk's set-based write leaves such a record to the flush)."""
    return (
        isinstance(obj, Ticket)
        and _working_complaint(obj)
        and inspect(obj).attrs.category.history.has_changes()
    )


def _working_complaint(ticket: Ticket) -> bool:
    status = ticket.status or TicketStatus.open  # (a str from a form compares equal too)
    return ticket.category == TicketCategory.complaint and status in WORKING


def _after_flush(session: Session, flush_context) -> None:
    complaints = _new_complaints(session)
    if not complaints or session is not db.session():
        return
    # A follow-up is saved in the same flush as the work order that names it.
    followups = {
        order.followup_ticket_id
        for order in (*session.new, *session.dirty)
        if isinstance(order, WorkOrder)
    }
    for ticket in complaints:
        kind = FOLLOWUP if ticket.id in followups else NEW_COMPLAINT
        tell(ticket, kind, "complaint", role=Role.supervisor)


def install() -> None:
    listen_once(Session, "after_flush", _after_flush)
