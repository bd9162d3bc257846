"""Shared helpers for the payment tests: an office in two estates, and work orders closed with
their fee through the real verbs."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from admin_app.extensions import db
from admin_app.models import Payment, Role, Staff, Trade, WorkOrder, WorkOrderKind, WorkOrderStatus
from admin_app.work_orders import operations as work_orders

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the signature pad sends, as far as storage checks


def office(factories) -> SimpleNamespace:
    """Estate A with a technician, a second technician, the desk and a supervisor; estate B
    with its own technician and desk."""
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="张师傅")
    w.tech2 = factories.staff(
        Role.technician, estates=[w.a], trades=[Trade.electrical], name="李师傅"
    )
    w.reception = factories.staff(Role.receptionist, estates=[w.a], name="前台小王")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], name="主管老陈")
    w.tech_b = factories.staff(
        Role.technician, estates=[w.b], trades=[Trade.plumbing], name="赵师傅"
    )
    w.reception_b = factories.staff(Role.receptionist, estates=[w.b])
    return w


def done_order(factories, estate, technician, **fields) -> WorkOrder:
    """A work order whose work is done, awaiting the resident's signature."""
    fields.setdefault("kind", WorkOrderKind.home_repair_paid)
    return factories.work_order(
        estate, status=WorkOrderStatus.done, technician_id=technician.id, **fields
    )


def close(order_id, actor_id, fee, method=None, at_office=False) -> Payment | None:
    """Close through the verb (inside an app context); the caller commits."""
    order = db.session.get(WorkOrder, order_id)
    actor = db.session.get(Staff, actor_id)
    work_orders.close_with_signature(
        order,
        actor,
        signer_name="王女士",
        signature_png=PNG,
        fee=None if fee is None else Decimal(fee),
        method=method,
        pay_at_office=at_office,
    )
    return order.payment


def collect(factories, in_app, estate, technician, fee, method="cash", **fields) -> int:
    """A work order closed and paid on the spot; returns the payment's id."""
    order = done_order(factories, estate, technician, **fields)
    with in_app():
        payment = close(order.id, technician.id, fee, method=method)
        db.session.commit()
        return payment.id
