"""The demo reads as an office's month: a ticket's number is of the month it was received, and
a work order is one job (its kind and trade fit what went wrong; where it is, the spot in the
flat, not the unit again), made from a resident's call that is as far along as the order."""

from __future__ import annotations

from admin_app.extensions import db
from admin_app.models import (
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)

S, T = WorkOrderStatus, TicketStatus


def test_the_demo_records_agree_with_themselves(in_app):
    from seed.demo import seed_demo

    with in_app():
        seed_demo()
        db.session.commit()
        for number, received in db.session.query(Ticket.number, Ticket.received_at):
            assert number.split("-")[1][1:] == f"{received:%y%m}", (number, received)
        orders = db.session.query(WorkOrder).all()
        for order in orders:
            cleaning = order.kind is WorkOrderKind.paid_cleaning
            assert cleaning == (order.trade is Trade.cleaning), order.number
            assert order.location != str(order.unit), order.number
        assert any(order.location for order in orders)
        # A flat's repair was a resident's call first; the call is as far along as its order.
        for order in orders:
            if order.kind is WorkOrderKind.public_repair:
                continue
            call = order.ticket
            assert call is not None and call.category is TicketCategory.repair, order.number
            expected = {S.revisited: T.closed, S.closed: T.resolved, S.cancelled: T.resolved}
            assert call.status is expected.get(order.status, call.status), order.number
            if order.status in (S.new, S.dispatched, S.done):
                assert call.status is T.in_progress, order.number
