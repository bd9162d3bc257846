"""A repair call follows its work orders: as the last one still open ends (signed, cancelled, its
quote declined), the call is resolved in the same transaction, its result saying how each order
ended; as the last one is revisited (the call back to the resident), it closes. The work orders'
verbs call it (work_orders/operations.py), never a screen."""

from __future__ import annotations

from flask_babel import gettext

from admin_app import clock
from admin_app.extensions import db
from admin_app.i18n import office_language
from admin_app.models import Ticket, WorkOrder, WorkOrderStatus
from admin_app.models.work_order import WORK_ORDER_ENDED
from admin_app.tickets.machine import TICKET, open_work_orders

S = WorkOrderStatus
# Ended with nothing left for the call: all but a signed order, whose revisit is still to come.
NOTHING_LEFT = WORK_ORDER_ENDED - {S.closed}


def follow_work_order(order: WorkOrder, actor) -> Ticket | None:
    """After `order` ended: resolve the repair call it was made from, when nothing of the call
    is left open. Resolved, not closed: the next-day revisit, which tells the resident, remains
    (`close_after_revisit`). Returns the call it moved."""
    ticket = order.ticket
    # A call already handled by hand, not a repair (a complaint goes its own way), or out of
    # the actor's reach: it stays for the desk, and the order's own step is never refused.
    if ticket is None or TICKET.refusal(ticket, "follow_work_orders", actor) is not None:
        return None
    if open_work_orders(ticket):
        return None
    orders = (
        db.session.query(WorkOrder)
        .filter(WorkOrder.ticket_id == ticket.id)
        .order_by(WorkOrder.id)
        .all()
    )
    with TICKET.transition(ticket, "follow_work_orders", actor), office_language():
        lines = [line for line in (ticket.result, *map(how_it_ended, orders)) if line]
        ticket.result = "\n".join(lines)
        ticket.resolved_at = clock.now()
    return ticket


def close_after_revisit(order: WorkOrder, actor, followup: Ticket | None = None) -> Ticket | None:
    """After `order`'s revisit: the call back to the resident was the telling, so the repair
    call it was made from closes — once none of its orders is open or still waits for its own
    revisit. Unsatisfied, the result names the follow-up complaint that carries on. Returns
    the call it closed."""
    ticket = order.ticket
    if ticket is None or TICKET.refusal(ticket, "close_after_revisit", actor) is not None:
        return None  # handled by hand already, or out of reach: the desk's as before
    waiting = (
        db.session.query(WorkOrder.id)
        .filter(
            WorkOrder.ticket_id == ticket.id,
            WorkOrder.id != order.id,
            WorkOrder.status.not_in(NOTHING_LEFT),
        )
        .first()
    )
    if waiting is not None:
        return None
    with TICKET.transition(ticket, "close_after_revisit", actor), office_language():
        line = gettext(
            "Revisit of work order %(number)s: %(judgement)s.",
            number=order.number,
            judgement=order.satisfaction.label,
        )
        if followup is not None:
            line += " " + gettext("Follow-up complaint %(number)s opened.", number=followup.number)
        ticket.result = "\n".join(part for part in (ticket.result, line) if part)
        now = clock.now()
        ticket.resident_informed_at = now
        ticket.closed_at = now
    return ticket


def how_it_ended(order: WorkOrder) -> str | None:
    """One line of the call's result (written in the office's language: `office_language`)."""
    if order.status in (S.closed, S.revisited):
        return gettext(
            "Work order %(number)s done and signed for by %(name)s.",
            number=order.number,
            name=order.signer_name or "—",
        )
    if order.status is S.cancelled:
        return gettext(
            "Work order %(number)s cancelled: %(reason)s",
            number=order.number,
            reason=order.cancelled_reason or "—",
        )
    if order.status is S.declined:
        return gettext(
            "Work order %(number)s: the resident declined the quote.", number=order.number
        )
    return None
