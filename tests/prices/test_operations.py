"""The price list over time and quotes built from it: the price in force on the quote's day is
copied onto the line, totals are exact to the cent, typed lines need a reason."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PriceItem, PriceUnit, Role, Trade, WorkOrder, WorkOrderKind
from admin_app.models import WorkOrderStatus as S
from admin_app.prices import operations as prices
from admin_app.services.errors import ServiceError
from admin_app.work_orders import operations as work_orders
from admin_app.work_orders.operations import LineInput

CENT = Decimal("0.01")


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing])
    return w


def item(estate, name="更换水龙头", labour="30.00", materials="45.00", valid_from=None, **kw):
    row = PriceItem(
        estate_id=estate.id,
        kind=kw.pop("kind", Trade.plumbing),
        name=name,
        unit=kw.pop("unit", PriceUnit.piece),
        labour_price=None if labour is None else Decimal(labour),
        materials_price=None if materials is None else Decimal(materials),
        valid_from=valid_from or clock.today() - timedelta(days=10),
    )
    db.session.add(row)
    db.session.flush()
    return row


def arrived(world, **fields):
    order = WorkOrder(
        estate_id=world.a.id,
        description="厨房龙头漏水",
        status=S.arrived,
        technician_id=world.tech.id,
        trade=Trade.plumbing,
        **fields,
    )
    db.session.add(order)
    db.session.flush()
    return order


def tech(world):
    return db.session.get(type(world.tech), world.tech.id)


def test_a_quote_copies_the_price_and_keeps_it_when_the_item_is_repriced(world, in_app):
    with in_app():
        tap = item(world.a)
        order = arrived(world)
        work_orders.quote(order, tech(world), lines=[LineInput(Decimal(2), item_id=tap.id)])
        assert order.quote_total == Decimal("150.00")
        # the office raises the price from tomorrow, and corrects the old row as well
        item(world.a, labour="40.00", valid_from=clock.today() + timedelta(days=1))
        tap.labour_price = Decimal("99.00")
        db.session.commit()
        order = db.session.get(WorkOrder, order.id)
        assert [(line.unit_labour, line.total) for line in order.quote_lines] == [
            (Decimal("30.00"), Decimal("150.00"))
        ]
        assert (order.quote_labour, order.quote_materials) == (Decimal("60.00"), Decimal("90.00"))


def test_tomorrows_price_is_offered_from_tomorrow_and_not_before(world, in_app):
    with in_app():
        old = item(world.a, labour="30.00")
        new = item(world.a, labour="40.00", valid_from=clock.today() + timedelta(days=1))
        order = arrived(world)
        assert [i.id for i in prices.offered(order)] == [old.id]
        with pytest.raises(ServiceError, match="Line 1: the item is not on this estate's"):
            work_orders.quote(order, tech(world), lines=[LineInput(Decimal(1), item_id=new.id)])
        db.session.commit()
        order_id, tomorrow = order.id, clock.now() + timedelta(days=1)
    with time_machine.travel(tomorrow.replace(tzinfo=clock.office_zone()), tick=False), in_app():
        order = db.session.get(WorkOrder, order_id)
        assert [i.labour_price for i in prices.offered(order)] == [Decimal("40.00")]


def test_an_item_not_yet_valid_or_not_yet_priced_is_not_offered(world, in_app):
    with in_app():
        item(world.a, name="新项目", valid_from=clock.today() + timedelta(days=3))
        item(world.a, name="待定价", labour=None, materials=None)
        assert prices.offered(arrived(world)) == []


def test_the_orders_own_kind_comes_first(world, in_app):
    with in_app():
        lock = item(world.a, name="开锁", kind=Trade.locks)
        tap = item(world.a)
        sweep = item(world.a, name="厨房", kind=Trade.cleaning, unit=PriceUnit.time)
        assert [i.id for i in prices.offered(arrived(world))] == [tap.id, sweep.id, lock.id]
        cleaning = arrived(world, kind=WorkOrderKind.paid_cleaning)
        assert prices.offered(cleaning)[0].id == sweep.id


def test_another_estates_item_is_refused(world, in_app):
    with in_app():
        theirs = item(world.b)
        order = arrived(world)
        with pytest.raises(ServiceError, match="not on this estate's price list"):
            work_orders.quote(order, tech(world), lines=[LineInput(Decimal(1), item_id=theirs.id)])
        assert order.status is S.arrived and order.quote_lines == []


def test_a_typed_line_without_a_reason_is_refused_saying_so(world, in_app):
    with in_app():
        order = arrived(world)
        typed = LineInput(Decimal(1), labour=Decimal(80), description="更换角阀")
        with pytest.raises(ServiceError) as refused:
            work_orders.quote(order, tech(world), lines=[typed])
        assert str(refused.value) == "Line 1: say why 更换角阀 is not from the price list."
        assert order.status is S.arrived
        reasoned = LineInput(Decimal(1), labour=Decimal(80), description="更换角阀", reason="缺货")
        work_orders.quote(order, tech(world), lines=[reasoned])
        assert order.quote_total == Decimal("80.00") and order.quote_lines[0].reason == "缺货"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (LineInput(Decimal(0), description="x", reason="y", labour=Decimal(1)), "quantity"),
        (LineInput(None, description="x", reason="y", labour=Decimal(1)), "quantity"),
        (LineInput(Decimal(1), reason="y", labour=Decimal(1)), "pick an item or name the work"),
        (LineInput(Decimal(1), description="x", reason="y"), "enter the labour price"),
        (
            LineInput(Decimal(1), description="x", reason="y", labour=Decimal(-1)),
            "cannot be negative",
        ),
    ],
)
def test_an_incomplete_line_is_refused(world, in_app, line, message):
    with in_app():
        order = arrived(world)
        with pytest.raises(ServiceError, match=message):
            work_orders.quote(order, tech(world), lines=[line])
        with pytest.raises(ServiceError, match="at least one line"):
            work_orders.quote(order, tech(world), lines=[])


def test_the_prices_typed_on_a_line_replace_the_items(world, in_app):
    with in_app():
        tap = item(world.a)
        order = arrived(world)
        line = LineInput(Decimal("1.5"), item_id=tap.id, labour=Decimal("25"))
        work_orders.quote(order, tech(world), lines=[line])
        (saved,) = order.quote_lines
        assert (saved.description, saved.unit_labour, saved.unit_materials) == (
            "更换水龙头",
            Decimal("25.00"),
            Decimal("45.00"),
        )
        assert saved.total == Decimal("105.00")  # 37.50 + 67.50


AMOUNTS = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False)
QUANTITIES = st.decimals(min_value=Decimal("0.01"), max_value=999, places=2, allow_nan=False)


# The world (two estates, a technician) is the same for every draw; each draw's order is
# rolled back at its end.
@settings(
    max_examples=60,
    suppress_health_check=[
        *settings.default.suppress_health_check,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(lines=st.lists(st.tuples(QUANTITIES, AMOUNTS, AMOUNTS), min_size=1, max_size=8))
def test_the_total_is_the_sum_of_the_lines_to_the_cent(world, in_app, lines):
    with in_app():
        order = arrived(world)
        given_lines = [
            LineInput(q, labour=lab, materials=mat, description="工", reason="现场")
            for q, lab, mat in lines
        ]
        work_orders.quote(order, tech(world), lines=given_lines)

        def cents(value):
            return value.quantize(CENT, rounding=ROUND_HALF_UP)

        expected = [cents(q * lab) + cents(q * mat) for q, lab, mat in lines]
        assert [line.total for line in order.quote_lines] == expected
        assert order.quote_total == sum(expected) == order.quote_labour + order.quote_materials
        assert all(isinstance(line.total, Decimal) for line in order.quote_lines)
        db.session.rollback()


def test_an_order_quoted_before_lines_keeps_its_two_amounts(world, in_app):
    with in_app():
        order = arrived(world, quote_labour=Decimal("80"), quote_materials=Decimal("45.5"))
        assert order.quote_total == Decimal("125.5")


def test_damage_found_on_arrival_is_written_before_the_work(world, in_app):
    with in_app():
        order = arrived(world)
        with pytest.raises(ServiceError, match="Describe the damage"):
            work_orders.record_damage(order, tech(world), damage="  ")
        work_orders.record_damage(order, tech(world), damage="柜门已有划痕")
        assert order.arrival_damage == "柜门已有划痕" and order.status is S.arrived
        order.status = S.in_progress
        with pytest.raises(ServiceError):
            work_orders.record_damage(order, tech(world), damage="后补")


def test_paid_cleaning_items_come_prefilled_once_with_empty_prices(world, in_app):
    with in_app():
        assert prices.prefill_cleaning(world.a.id) == 6
        assert prices.prefill_cleaning(world.a.id) == 0
        rows = db.session.query(PriceItem).filter_by(estate_id=world.a.id).all()
        assert sorted(r.name for r in rows) == sorted(
            ["Daily cleaning", "Kitchen", "Bathroom", "Balcony", "Wiping furniture", "Windows"]
        )
        assert {(r.kind, r.labour_price) for r in rows} == {(Trade.cleaning, None)}
        assert all(r.valid_from == clock.today() for r in rows)
        assert prices.in_force(world.a.id, date.max) == []  # none offered until priced
