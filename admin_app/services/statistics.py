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
from sqlalchemy import and_, case, func, literal_column

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


@dataclass(frozen=True)
class ComplaintGroup:
    """A count of complaints alike in everything the statistics tell apart."""

    bucket: int  # which of the periods asked for
    code: ComplaintCode | None
    validity: Validity | None
    severity: Severity | None
    handled: bool
    revisited: bool
    reported: bool
    on_time: bool
    count: int


def _flag(condition):
    return case((condition, 1), else_=0)


def _bucket(column, periods: list[Period]):
    return case(*((p.contains(column), i) for i, p in enumerate(periods)), else_=-1)


def _by_name(labels) -> list:
    """GROUP BY the output columns' names (g_…, unlike any table column, which would win):
    both databases accept it, and PostgreSQL would not match a repeated CASE whose bound
    parameters are numbered apart."""
    return [literal_column(label.name) for label in labels]


def complaint_groups(estate_ids, periods: list[Period]) -> list[ComplaintGroup]:
    """One pass over the complaints received in the periods: every complaint table (totals,
    categories, validity, severity, deadlines, quarters) is a sum over these groups."""
    reported = Ticket.reported_back_at.isnot(None)
    columns = [
        _bucket(Ticket.received_at, periods).label("g_bucket"),
        Ticket.complaint_code.label("g_code"),
        Ticket.validity.label("g_validity"),
        Ticket.severity.label("g_severity"),
        _flag(Ticket.status.in_(HANDLED)).label("g_handled"),
        _flag(Ticket.revisited_at.isnot(None)).label("g_revisited"),
        _flag(reported).label("g_reported"),
        _flag(and_(reported, Ticket.reported_back_at <= Ticket.complaint_due_at)).label(
            "g_on_time"
        ),
    ]
    rows = db.session.execute(
        db.select(*columns, func.count())
        .where(
            Ticket.category == TicketCategory.complaint,
            Ticket.estate_id.in_(estate_ids),
            Ticket.received_at >= min(p.start for p in periods),
            Ticket.received_at < max(p.end for p in periods),
        )
        .group_by(*_by_name(columns))
    ).all()
    return [
        ComplaintGroup(b, code, validity, severity, bool(h), bool(r), bool(rep), bool(ot), n)
        for b, code, validity, severity, h, r, rep, ot, n in rows
        if b >= 0
    ]


def _complaint_totals(groups) -> tuple[int, int, int, int]:
    """Received, handled, revisited (of the handled) and reported back in time."""
    return (
        sum(g.count for g in groups),
        sum(g.count for g in groups if g.handled),
        sum(g.count for g in groups if g.handled and g.revisited),
        sum(g.count for g in groups if g.on_time),
    )


def complaint_summary(estate_ids, period: Period) -> dict:
    groups = complaint_groups(estate_ids, [period])
    total, handled_n, revisited_n, on_time_n = _complaint_totals(groups)
    return {
        "total": total,
        "handled": handled_n,
        "revisited": revisited_n,
        "on_time": on_time_n,
        "handling_rate": rate(handled_n, total),
        "revisit_rate": rate(revisited_n, handled_n),
        "by_category": _counts(groups, "code", ComplaintCode),
        "by_validity": _counts(groups, "validity", Validity),
        "by_severity": _counts(groups, "severity", Severity),
        "deadlines": _deadline_rows(groups),
    }


def _counts(groups, field: str, enum_cls) -> list[tuple]:
    found: dict = {}
    for g in groups:
        found[getattr(g, field)] = found.get(getattr(g, field), 0) + g.count
    rows = [(member, found.get(member, 0)) for member in enum_cls]
    if found.get(None):
        rows.append((None, found[None]))
    return rows


def _not_serious(g: ComplaintGroup) -> bool:
    # As SQL compares: a complaint whose severity is not yet classified is in no class.
    return g.severity is not None and g.severity is not Severity.serious


DEADLINE_CLASSES = (
    (
        "invalid",
        _l("Invalid: explained within 1 day"),
        lambda g: g.validity is Validity.invalid and _not_serious(g),
    ),
    (
        "valid",
        _l("Valid: handled within 3 days"),
        lambda g: g.validity is Validity.valid and _not_serious(g),
    ),
    ("serious", _l("Serious: result within 48 hours"), lambda g: g.severity is Severity.serious),
)


def deadline_table(estate_ids, period: Period) -> list[dict]:
    return _deadline_rows(complaint_groups(estate_ids, [period]))


def _deadline_rows(groups) -> list[dict]:
    rows = []
    for key, label, belongs in DEADLINE_CLASSES:
        members = [g for g in groups if belongs(g)]
        total = sum(g.count for g in members)
        done = sum(g.count for g in members if g.reported)
        in_time = sum(g.count for g in members if g.on_time)
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
    satisfied = func.sum(_flag(WorkOrder.satisfaction.in_(SATISFIED)))
    unsatisfied = func.sum(_flag(WorkOrder.satisfaction == Satisfaction.unsatisfied))
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
        db.select(func.count(), func.sum(_flag(WorkOrder.revisited_at.isnot(None)))).where(
            *closed_in_period
        )
    ).one()
    return {"closed": closed, "revisited": revisited or 0, "rate": rate(revisited or 0, closed)}


def work_orders_by_trade(estate_ids, period: Period) -> list[dict]:
    finished = (WorkOrderStatus.closed, WorkOrderStatus.revisited)
    rows = db.session.execute(
        db.select(
            WorkOrder.estate_id,
            WorkOrder.trade,
            func.count(),
            func.sum(_flag(WorkOrder.status.in_(finished))),
            func.sum(_flag(WorkOrder.is_emergency.is_(True))),
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
    """The last four quarters side by side, for the comparison charts: three grouped queries,
    whatever the number of quarters."""
    quarters = quarters_up_to(period)
    complaints = complaint_groups(estate_ids, quarters)
    revisits = _per_bucket(
        WorkOrder.revisited_at,
        quarters,
        estate_ids,
        func.count(),
        func.sum(_flag(WorkOrder.satisfaction.in_(SATISFIED))),
    )
    closed = _per_bucket(
        WorkOrder.closed_at,
        quarters,
        estate_ids,
        func.count(),
        func.sum(_flag(WorkOrder.revisited_at.isnot(None))),
    )
    rows = []
    for i, q in enumerate(quarters):
        total, handled_n, revisited_n, _ = _complaint_totals(
            [g for g in complaints if g.bucket == i]
        )
        revisit_count, satisfied = revisits.get(i, (0, 0))
        closed_count, closed_revisited = closed.get(i, (0, 0))
        rows.append(
            {
                "quarter": q.label,
                "complaints": total,
                "handling_rate": rate(handled_n, total),
                "complaint_revisit_rate": rate(revisited_n, handled_n),
                "revisits": revisit_count,
                "satisfaction_rate": rate(satisfied or 0, revisit_count),
                "order_revisit_rate": rate(closed_revisited or 0, closed_count),
            }
        )
    return rows


def _per_bucket(column, periods, estate_ids, *aggregates) -> dict[int, tuple]:
    """Work-order aggregates per period, keyed by the period's index, in one query."""
    rows = db.session.execute(
        db.select(_bucket(column, periods).label("g_bucket"), *aggregates)
        .where(
            WorkOrder.estate_id.in_(estate_ids),
            column >= min(p.start for p in periods),
            column < max(p.end for p in periods),
        )
        .group_by(literal_column("g_bucket"))  # see _by_name
    ).all()
    return {bucket: tuple(values) for bucket, *values in rows if bucket >= 0}
