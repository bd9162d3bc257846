"""The price list's rules: which price is in force on a day, what a quote may offer, and the
paid-cleaning items every estate starts with."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PriceItem, PriceUnit, Trade, WorkOrder, WorkOrderKind
from admin_app.services import history

# Paid cleaning's items (002 篇1 §6), names in the office's language, prices left to the office.
CLEANING_ITEMS = (
    (_l("Daily cleaning"), PriceUnit.hour),
    (_l("Kitchen"), PriceUnit.time),
    (_l("Bathroom"), PriceUnit.time),
    (_l("Balcony"), PriceUnit.time),
    (_l("Wiping furniture"), PriceUnit.time),
    (_l("Windows"), PriceUnit.square_metre),
)


def in_force(estate_id: int, on: date, *, priced_only: bool = True) -> list[PriceItem]:
    """Each item's row in force on the day: the latest valid by then. An item whose labour
    price the office has not set yet is not offered."""
    rows = (
        db.session.query(PriceItem)
        .filter(PriceItem.estate_id == estate_id, PriceItem.valid_from <= on)
        .order_by(PriceItem.kind, PriceItem.name, PriceItem.valid_from)
        .all()
    )
    latest = {(row.kind, row.name): row for row in rows}  # the last row of each item wins
    return [row for row in latest.values() if row.labour_price is not None or not priced_only]


def kind_of(order: WorkOrder) -> Trade:
    """The price-list kind an order is quoted from first: cleaning for paid cleaning."""
    return Trade.cleaning if order.kind is WorkOrderKind.paid_cleaning else order.trade


def offered(order: WorkOrder, on: date | None = None) -> list[PriceItem]:
    """What the technician may pick for this order: its own kind first, then the rest."""
    kind = kind_of(order)
    items = in_force(order.estate_id, on or clock.today())
    return sorted(items, key=lambda i: (i.kind is not kind, i.kind.value, i.name))


def prefill_cleaning(estate_id: int, actor=None) -> int:
    """An estate with no cleaning items gets the seed's list, prices empty, valid from today.
    Returns how many were added (none when the estate has cleaning items already)."""
    has_any = (
        db.session.query(PriceItem.id)
        .filter(PriceItem.estate_id == estate_id, PriceItem.kind == Trade.cleaning)
        .first()
    )
    if has_any is not None:
        return 0
    with history.action("prefill_prices", actor=actor):
        for name, unit in CLEANING_ITEMS:
            db.session.add(
                PriceItem(
                    estate_id=estate_id,
                    kind=Trade.cleaning,
                    name=str(name),
                    unit=unit,
                    valid_from=clock.today(),
                )
            )
        db.session.flush()
    return len(CLEANING_ITEMS)
