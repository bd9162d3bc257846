"""The demo's price lists (收费标准): a realistic list per estate, one item repriced during the
year and one new price announced for next month, so that quotes have something to pick."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PriceItem, PriceUnit, QuoteLine, Trade
from admin_app.prices import operations as prices

T, U = Trade, PriceUnit
# kind, name, unit, labour, typical materials
ITEMS = (
    (T.plumbing, "更换水龙头", U.piece, "30.00", "45.00"),
    (T.plumbing, "疏通下水道", U.time, "50.00", "0.00"),
    (T.plumbing, "更换给水管", U.metre, "20.00", "15.00"),
    (T.plumbing, "马桶维修", U.time, "50.00", "35.50"),
    (T.electrical, "更换灯具", U.piece, "20.00", "0.00"),
    (T.electrical, "更换开关插座", U.piece, "15.00", "10.00"),
    (T.electrical, "线路检修", U.hour, "40.00", "0.00"),
    (T.carpentry, "门窗维修", U.time, "50.00", "20.00"),
    (T.carpentry, "更换柜门铰链", U.piece, "10.00", "8.00"),
    (T.locks, "更换锁芯", U.piece, "50.00", "35.50"),
    (T.locks, "开锁", U.time, "60.00", "0.00"),
    (T.appliances, "热水器检修", U.time, "50.00", "0.00"),
    (T.appliances, "空调清洗", U.piece, "80.00", "0.00"),
)
# Paid cleaning's items (002 篇1 §6; those prices.prefill_cleaning adds), as the office priced them.
CLEANING = (
    ("日常清扫", U.hour, "35.00"),
    ("厨房", U.time, "120.00"),
    ("卫生间", U.time, "80.00"),
    ("阳台", U.time, "50.00"),
    ("抹家具", U.time, "60.00"),
    ("玻璃窗", U.square_metre, "8.00"),
)


def price_list(estate) -> None:
    today = clock.today()
    since = today - timedelta(days=200)
    cleaning = [(T.cleaning, name, unit, labour, "0.00") for name, unit, labour in CLEANING]
    for kind, name, unit, labour, materials in ITEMS + tuple(cleaning):
        db.session.add(
            PriceItem(
                estate=estate,
                kind=kind,
                name=name,
                unit=unit,
                labour_price=Decimal(labour),
                materials_price=Decimal(materials),
                valid_from=since,
            )
        )
    # Repriced in the spring; the old price stays on the list (and on the quotes made then).
    db.session.add(
        PriceItem(
            estate=estate,
            kind=T.plumbing,
            name="疏通下水道",
            unit=U.time,
            labour_price=Decimal("60.00"),
            materials_price=Decimal("0.00"),
            valid_from=today - timedelta(days=30),
            notes="2026 年调价",
        )
    )
    # A new price announced for next month: not offered before then.
    db.session.add(
        PriceItem(
            estate=estate,
            kind=T.cleaning,
            name=CLEANING[0][0],
            unit=U.hour,
            labour_price=Decimal("38.00"),
            materials_price=Decimal("0.00"),
            valid_from=(today.replace(day=1) + timedelta(days=32)).replace(day=1),
            notes="下月起执行",
        )
    )
    db.session.flush()


def quote_from_list(order) -> None:
    """The order's quote: one line of its kind's first item (as a technician would pick it)."""
    order.estate_id = order.estate.id
    offered = prices.offered(order)
    item = next((i for i in offered if i.kind is prices.kind_of(order)), offered[0])
    line = QuoteLine(
        estate_id=order.estate.id,
        position=1,
        price_item_id=item.id,
        description=item.name,
        unit=item.unit,
        quantity=Decimal("1.00"),
        unit_labour=item.labour_price,
        unit_materials=item.materials_price or Decimal("0.00"),
    )
    order.quote_lines = [line]
    order.quote_labour, order.quote_materials = line.labour, line.materials
