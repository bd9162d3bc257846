"""Fee statistics: a month's fees by trade, technician and kind of work order, what is owed at
the office and what collectors hold, counted independently here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from admin_app.extensions import db
from admin_app.models import Trade, WorkOrderKind
from admin_app.services.statistics import fees
from admin_app.services.statistics.periods import parse_period

from ..reminders_support import office_time
from .support import close, collect, done_order, office

K = WorkOrderKind
d = Decimal


@pytest.fixture
def w(factories, in_app, time_machine):
    """November: 张师傅 (plumbing) 100 cash + 50.50 WeChat (cleaning), 40 owed at the office;
    李师傅 (electrical) 80; December: 张师傅 30; estate B: 500."""
    w = office(factories)
    time_machine.move_to(office_time(2026, 11, 10, 10), tick=False)
    collect(factories, in_app, w.a, w.tech, "100", "cash", trade=Trade.plumbing)
    collect(
        factories,
        in_app,
        w.a,
        w.tech,
        "50.50",
        "wechat",
        trade=Trade.plumbing,
        kind=K.paid_cleaning,
    )
    collect(factories, in_app, w.a, w.tech2, "80", "cash", trade=Trade.electrical)
    owed = done_order(factories, w.a, w.tech, trade=Trade.plumbing)
    with in_app():
        close(owed.id, w.tech.id, "40", at_office=True)
        db.session.commit()
    collect(factories, in_app, w.b, w.tech_b, "500", "cash")
    time_machine.move_to(office_time(2026, 12, 3, 10), tick=False)
    collect(factories, in_app, w.a, w.tech, "30", "card", trade=Trade.plumbing)
    return w


def table(in_app, w, dimension, period="2026-11"):
    with in_app():
        rows = fees.fee_rows([w.a.id], parse_period(period), dimension)
    return {
        (r["month"], str(r["label"])): (r["orders"], r["charged"], r["paid"], r["unpaid"])
        for r in rows
    }


def test_fees_by_trade_per_month(in_app, w):
    assert table(in_app, w, "trade") == {
        ("2026-11", "Plumbing"): (3, d("190.50"), d("150.50"), d("40.00")),
        ("2026-11", "Electrical"): (1, d("80.00"), d("80.00"), d("0.00")),
    }
    assert table(in_app, w, "trade", "2026-Q4") == {
        ("2026-11", "Plumbing"): (3, d("190.50"), d("150.50"), d("40.00")),
        ("2026-11", "Electrical"): (1, d("80.00"), d("80.00"), d("0.00")),
        ("2026-12", "Plumbing"): (1, d("30.00"), d("30.00"), d("0.00")),
    }


def test_fees_by_technician_and_by_kind(in_app, w):
    assert table(in_app, w, "technician") == {
        ("2026-11", "张师傅"): (3, d("190.50"), d("150.50"), d("40.00")),
        ("2026-11", "李师傅"): (1, d("80.00"), d("80.00"), d("0.00")),
    }
    assert table(in_app, w, "kind") == {
        ("2026-11", "In-home repair (paid)"): (3, d("220.00"), d("180.00"), d("40.00")),
        ("2026-11", "Paid cleaning"): (1, d("50.50"), d("50.50"), d("0.00")),
    }


def test_unpaid_and_held_money_now(in_app, w):
    with in_app():
        unpaid = fees.unpaid_rows([w.a.id, w.b.id])
        held = fees.held_rows([w.a.id])
    assert [(r["estate_id"], r["count"], r["amount"]) for r in unpaid] == [(w.a.id, 1, d("40.00"))]
    assert sorted((r["collector"], r["count"], r["amount"]) for r in held) == [
        ("张师傅", 3, d("180.50")),
        ("李师傅", 1, d("80.00")),
    ]
    # November's money is past its hand-in time by December; December's is not yet.
    assert {r["collector"]: r["overdue"] for r in held} == {"张师傅": 2, "李师傅": 1}
