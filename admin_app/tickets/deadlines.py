"""When a ticket's deadlines start, and a complaint's deadline by its classification."""

from __future__ import annotations

from datetime import datetime, timedelta

from admin_app.models import Severity, Ticket, Validity

DEADLINES = {
    "invalid": timedelta(days=1),
    "valid": timedelta(days=3),
    "serious": timedelta(hours=48),
}


def deadline_start(ticket: Ticket) -> datetime:
    """When a ticket's deadlines start: the real time of the event for one recorded after the
    fact (the resident waited from then, 000 §4.6), else its receipt."""
    if ticket.after_the_fact and ticket.occurred_at is not None:
        return ticket.occurred_at
    return ticket.received_at


def deadline_for(start: datetime, severity: Severity, validity: Validity) -> datetime:
    if severity is Severity.serious:
        return start + DEADLINES["serious"]
    if validity is Validity.invalid:
        return start + DEADLINES["invalid"]
    return start + DEADLINES["valid"]
