"""Money handed in to finance: the sheet of a collector's payments since his last one, finance's
count beside it (the difference recorded, never written over), and the daily table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import CashHandIn, HandInStatus, Payment, PaymentMethod, Staff
from admin_app.payments import ledger
from admin_app.payments import operations as payments
from admin_app.services.errors import ServiceError

from ..reminders_support import office_time
from .support import collect, office

M = PaymentMethod


@pytest.fixture
def w(factories):
    return office(factories)


def staff(who) -> Staff:
    return db.session.get(Staff, who.id)


def test_the_sheet_totals_each_method_and_names_its_orders(factories, in_app, w):
    taken = [
        collect(factories, in_app, w.a, w.tech, "50.00", "cash"),
        collect(factories, in_app, w.a, w.tech, "30.50", "wechat"),
        collect(factories, in_app, w.a, w.tech, "20.00", "cash"),
        collect(factories, in_app, w.a, w.tech, "12.30", "card"),
    ]
    others = collect(factories, in_app, w.a, w.tech2, "99", "cash")  # another collector's
    with in_app():
        sheet = payments.hand_in(staff(w.tech), collector=staff(w.tech), estate_id=w.a.id)
        db.session.commit()
        assert sheet.number.startswith(f"{w.a.code}-JK")
        assert sheet.total == Decimal("112.80") and sheet.status is HandInStatus.submitted
        assert sorted(p.id for p in sheet.payments) == sorted(taken)
        assert payments.by_method(sheet.payments) == {
            M.cash: Decimal("70.00"),
            M.wechat: Decimal("30.50"),
            M.alipay: Decimal("0.00"),
            M.card: Decimal("12.30"),
        }
        assert db.session.get(Payment, others).hand_in_id is None
        # Since the last hand-in: nothing is left to hand in twice.
        with pytest.raises(ServiceError, match="holds nothing"):
            payments.hand_in(staff(w.tech), collector=staff(w.tech), estate_id=w.a.id)


def test_a_payment_taken_after_the_screen_was_read_waits_for_the_next_sheet(factories, in_app, w):
    seen = collect(factories, in_app, w.a, w.tech, "40", "cash")
    later = collect(factories, in_app, w.a, w.tech, "60", "cash")
    with in_app():
        sheet = payments.hand_in(
            staff(w.tech), collector=staff(w.tech), estate_id=w.a.id, payment_ids=[seen]
        )
        db.session.commit()
        assert [p.id for p in sheet.payments] == [seen] and sheet.total == Decimal("40.00")
        assert [p.id for p in payments.held_by(w.tech.id, w.a.id)] == [later]


def test_the_desk_writes_a_sheet_for_a_technician_who_may_not_for_another(factories, in_app, w):
    collect(factories, in_app, w.a, w.tech, "40", "cash")
    collect(factories, in_app, w.a, w.tech2, "25", "alipay")
    with in_app():
        with pytest.raises(ServiceError, match="only his own"):
            payments.hand_in(staff(w.tech), collector=staff(w.tech2), estate_id=w.a.id)
        with pytest.raises(ServiceError, match="not yours"):
            payments.hand_in(staff(w.reception_b), collector=staff(w.tech2), estate_id=w.a.id)
        sheet = payments.hand_in(staff(w.reception), collector=staff(w.tech2), estate_id=w.a.id)
        db.session.commit()
        assert (sheet.collector_id, sheet.created_by_id, sheet.total) == (
            w.tech2.id,
            w.reception.id,
            Decimal("25.00"),
        )


def test_finance_confirms_and_the_difference_is_recorded_beside_the_sheet(factories, in_app, w):
    collect(factories, in_app, w.a, w.tech, "100.50", "cash")
    with in_app():
        sheet = payments.hand_in(staff(w.tech), collector=staff(w.tech), estate_id=w.a.id)
        db.session.commit()
        for who in (w.tech, w.reception):
            with pytest.raises(ServiceError, match="role may not"):
                payments.confirm(sheet, staff(who), amount=Decimal("100.50"))
        with pytest.raises(ServiceError, match="say why"):
            payments.confirm(sheet, staff(w.supervisor), amount=Decimal("100.00"))
        db.session.rollback()
        payments.confirm(
            sheet, staff(w.supervisor), amount=Decimal("100"), note="少五角，张师傅明天补交"
        )
        db.session.commit()
        row = db.session.get(CashHandIn, sheet.id)
        assert row.status is HandInStatus.confirmed
        assert (row.total, row.confirmed_amount, row.difference) == (
            Decimal("100.50"),
            Decimal("100.00"),
            Decimal("-0.50"),
        )
        assert row.confirmed_by_id == w.supervisor.id and row.confirm_note.startswith("少五角")
        # Confirmed once: a second count cannot overwrite the first.
        with pytest.raises(ServiceError, match="not possible now"):
            payments.confirm(row, staff(w.supervisor), amount=Decimal("100.50"))


def test_an_exact_count_needs_no_note(factories, in_app, w):
    collect(factories, in_app, w.a, w.tech, "33.30", "wechat")
    with in_app():
        sheet = payments.hand_in(staff(w.reception), collector=staff(w.tech), estate_id=w.a.id)
        payments.confirm(sheet, staff(w.supervisor), amount=Decimal("33.3"))
        db.session.commit()
        assert sheet.difference == Decimal("0.00") and sheet.confirm_note is None


def test_the_daily_table_balances_for_each_collector_and_in_total(
    factories, in_app, w, time_machine
):
    day1, day2 = date(2026, 11, 23), date(2026, 11, 24)
    time_machine.move_to(office_time(2026, 11, 23, 10), tick=False)
    first = collect(factories, in_app, w.a, w.tech, "100", "cash")
    collect(factories, in_app, w.a, w.tech, "50", "wechat")
    collect(factories, in_app, w.a, w.tech2, "80", "cash")
    collect(factories, in_app, w.b, w.tech_b, "999", "cash")  # another estate's table
    time_machine.move_to(office_time(2026, 11, 23, 17), tick=False)
    with in_app():
        sheet = payments.hand_in(
            staff(w.tech), collector=staff(w.tech), estate_id=w.a.id, payment_ids=[first]
        )
        db.session.commit()
        sheet_id = sheet.id
    time_machine.move_to(office_time(2026, 11, 24, 9), tick=False)
    collect(factories, in_app, w.a, w.tech, "20", "cash")
    with in_app():
        payments.confirm(
            db.session.get(CashHandIn, sheet_id),
            staff(w.supervisor),
            amount=Decimal("98"),
            note="短款 2 元",
        )
        payments.hand_in(staff(w.reception), collector=staff(w.tech2), estate_id=w.a.id)
        db.session.commit()

    with in_app():
        rows1, total1 = ledger.daily_table(w.a.id, day1)
        rows2, total2 = ledger.daily_table(w.a.id, day2)
    table1 = {r.name: r for r in rows1}
    table2 = {r.name: r for r in rows2}
    assert set(table1) == set(table2) == {"张师傅", "李师傅"}
    d = Decimal
    zhang1, li1 = table1["张师傅"], table1["李师傅"]
    assert (zhang1.held_before, zhang1.collected, zhang1.handed_in, zhang1.held) == (
        d(0),
        d(150),
        d(100),
        d(50),
    )
    assert (li1.collected, li1.handed_in, li1.held) == (d(80), d(0), d(80))
    zhang2, li2 = table2["张师傅"], table2["李师傅"]
    assert (zhang2.held_before, zhang2.collected, zhang2.confirmed, zhang2.difference) == (
        d(50),
        d(20),
        d(98),
        d(-2),
    )
    assert zhang2.held == d(70)
    assert (li2.held_before, li2.handed_in, li2.held) == (d(80), d(80), d(0))
    for row in [*rows1, total1, *rows2, total2]:
        assert row.held_before + row.collected - row.handed_in == row.held, row.name
    assert (total1.collected, total1.held, total2.held) == (d(230), d(130), d(70))
    assert total2.held_before == total1.held


def test_sums_stay_exact_in_cents(factories, in_app, w):
    for _ in range(10):
        collect(factories, in_app, w.a, w.tech, "0.10", "cash")
    with in_app():
        sheet = payments.hand_in(staff(w.tech), collector=staff(w.tech), estate_id=w.a.id)
        db.session.commit()
        assert sheet.total == Decimal("1.00") and isinstance(sheet.total, Decimal)
        _, total = ledger.daily_table(w.a.id, clock.today())
        assert total.collected == total.handed_in == Decimal("1.00") and total.held == 0
