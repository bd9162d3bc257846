"""Payments and hand-ins: the fee settled when a work order closes, paying at the desk, the
invoice request and its issue, the hand-in sheet and finance's confirmation.

Every state change is one verb here; the screens (admin pages, the technician's phone page)
only map their forms onto these keywords.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from admin_app import clock
from admin_app.auth.checks import check_may
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import (
    CashHandIn,
    HandInStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    Role,
    Staff,
    WorkOrder,
)
from admin_app.services import calendar, history, numbering
from admin_app.services.errors import ServiceError
from admin_app.services.workflow import ACTION_LABELS, StateMachine, step

P, H = PaymentState, HandInStatus
CENT = Decimal("0.01")
# 统一社会信用代码 (18) or an older tax registration number (15 or 20): letters and digits.
TAX_NUMBER = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20}")

PAYMENT = StateMachine(
    "payment",
    [
        step("pay_at_desk", _l("Record payment at the desk"), {P.unpaid}, P.paid),
        step(
            "request_invoice",
            _l("Record an invoice request"),
            {P.paid, P.unpaid},
            applies=lambda p: p.invoice_issued_at is None,
        ),
        step(
            "issue_invoice",
            _l("Mark the invoice issued"),
            {P.paid},
            applies=lambda p: p.invoice_requested_at is not None and p.invoice_issued_at is None,
        ),
    ],
    field="state",
)

HAND_IN = StateMachine(
    "cash_hand_in", [step("confirm", _l("Confirm receipt"), {H.submitted}, H.confirmed)]
)

# The hand-in is no state-machine step (it makes a sheet): named for the history.
HAND_IN_LABEL = _l("Hand in collections")
ACTION_LABELS[("cash_hand_in", "hand_in")] = ACTION_LABELS[("payment", "hand_in")] = HAND_IN_LABEL
ACTION_LABELS[("payment", "take_move_in_fees")] = _l("Move-in fees paid")


def hand_in_due(collected_at: datetime, estate_id: int | None = None) -> datetime:
    """Money taken today is handed in by the close of the estate's next working day."""
    end = current_app.config["OFFICE_HOURS_END"] if has_app_context() else 20
    day = calendar.add_working_days(estate_id, collected_at.date(), 1)
    return datetime.combine(day, time()) + timedelta(hours=end)


def settle_at_close(
    order: WorkOrder, actor, *, amount: Decimal | None, method, at_office: bool
) -> Payment | None:
    """Called by work_orders.close_with_signature, inside its transition: the fee is paid on
    the spot (with its receipt), left to pay at the office, or there is none."""
    if not amount:
        if at_office or method:
            raise ServiceError(_l("There is no fee to pay: leave the payment empty."))
        order.payment_state = P.no_fee
        return None
    if at_office == bool(method):
        raise ServiceError(_l("Choose how the fee is paid: a method, or at the office."))
    payment = Payment(estate_id=order.estate_id, work_order=order, amount=_money(amount))
    db.session.add(payment)
    if at_office:
        payment.state = order.payment_state = P.unpaid
    else:
        _take(payment, actor, method)
        order.payment_state = P.paid
    return payment


def take_move_in_fees(move_in, actor, *, lines, method) -> list[Payment]:
    """The move-in fees (入住费用) paid at the desk: one paid Payment per line (item, amount)
    linked to the move-in, each with its receipt number. Called by moving.operations inside
    the move-in's step; all lines or none (the caller's transaction)."""
    check_may(actor, "payment.take_move_in_fees", move_in.estate_id)
    cleaned = []
    for item, amount in lines or ():
        item = (item or "").strip()
        if not item and amount is None:
            continue
        if not item:
            raise ServiceError(_l("Name each fee."))
        if amount is None or amount <= 0:
            raise ServiceError(_l("The fee %(item)s needs an amount above 0."), item=item)
        cleaned.append((item[:100], _money(amount)))
    if not cleaned:
        raise ServiceError(_l("Enter at least one fee and its amount."))
    taken = []
    with history.action("take_move_in_fees", actor=actor):
        for item, amount in cleaned:
            payment = Payment(
                estate_id=move_in.estate_id, move_in_id=move_in.id, item=item, amount=amount
            )
            db.session.add(payment)
            _take(payment, actor, method)
            taken.append(payment)
        db.session.flush()
    return taken


def pay_at_desk(payment: Payment, actor, *, method) -> None:
    """The resident comes to the office and pays an owed fee; the desk gives the receipt."""
    with PAYMENT.transition(payment, "pay_at_desk", actor):
        _take(payment, actor, method)
        payment.work_order.payment_state = P.paid


