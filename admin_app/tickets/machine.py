"""The ticket's state machine: which step may move a call from which state to which, shared by
the verbs of tickets/operations.py, complaints.py and following.py (a call following its work
order as it ends, which the work orders' verbs call)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Channel, TicketCategory, TicketStatus, WorkOrder
from admin_app.models.work_order import WORK_ORDER_ENDED
from admin_app.services.workflow import StateMachine, step

T = TicketStatus
C = TicketCategory
WORKING = {T.open, T.in_progress, T.escalated}
# A call may be marked as logged after the event within this long of it (000 §4.6).
AFTER_THE_FACT_WINDOW = timedelta(days=7)


def category(*categories):
    """The step applies only to tickets of these categories."""
    return lambda ticket: ticket.category in categories


NOT_COMPLAINT = category(C.inquiry, C.help, C.repair, C.suggestion)
COMPLAINT = category(C.complaint)


def open_work_orders(ticket, but: WorkOrder | None = None) -> list[WorkOrder]:
    """The call's work orders that have not ended yet, oldest first (read from the database:
    an order made in this transaction by its ticket id is not in the loaded collection), but
    the one given (an order being saved)."""
    if ticket.id is None:
        return []
    query = db.session.query(WorkOrder).filter(
        WorkOrder.ticket_id == ticket.id, WorkOrder.status.not_in(WORK_ORDER_ENDED)
    )
    if but is not None and but.id is not None:
        query = query.filter(WorkOrder.id != but.id)
    return query.order_by(WorkOrder.id).all()


def second_order_refusal(ticket, order: WorkOrder):
    """Why the order may not name the call: another of its orders is still open (one repair,
    one order at a time — the rule of the call's own step, for an order typed on the work
    orders' form). None when it may."""
    with db.session.no_autoflush:  # the order being saved is not one of the call's yet
        return _order_still_open(ticket, but=order)


def _order_still_open(ticket, but: WorkOrder | None = None):
    open_orders = open_work_orders(ticket, but)
    if not open_orders:
        return None
    order = open_orders[0]
    return _l(
        "%(ticket)s already has work order %(order)s (%(state)s): follow it up there.",
        ticket=str(ticket),
        order=str(order),
        state=str(order.status.label),
    )


def company_awaits_report(ticket) -> bool:
    """Forwarded by the company and not yet reported back to it in writing."""
    return ticket.channel is Channel.company and ticket.company_reported_at is None


def not_yet_recorded_after(ticket) -> bool:
    """Marked once, and only while the call is recent: it says the call was logged after the
    event (within a week of it), which is no news for a call logged months ago."""
    if ticket.after_the_fact:
        return False
    received = ticket.received_at
    return received is None or received >= clock.now() - AFTER_THE_FACT_WINDOW


TICKET = StateMachine(
    "ticket",
    [
        step("start", _l("Start handling"), {T.open}, T.in_progress),
        step("assign", _l("Assign"), WORKING),
        step(
            "answer",
            _l("Answer now and close"),
            {T.open, T.in_progress},
            T.closed,
            category(C.inquiry),
        ),
        step(
            "promise_callback",
            _l("Promise a callback"),
            {T.open, T.in_progress},
            T.in_progress,
            category(C.inquiry),
        ),
        # Any ticket; a complaint then goes on through its procedure (classify takes WORKING),
        # a repair through its work order.
        step("escalate", _l("Escalate to the supervisor"), {T.open, T.in_progress}, T.escalated),
        # One repair, one order at a time: a second one waits until the first has ended.
        step(
            "create_work_order",
            _l("Create a work order"),
            WORKING,
            T.in_progress,
            category(C.repair),
            rule=_order_still_open,
        ),
        # Not a button: the call follows its last work order as that order ends (signed,
        # cancelled, its quote declined), in the same transaction (tickets/following.py).
        # Resolved, not closed: the next-day revisit and telling the resident remain.
        step(
            "follow_work_orders",
            _l("Its work order ended"),
            WORKING,
            T.resolved,
            category(C.repair),
        ),
        # Not a button either: the revisit of its last order is the call back to the resident,
        # who is then told; the call closes with it (tickets/following.py).
        step(
            "close_after_revisit",
            _l("Its work order was revisited"),
            {T.resolved},
            T.closed,
            category(C.repair),
        ),
        step("resolve", _l("Record the result"), WORKING, T.resolved, NOT_COMPLAINT),
        step("close", _l("Close (resident informed)"), {T.resolved}, T.closed, NOT_COMPLAINT),
        step("cancel", _l("Cancel"), WORKING, T.cancelled),
        step("remind", _l("Send a reminder now"), WORKING | {T.resolved}),
        # Handled first, recorded after (000 §4.6): any ticket not cancelled; the state stays.
        step(
            "record_after_the_fact",
            # A verb: the button is often the only one on a closed inquiry, and the field's
            # name ("Recorded after handling") there read as the call's state.
            _l("Mark as handled before it was recorded"),
            WORKING | {T.resolved, T.closed},
            None,
            not_yet_recorded_after,
        ),
        # Forwarded by the company (001 四(二)1③): once handled, the result goes back to it in
        # writing; the state stays.
        step(
            "report_to_company",
            _l("Report the result to the company"),
            {T.resolved, T.closed},
            None,
            company_awaits_report,
        ),
        # The complaint procedure (tickets/complaints.py).
        step("classify", _l("Classify the complaint"), WORKING, T.in_progress, COMPLAINT),
        step("record_handling", _l("Record the handling"), {T.in_progress}, None, COMPLAINT),
        step("report_back", _l("Report back"), {T.in_progress}, T.resolved, COMPLAINT),
        # The revisit ends a round: satisfied closes the complaint, unsatisfied reopens it
        # for a new round one level up; after a reopening the director may close it anyway.
        step("revisit_complaint", _l("Revisit the complainant"), {T.resolved}, T.closed, COMPLAINT),
        step(
            "reopen_complaint",
            _l("Reopen for further handling"),
            {T.resolved},
            T.in_progress,
            COMPLAINT,
        ),
        step(
            "close_complaint",
            _l("Close, the resident still unsatisfied"),
            WORKING | {T.resolved},
            T.closed,
            lambda t: t.category is C.complaint and (t.complaint_round or 1) > 1,
        ),
        step("add_action", _l("Add a corrective action"), WORKING | {T.resolved}, None, COMPLAINT),
    ],
)
