"""Fee statistics: the fees of the work orders closed in each month, by trade, technician and
kind of work order; and what is owed at the office or held by collectors right now.

Amounts are Decimal sums computed in the database (GROUP BY), never floats.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, literal_column

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Payment, PaymentState, QuoteLine, Staff, WorkOrder
from admin_app.services.statistics.periods import Period, bucket, flag, in_range, months_spanning

ZERO = Decimal("0.00")

# What a fee can be grouped by: the work order's column. By price-list item is item_rows: an
# order's fee is one amount, so there the quote lines' own totals are summed.
DIMENSIONS = {
    "trade": WorkOrder.trade,
    "technician": WorkOrder.technician_id,
    "kind": WorkOrder.kind,
}


def fee_rows(estate_ids, period: Period, dimension: str) -> list[dict]:
    """Per month of the period and value of `dimension`: orders with a fee, the fees charged,
    paid and still unpaid."""
    months = months_spanning([period])
    key = DIMENSIONS[dimension]
    paid = Payment.state == PaymentState.paid
    month = bucket(WorkOrder.closed_at, months).label("g_month")
    rows = db.session.execute(
        db.select(
            month,
            key.label("g_key"),
            func.count(Payment.id),
            func.sum(Payment.amount),
            func.sum(case((paid, Payment.amount), else_=0)),
        )
        .join(WorkOrder, Payment.work_order_id == WorkOrder.id)
        .where(Payment.estate_id.in_(list(estate_ids)), *in_range(WorkOrder.closed_at, months))
        .group_by(literal_column("g_month"), literal_column("g_key"))
        .order_by(literal_column("g_month"), literal_column("g_key"))
    ).all()
    names = _names(dimension, {r[1] for r in rows})
    result = []
    for index, value, count, charged, paid_sum in rows:
        charged, paid_sum = _money(charged), _money(paid_sum)
        result.append(
            {
                "month": months[index].start.strftime("%Y-%m"),
                "key": value,
                "label": names.get(value, value),
                "orders": count,
                "charged": charged,
                "paid": paid_sum,
                "unpaid": charged - paid_sum,
            }
        )
    return result


def item_rows(estate_ids, period: Period) -> list[dict]:
    """Per month of the period and quoted item (as the line names it, a typed one included):
    the orders closed with a fee that quoted it, the quantity and the lines' totals.

    Line totals are rounded per line, as the resident saw them (QuoteLine.total), so they are
    summed here in Decimal rather than in SQL."""
    months = months_spanning([period])
    month = bucket(WorkOrder.closed_at, months).label("g_month")
    rows = db.session.execute(
        db.select(
            month,
            QuoteLine.work_order_id,
            QuoteLine.description,
            QuoteLine.quantity,
            QuoteLine.unit_labour,
            QuoteLine.unit_materials,
        )
        .join(WorkOrder, QuoteLine.work_order_id == WorkOrder.id)
        .join(Payment, Payment.work_order_id == WorkOrder.id)
        .where(Payment.estate_id.in_(list(estate_ids)), *in_range(WorkOrder.closed_at, months))
    ).all()
    totals: dict[tuple, dict] = {}
    for index, order_id, name, quantity, labour, materials in rows:
        line = QuoteLine(quantity=quantity, unit_labour=labour, unit_materials=materials)
        key = (months[index].start.strftime("%Y-%m"), name)
        entry = totals.setdefault(key, {"orders": set(), "quantity": ZERO, "amount": ZERO})
        entry["orders"].add(order_id)
        entry["quantity"] += quantity
        entry["amount"] += line.total
    return [
        {
            "month": month_text,
            "label": name,
            "orders": len(entry["orders"]),
            "quantity": entry["quantity"],
            "amount": entry["amount"],
        }
        for (month_text, name), entry in sorted(totals.items())
    ]


def _names(dimension: str, values) -> dict:
    if dimension == "technician":
        ids = [v for v in values if v is not None]
        return dict(db.session.query(Staff.id, Staff.name).filter(Staff.id.in_(ids)).all())
    return {v: str(v.label) for v in values if v is not None}


def unpaid_rows(estate_ids) -> list[dict]:
    """Per estate: fees left to pay at the office, their sum and the oldest one's day."""
    rows = db.session.execute(
        db.select(
            Payment.estate_id, func.count(), func.sum(Payment.amount), func.min(Payment.created_at)
        )
        .where(Payment.estate_id.in_(list(estate_ids)), Payment.state == PaymentState.unpaid)
        .group_by(Payment.estate_id)
    ).all()
    return [
        {"estate_id": e, "count": n, "amount": _money(s), "oldest": oldest}
        for e, n, s, oldest in rows
    ]


def held_rows(estate_ids) -> list[dict]:
    """Per estate and collector: money taken and not yet on a hand-in sheet, and since when."""
    rows = db.session.execute(
        db.select(
            Payment.estate_id,
            Payment.collected_by_id,
            func.count(),
            func.sum(Payment.amount),
            func.min(Payment.paid_at),
            func.sum(flag(Payment.hand_in_due_at < clock.now())),
        )
        .where(
            Payment.estate_id.in_(list(estate_ids)),
            Payment.state == PaymentState.paid,
            Payment.hand_in_id.is_(None),
        )
        .group_by(Payment.estate_id, Payment.collected_by_id)
    ).all()
    names = _names("technician", {r[1] for r in rows})
    return [
        {
            "estate_id": e,
            "collector_id": who,
            "collector": names.get(who, ""),
            "count": n,
            "amount": _money(s),
            "since": since,
            "overdue": overdue or 0,
        }
        for e, who, n, s, since, overdue in rows
    ]


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))