def _take(payment: Payment, actor, method) -> None:
    if not method:
        raise ServiceError(_l("Choose how the fee is paid."))
    now = clock.now()
    payment.method = PaymentMethod(method)
    payment.state = P.paid
    payment.paid_at = now
    payment.collected_by_id = actor.id
    payment.hand_in_due_at = hand_in_due(now, payment.estate_id)
    # In this transaction: a close that fails gives its number back, so none is skipped.
    payment.number = numbering.number_for(db.session, payment.estate_id, "receipt")


def request_invoice(payment: Payment, actor, *, title: str, tax_number: str = "") -> None:
    """The resident asks for an invoice (发票): its title, and the tax number for a company."""
    title = (title or "").strip()
    tax_number = re.sub(r"\s+", "", tax_number or "").upper()
    if not title:
        raise ServiceError(_l("Enter the invoice title (the person or company invoiced)."))
    if tax_number and not TAX_NUMBER.fullmatch(tax_number):
        raise ServiceError(_l("A tax number has 15, 18 or 20 letters and digits."))
    with PAYMENT.transition(payment, "request_invoice", actor):
        payment.invoice_title = title[:100]
        payment.invoice_tax_number = tax_number or None
        payment.invoice_requested_at = clock.now()


def issue_invoice(payment: Payment, actor, *, invoice_number: str = "") -> None:
    with PAYMENT.transition(payment, "issue_invoice", actor):
        payment.invoice_number = (invoice_number or "").strip()[:40] or None
        payment.invoice_issued_at = clock.now()
        payment.invoice_issued_by_id = actor.id


def held_by(collector_id: int, estate_id: int):
    """The collector's payments since his last hand-in (what he holds now), oldest first."""
    return (
        db.session.query(Payment)
        .filter(
            Payment.estate_id == estate_id,
            Payment.collected_by_id == collector_id,
            Payment.state == P.paid,
            Payment.hand_in_id.is_(None),
        )
        .order_by(Payment.paid_at, Payment.id)
    )


def with_orders(query):
    """Payments with the work orders their rows name (a collection's order number): one
    query, not one per payment. Not inside `held_by`: `hand_in` locks its rows."""
    return query.options(joinedload(Payment.work_order).lazyload("*"))


def by_method(payments) -> dict[PaymentMethod, Decimal]:
    """The amounts per method, every method listed (0.00 where none)."""
    totals = {m: Decimal("0.00") for m in PaymentMethod}
    for p in payments:
        totals[p.method] += p.amount
    return totals


def hand_in(
    actor, *, collector: Staff, estate_id: int, payment_ids: list[int] | None = None
) -> CashHandIn:
    """A hand-in sheet for what `collector` holds in one estate: written by the collector
    himself (a technician on his phone) or by the desk for him. `payment_ids`: the payments
    the person saw on the screen — a payment taken since is left for the next sheet."""
    if not may(actor, "cash_hand_in.create"):
        raise ServiceError(_l("Your role may not do this."))
    if actor.role is Role.technician and actor.id != collector.id:
        raise ServiceError(_l("A technician hands in only his own collections."))
    if not estate_allowed(actor, estate_id) or not estate_allowed(collector, estate_id):
        raise ServiceError(_l("This record is not yours to act on."))
    # Locked, so that two sheets written at the same moment cannot both take a payment.
    query = held_by(collector.id, estate_id).with_for_update(of=Payment)
    if payment_ids is not None:
        query = query.filter(Payment.id.in_(payment_ids))
    payments = query.all()
    if not payments:
        raise ServiceError(_l("%(name)s holds nothing to hand in."), name=collector.name)
    with history.action("hand_in", actor=actor):
        sheet = CashHandIn(
            estate_id=estate_id,
            collector_id=collector.id,
            created_by_id=actor.id,
            handed_in_at=clock.now(),
            total=sum((p.amount for p in payments), Decimal("0.00")),
            status=H.submitted,
        )
        db.session.add(sheet)
        for p in payments:
            p.hand_in = sheet
        db.session.flush()
    return sheet


def confirm(sheet: CashHandIn, actor, *, amount: Decimal, note: str = "") -> None:
    """Finance counts what it received: the count is kept beside the sheet's total, and the
    difference (received − handed in) is recorded, never written over the sheet."""
    if amount is None or amount < 0:
        raise ServiceError(_l("Enter the amount received (0 or more)."))
    amount = _money(amount)
    difference = amount - sheet.total
    note = (note or "").strip()
    if difference and not note:
        raise ServiceError(_l("The amount differs from the sheet: say why."))
    with HAND_IN.transition(sheet, "confirm", actor):
        sheet.confirmed_amount = amount
        sheet.difference = difference
        sheet.confirmed_at = clock.now()
        sheet.confirmed_by_id = actor.id
        sheet.confirm_note = note or None


def _money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is Decimal, never float")
    return Decimal(value).quantize(CENT)
