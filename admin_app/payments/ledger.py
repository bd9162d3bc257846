"""The cash ledger of an estate: what each collector took, handed in and still holds.

Read-only sums (no verb): the daily table and the held amounts that the desk, finance and the
statistics show. A day balances: held at its start + collected − handed in = held at its end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, or_

from admin_app.extensions import db
from admin_app.models import CashHandIn, Payment, PaymentState, Staff

ZERO = Decimal("0.00")


@dataclass
class DayRow:
    collector_id: int | None
    name: str = ""
    held_before: Decimal = ZERO
    collected: Decimal = ZERO
    handed_in: Decimal = ZERO
    confirmed: Decimal = ZERO
    difference: Decimal = ZERO
    held: Decimal = ZERO
    extra: dict = field(default_factory=dict)

    def add(self, other: DayRow) -> None:
        for name in ("held_before", "collected", "handed_in", "confirmed", "difference", "held"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time())
    return start, start + timedelta(days=1)


def held_at(estate_ids, moment: datetime) -> dict[int, Decimal]:
    """Per collector: taken before `moment` and not on a sheet handed in before it."""
    sheet = db.aliased(CashHandIn)
    rows = db.session.execute(
        db.select(Payment.collected_by_id, func.sum(Payment.amount))
        .outerjoin(sheet, Payment.hand_in_id == sheet.id)
        .where(
            Payment.estate_id.in_(list(estate_ids)),
            Payment.state == PaymentState.paid,
            Payment.paid_at < moment,
            or_(Payment.hand_in_id.is_(None), sheet.handed_in_at >= moment),
        )
        .group_by(Payment.collected_by_id)
    ).all()
    return {who: Decimal(total or 0) for who, total in rows}


def _sums(column, who, when, start, end, estate_id, *where) -> dict[int, Decimal]:
    model = who.class_
    rows = db.session.execute(
        db.select(who, func.sum(column))
        .where(model.estate_id == estate_id, when >= start, when < end, *where)
        .group_by(who)
    ).all()
    return {k: Decimal(v or 0) for k, v in rows}


def daily_table(estate_id: int, day: date) -> tuple[list[DayRow], DayRow]:
    """One row per collector who took, held or handed in money that day; and the totals."""
    start, end = _bounds(day)
    columns = {
        "held_before": held_at([estate_id], start),
        "held": held_at([estate_id], end),
        "collected": _sums(
            Payment.amount,
            Payment.collected_by_id,
            Payment.paid_at,
            start,
            end,
            estate_id,
            Payment.state == PaymentState.paid,
        ),
        "handed_in": _sums(
            CashHandIn.total,
            CashHandIn.collector_id,
            CashHandIn.handed_in_at,
            start,
            end,
            estate_id,
        ),
        "confirmed": _sums(
            CashHandIn.confirmed_amount,
            CashHandIn.collector_id,
            CashHandIn.confirmed_at,
            start,
            end,
            estate_id,
        ),
        "difference": _sums(
            CashHandIn.difference,
            CashHandIn.collector_id,
            CashHandIn.confirmed_at,
            start,
            end,
            estate_id,
        ),
    }
    people = {who for values in columns.values() for who, v in values.items() if v}
    names = dict(db.session.query(Staff.id, Staff.name).filter(Staff.id.in_(people)).all())
    rows, total = [], DayRow(None)
    for who in sorted(people, key=lambda w: (names.get(w) or "", w or 0)):
        row = DayRow(who, names.get(who, ""))
        for name, values in columns.items():
            setattr(row, name, values.get(who, ZERO))
        rows.append(row)
        total.add(row)
    return rows, total
