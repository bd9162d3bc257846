"""States in the resident's words (the panel's labels are the office's)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin_app.models import TicketCategory, TicketStatus, WorkOrderStatus

S = WorkOrderStatus
T = TicketStatus

ORDER_WORDS = {
    S.new: _l("Received: a technician will be assigned"),
    S.dispatched: _l("A technician is assigned"),
    S.arrived: _l("The technician is with you"),
    S.quoted: _l("A quote is waiting for your answer"),
    S.in_progress: _l("Work in progress"),
    S.next_visit: _l("Another visit is booked"),
    S.declined: _l("You declined the quote"),
    S.done: _l("Work done: please check it and sign"),
    S.closed: _l("Finished"),
    S.revisited: _l("Finished"),
    S.cancelled: _l("Cancelled"),
}

TICKET_WORDS = {
    T.open: _l("Received"),
    T.in_progress: _l("Being handled"),
    T.escalated: _l("Passed to the supervisor"),
    T.resolved: _l("Handled: the office will tell you the result"),
    T.closed: _l("Closed"),
    T.cancelled: _l("Cancelled"),
}


def order_words(order) -> str:
    return str(ORDER_WORDS.get(order.status, order.status.label))


# What the resident asked for, not the office's filing ("报修/有偿服务" is the desk's category).
CATEGORY_WORDS = {
    TicketCategory.help: _l("Request for help"),
    TicketCategory.repair: _l("Repair"),
}


def category_words(ticket) -> str:
    return str(CATEGORY_WORDS.get(ticket.category, ticket.category.label))


def ticket_words(ticket) -> str:
    return str(TICKET_WORDS.get(ticket.status, ticket.status.label))
