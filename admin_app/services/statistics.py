"""Monthly and quarterly statistics the offices are judged on [DOMAIN: Targets].

complaint handling rate = complaints with a result (resolved or closed) / complaints received
revisit rate            = handled complaints revisited / handled complaints
                          (work orders: closed orders revisited / orders closed)
satisfaction rate       = revisits judged satisfied or basically satisfied / revisits
Deadlines: invalid 1 day, valid 3 days, serious 48 hours, counted from receipt to report-back.
All numbers are computed in the database (GROUP BY over indexed columns), per period and
for the estates asked, which are always within the user's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func

from ..extensions import db
from ..models import (
    ComplaintCode,
    Satisfaction,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    WorkOrder,
    WorkOrderStatus,
)
from .errors import ServiceError

TARGETS = {"complaint_handling": 1.0, "complaint_revisit": 1.0, "satisfaction": 0.95}
HANDLED = (TicketStatus.resolved, TicketStatus.closed)
SATISFIED = (Satisfaction.satisfied, Satisfaction.basically)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive
    label: str

    def contains(self, column):
        return and_(column >= self.start, column < self.end)


def parse_period(text: str) -> Period:
    """'2026-11' (a month), '2026-Q4' (a quarter) or '2026' (a year)."""
    text = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return Period(
                datetime(year, month, 1), _month_after(year, month), f"{year}-{month:02d}"
            )
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return quarter(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return Period(datetime(year, 1, 1), datetime(year + 1, 1, 1), str(year))
    raise ServiceError(_l("Choose a month (2026-11), a quarter (2026-Q4) or a year (2026)."))


def _month_after(year: int, month: int) -> datetime:
    return datetime(year + (month == 12), month % 12 + 1, 1)


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(datetime(year, first, 1), _month_after(year, first + 2), f"{year}-Q{number}")


def quarters_up_to(period: Period, count: int = 4) -> list[Period]:
    year, number = period.start.year, (period.start.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        result.append(quarter(year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return list(reversed(result))


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _complaints(estate_ids, period: Period):
    return (
        Ticket.category == TicketCategory.complaint,
        Ticket.estate_id.in_(estate_ids),
        period.contains(Ticket.received_at),
    )


def _complaint_totals(where) -> tuple[int, int, int, int]:
    """Received, handled, revisited (of the handled) and reported back in time."""
    handled = case((Ticket.status.in_(HANDLED), 1), else_=0)
    revisited = case(
        (and_(Ticket.status.in_(HANDLED), Ticket.revisited_at.isnot(None)), 1), else_=0
    )
    on_time = case(
        (
            and_(
                Ticket.reported_back_at.isnot(None),
                Ticket.reported_back_at <= Ticket.complaint_due_at,
            ),
            1,
        ),
        else_=0,
    )
    total, handled_n, revisited_n, on_time_n = db.session.execute(
        db.select(func.count(), func.sum(handled), func.sum(revisited), func.sum(on_time)).where(
            *where
        )
    ).one()
    return total, handled_n or 0, revisited_n or 0, on_time_n or 0


def complaint_summary(estate_ids, period: Period) -> dict:
    where = _complaints(estate_ids, period)
    total, handled_n, revisited_n, on_time_n = _complaint_totals(where)
    return {
        "total": total,
        "handled": handled_n,
        "revisited": revisited_n,
        "on_time": on_time_n,
        "handling_rate": rate(handled_n, total),
        "revisit_rate": rate(revisited_n, handled_n),
        "by_category": _counts(Ticket.complaint_code, ComplaintCode, where),
        "by_validity": _counts(Ticket.validity, Validity, where),
        "by_severity": _counts(Ticket.severity, Severity, where),
        "deadlines": deadline_table(estate_ids, period),
    }


def _counts(column, enum_cls, where) -> list[tuple]:
    found = dict(
        db.session.execute(db.select(column, func.count()).where(*where).group_by(column)).all()
    )
    rows = [(member, found.get(member, 0)) for member in enum_cls]
    if found.get(None):
        rows.append((None, found[None]))
    return rows


DEADLINE_CLASSES = (
    (
        "invalid",
        _l("Invalid: explained within 1 day"),
        and_(Ticket.validity == Validity.invalid, Ticket.severity != Severity.serious),
    ),
    (
        "valid",
        _l("Valid: handled within 3 days"),
        and_(Ticket.validity == Validity.valid, Ticket.severity != Severity.serious),
    ),
    ("serious", _l("Serious: result within 48 hours"), Ticket.severity == Severity.serious),
)


def deadline_table(estate_ids, period: Period) -> list[dict]:
    where = _complaints(estate_ids, period)
    rows = []
    for key, label, condition in DEADLINE_CLASSES:
        reported = Ticket.reported_back_at.isnot(None)
        total, done, in_time = db.session.execute(
            db.select(
                func.count(),
                func.sum(case((reported, 1), else_=0)),
                func.sum(
                    case(
                        (and_(reported, Ticket.reported_back_at <= Ticket.complaint_due_at), 1),
                        else_=0,
                    )
                ),
            ).where(*where, condition)
        ).one()
        done, in_time = done or 0, in_time or 0
        rows.append(
            {
                "key": key,
                "label": label,
                "total": total,
                "handled": done,
                "on_time": in_time,
                "late": done - in_time,
                "open": total - done,
                "on_time_rate": rate(in_time, done),
            }
        )
    return rows


def revisit_table(estate_ids, period: Period) -> list[dict]:
    """The monthly revisit statistics table, one row per technician."""
    where = (WorkOrder.estate_id.in_(estate_ids), period.contains(WorkOrder.revisited_at))
    satisfied = func.sum(case((WorkOrder.satisfaction.in_(SATISFIED), 1), else_=0))
    unsatisfied = func.sum(case((WorkOrder.satisfaction == Satisfaction.unsatisfied, 1), else_=0))
    query = (
        db.select(
            WorkOrder.technician_id,
            func.count(),
            func.avg(WorkOrder.rating_timeliness),
            func.avg(WorkOrder.rating_quality),
            func.avg(WorkOrder.rating_fee),
            func.avg(WorkOrder.rating_attitude),
            satisfied,
            unsatisfied,
        )
        .where(*where)
        .group_by(WorkOrder.technician_id)
    )
    results = db.session.execute(query).all()
    names = dict(
        db.session.execute(
            db.select(Staff.id, Staff.name).where(Staff.id.in_([r[0] for r in results if r[0]]))
        ).all()
    )
    table = []
    for tech_id, count, timeliness, quality, fee, attitude, ok, bad in results:
        table.append(
            {
                "technician": names.get(tech_id, "—"),
                "revisits": count,
                "timeliness": _avg(timeliness),
                "quality": _avg(quality),
                "fee": _avg(fee),
                "attitude": _avg(attitude),
                "satisfied": ok or 0,
                "unsatisfied": bad or 0,
                "satisfaction_rate": rate(ok or 0, count),
            }
        )
    return sorted(table, key=lambda row: (-row["revisits"], row["technician"]))


def _avg(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def work_order_revisit_rate(estate_ids, period: Period) -> dict:
    closed_in_period = (WorkOrder.estate_id.in_(estate_ids), period.contains(WorkOrder.closed_at))
    closed, revisited = db.session.execute(
        db.select(
            func.count(), func.sum(case((WorkOrder.revisited_at.isnot(None), 1), else_=0))
        ).where(*closed_in_period)
    ).one()
    return {"closed": closed, "revisited": revisited or 0, "rate": rate(revisited or 0, closed)}


def work_orders_by_trade(estate_ids, period: Period) -> list[dict]:
    finished = (WorkOrderStatus.closed, WorkOrderStatus.revisited)
    rows = db.session.execute(
        db.select(
            WorkOrder.estate_id,
            WorkOrder.trade,
            func.count(),
            func.sum(case((WorkOrder.status.in_(finished), 1), else_=0)),
            func.sum(case((WorkOrder.is_emergency.is_(True), 1), else_=0)),
        )
        .where(WorkOrder.estate_id.in_(estate_ids), period.contains(WorkOrder.created_at))
        .group_by(WorkOrder.estate_id, WorkOrder.trade)
    ).all()
    order = {t: i for i, t in enumerate(Trade)}
    return sorted(
        (
            {"estate_id": e, "trade": t, "total": n, "finished": f or 0, "emergencies": em or 0}
            for e, t, n, f, em in rows
        ),
        key=lambda r: (r["estate_id"], order[r["trade"]]),
    )


def quarterly(estate_ids, period: Period) -> list[dict]:
    """The last four quarters side by side, for the comparison charts."""
    rows = []
    for q in quarters_up_to(period):
        complaints = complaint_summary_counts(estate_ids, q)
        revisits = db.session.execute(
            db.select(
                func.count(), func.sum(case((WorkOrder.satisfaction.in_(SATISFIED), 1), else_=0))
            ).where(WorkOrder.estate_id.in_(estate_ids), q.contains(WorkOrder.revisited_at))
        ).one()
        rows.append(
            {
                "quarter": q.label,
                **complaints,
                "revisits": revisits[0],
                "satisfaction_rate": rate(revisits[1] or 0, revisits[0]),
                "order_revisit_rate": work_order_revisit_rate(estate_ids, q)["rate"],
            }
        )
    return rows


def complaint_summary_counts(estate_ids, period: Period) -> dict:
    total, handled_n, revisited_n, _ = _complaint_totals(_complaints(estate_ids, period))
    return {
        "complaints": total,
        "handling_rate": rate(handled_n, total),
        "complaint_revisit_rate": rate(revisited_n, handled_n),
    }
