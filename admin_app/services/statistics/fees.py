"""Fee statistics: the fees of the work orders closed in each month, by trade, technician and
kind of work order; and what is owed at the office or held by collectors right now.

Amounts are Decimal sums computed in the database (GROUP BY), never floats.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import case, func, literal_column

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Payment, PaymentState, Staff, WorkOrder
from admin_app.services.statistics.periods import Period, bucket, flag, in_range, months_spanning

ZERO = Decimal("0.00")

# What a fee can be grouped by: the work order's column. The price-list item joins here once
# quote lines exist ("item": the line's item, summing line totals instead of the fee).
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
