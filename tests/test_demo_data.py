"""The demo reads as an office's month: a ticket's number is of the month it was received, and
a work order is one job (its kind and trade fit what went wrong; where it is, the spot in the
flat, not the unit again)."""

from __future__ import annotations

from admin_app.extensions import db
from admin_app.models import Ticket, Trade, WorkOrder, WorkOrderKind


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
