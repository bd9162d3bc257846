"""Paying a work order's fee: on the spot with a method and a receipt, at the office later,
or no fee at all; and the invoice the resident asks for."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    Payment,
    PaymentMethod,
    PaymentState,
    Staff,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.payments import operations as payments
from admin_app.services import calendar, worklists
from admin_app.services.errors import ServiceError

from .support import close, collect, done_order, office

OFFICE_CLOSES = 20  # the office's hours end at 20:00 (config OFFICE_HOURS_END)


@pytest.fixture
def w(factories):
    return office(factories)


def receipt_prefix(estate) -> str:
    return f"{estate.code}-SK{clock.now():%y%m}-"


@pytest.mark.parametrize("method", list(PaymentMethod))
def test_a_fee_paid_on_the_spot_is_recorded_with_its_method_and_a_receipt(
    factories, in_app, w, method
):
    order = done_order(factories, w.a, w.tech)
    with in_app():
        payment = close(order.id, w.tech.id, "85.50", method=method.value)
        db.session.commit()
        row = db.session.get(WorkOrder, order.id)
        assert row.status is WorkOrderStatus.closed
        assert row.payment_state is PaymentState.paid
        assert (payment.state, payment.method, payment.amount) == (
            PaymentState.paid,
            method,
            Decimal("85.50"),
        )
        assert payment.number == receipt_prefix(w.a) + "0001"
        assert payment.collected_by_id == w.tech.id and payment.paid_at is not None
        # Handed in by the close of the next working day (tests/calendar: which day that is).
        next_day = calendar.add_working_days(w.a.id, payment.paid_at.date(), 1)
        assert payment.hand_in_due_at == datetime.combine(next_day, time(OFFICE_CLOSES))


def test_receipt_numbers_follow_on_in_each_estates_own_sequence(factories, in_app, w):
    numbers_a = [
        db_number(in_app, collect(factories, in_app, w.a, w.tech, fee)) for fee in ("10", "20")
    ]
    number_b = db_number(in_app, collect(factories, in_app, w.b, w.tech_b, "30"))
    numbers_a.append(db_number(in_app, collect(factories, in_app, w.a, w.tech2, "40")))
    assert numbers_a == [receipt_prefix(w.a) + f"{n:04d}" for n in (1, 2, 3)]
    assert number_b == receipt_prefix(w.b) + "0001"


def db_number(in_app, payment_id) -> str:
    with in_app():
        return db.session.get(Payment, payment_id).number


def test_a_close_that_is_undone_gives_its_receipt_number_back(factories, in_app, w):
    first = done_order(factories, w.a, w.tech)
    second = done_order(factories, w.a, w.tech)
    with in_app():
        assert close(first.id, w.tech.id, "50", method="cash").number.endswith("-0001")
        db.session.rollback()  # e.g. the request failed after the close: nothing stays
    with in_app():
        assert close(second.id, w.tech.id, "60", method="cash").number.endswith("-0001")
        db.session.commit()
        assert db.session.get(WorkOrder, first.id).status is WorkOrderStatus.done


def test_a_fee_to_pay_at_the_office_waits_in_the_desk_queue_until_paid(factories, in_app, w):
    order = done_order(factories, w.a, w.tech)
    with in_app():
        payment = close(order.id, w.tech.id, "120", at_office=True)
        db.session.commit()
        assert db.session.get(WorkOrder, order.id).payment_state is PaymentState.unpaid
        assert (payment.state, payment.number, payment.collected_by_id) == (
            PaymentState.unpaid,
            None,
            None,
        )
        queue = db.session.query(Payment).filter(worklists.clause_for("unpaid_fees")).all()
        assert [p.id for p in queue] == [payment.id]

        desk = db.session.get(Staff, w.reception.id)
        payments.pay_at_desk(payment, desk, method="alipay")
        db.session.commit()
        assert payment.state is PaymentState.paid and payment.method is PaymentMethod.alipay
        assert payment.collected_by_id == w.reception.id
        assert payment.number == receipt_prefix(w.a) + "0001"
        assert db.session.get(WorkOrder, order.id).payment_state is PaymentState.paid
        assert db.session.query(Payment).filter(worklists.clause_for("unpaid_fees")).count() == 0


def test_no_fee_closes_as_no_fee_without_a_payment(factories, in_app, w):
    paid_kind = done_order(factories, w.a, w.tech)
    free_kind = done_order(factories, w.a, w.tech, kind=WorkOrderKind.public_repair)
    with in_app():
        close(paid_kind.id, w.tech.id, "0")
        close(free_kind.id, w.tech.id, None)
        db.session.commit()
        for order_id in (paid_kind.id, free_kind.id):
            assert db.session.get(WorkOrder, order_id).payment_state is PaymentState.no_fee
        assert db.session.query(Payment).count() == 0


@pytest.mark.parametrize(
    ("fee", "method", "at_office", "message"),
    [
        ("30", None, False, "Choose how the fee is paid"),
        ("30", "cash", True, "Choose how the fee is paid"),
        ("0", "cash", False, "no fee"),
        ("0", None, True, "no fee"),
    ],
)
def test_an_unclear_payment_is_refused_and_nothing_closes(
    factories, in_app, w, fee, method, at_office, message
):
    order = done_order(factories, w.a, w.tech)
    with in_app():
        with pytest.raises(ServiceError, match=message):
            close(order.id, w.tech.id, fee, method=method, at_office=at_office)
        db.session.rollback()
        assert db.session.get(WorkOrder, order.id).status is WorkOrderStatus.done
        assert db.session.query(Payment).count() == 0


def test_only_the_desk_records_a_payment_at_the_office_and_only_once(factories, in_app, w):
    order = done_order(factories, w.a, w.tech)
    with in_app():
        payment = close(order.id, w.tech.id, "80", at_office=True)
        db.session.commit()
        with pytest.raises(ServiceError, match="role may not"):
            payments.pay_at_desk(payment, db.session.get(Staff, w.tech.id), method="cash")
        with pytest.raises(ServiceError, match="not yours"):
            payments.pay_at_desk(payment, db.session.get(Staff, w.reception_b.id), method="cash")
        desk = db.session.get(Staff, w.reception.id)
        with pytest.raises(ServiceError, match="Choose how"):
            payments.pay_at_desk(payment, desk, method=None)
        db.session.rollback()
        payments.pay_at_desk(payment, desk, method="cash")
        db.session.commit()
        with pytest.raises(ServiceError, match="not possible now"):
            payments.pay_at_desk(payment, desk, method="cash")


def test_an_invoice_request_is_recorded_then_marked_issued_by_the_desk(factories, in_app, w):
    payment_id = collect(factories, in_app, w.a, w.tech, "200", method="wechat")
    with in_app():
        payment = db.session.get(Payment, payment_id)
        tech = db.session.get(Staff, w.tech.id)
        desk = db.session.get(Staff, w.reception.id)
        with pytest.raises(ServiceError, match="not possible|does not apply"):
            payments.issue_invoice(payment, desk, invoice_number="No.1")  # nothing asked yet
        with pytest.raises(ServiceError, match="15, 18 or 20"):
            payments.request_invoice(payment, tech, title="某某公司", tax_number="123")
        payments.request_invoice(
            payment, tech, title=" 深圳某某科技有限公司 ", tax_number="91440300 ma5abcde1x"
        )
        db.session.commit()
        assert payment.invoice_title == "深圳某某科技有限公司"
        assert payment.invoice_tax_number == "91440300MA5ABCDE1X"
        assert payment.invoice_requested_at is not None and payment.invoice_issued_at is None
        with pytest.raises(ServiceError, match="role may not"):
            payments.issue_invoice(payment, tech, invoice_number="No.1")
        payments.issue_invoice(payment, desk, invoice_number=" 04400123 ")
        db.session.commit()
        assert (payment.invoice_number, payment.invoice_issued_by_id) == ("04400123", desk.id)
        assert payment.invoice_issued_at is not None
        with pytest.raises(ServiceError, match="does not apply"):
            payments.issue_invoice(payment, desk)


def test_a_private_person_needs_no_tax_number_but_a_title(factories, in_app, w):
    payment_id = collect(factories, in_app, w.a, w.tech, "20")
    with in_app():
        payment = db.session.get(Payment, payment_id)
        desk = db.session.get(Staff, w.reception.id)
        with pytest.raises(ServiceError, match="invoice title"):
            payments.request_invoice(payment, desk, title="  ")
        payments.request_invoice(payment, desk, title="王丽")
        db.session.commit()
        assert (payment.invoice_title, payment.invoice_tax_number) == ("王丽", None)


def test_money_is_never_a_float(factories, in_app, w):
    order = done_order(factories, w.a, w.tech)
    with in_app(), pytest.raises(TypeError):
        payments.settle_at_close(
            db.session.get(WorkOrder, order.id),
            db.session.get(Staff, w.tech.id),
            amount=0.1 + 0.2,
            method="cash",
            at_office=False,
        )


def test_the_hand_in_time_is_the_close_of_the_next_office_day(app):
    with app.app_context():
        assert payments.hand_in_due(datetime(2026, 11, 23, 21, 30)) == datetime(
            2026, 11, 24, OFFICE_CLOSES
        )
        assert payments.hand_in_due(datetime(2026, 11, 30, 8, 0)) == datetime(
            2026, 12, 1, OFFICE_CLOSES
        )
