"""The statistics page's grouped passes, read from the monthly counts (rollups) rather than
from the records: the same groups as complaints.py and work_orders.py count afresh, summed
over the estates asked for, one small table each."""

from __future__ import annotations

from sqlalchemy import func

from admin_app.extensions import db
from admin_app.models import ComplaintCode, Severity, Trade, Validity
from admin_app.models.statistics_rollup import (
    RATINGS,
    closed_month,
    complaint_month,
    revisit_month,
    trade_month,
)
from admin_app.services.statistics.complaints import ComplaintGroup
from admin_app.services.statistics.periods import Period
from admin_app.services.statistics.rollups import month_of
from admin_app.services.statistics.work_orders import RevisitGroup


def months_asked(table, estate_ids, months: list[Period]):
    """WHERE for the months asked for, and month → bucket (its index among them)."""
    where = (
        table.c.estate_id.in_(estate_ids),
        table.c.month >= month_of(months[0].start),
        table.c.month < months[-1].end.date(),  # periods are whole months
    )
    return where, {month_of(p.start): i for i, p in enumerate(months)}


def _member(enum_cls, value: str):
    return enum_cls(value) if value else None


def complaint_groups(estate_ids, months: list[Period]) -> list[ComplaintGroup]:
    t = complaint_month
    where, buckets = months_asked(t, estate_ids, months)
    dims = [t.c.month, t.c.code, t.c.validity, t.c.severity, t.c.handled, t.c.revisited]
    dims += [t.c.reported, t.c.on_time, t.c.reopened]
    rows = db.session.execute(
        db.select(*dims, func.sum(t.c.complaints)).where(*where).group_by(*dims)
    ).all()
    return [
        ComplaintGroup(
            buckets[month],
            _member(ComplaintCode, code),
            _member(Validity, validity),
            _member(Severity, severity),
            bool(handled),
            bool(revisited),
            bool(reported),
            bool(on_time),
            int(n),
            bool(reopened),
        )
        for month, code, validity, severity, handled, revisited, reported, on_time, reopened, n in rows
        if month in buckets and n
    ]


def revisit_groups(estate_ids, months: list[Period]) -> list[RevisitGroup]:
    t = revisit_month
    where, buckets = months_asked(t, estate_ids, months)
    measures = ["revisits", *(f"{r}_sum" for r in RATINGS), *(f"{r}_given" for r in RATINGS)]
    measures += ["satisfied", "unsatisfied"]
    rows = db.session.execute(
        db.select(t.c.month, t.c.technician_id, *(func.sum(t.c[m]) for m in measures))
        .where(*where)
        .group_by(t.c.month, t.c.technician_id)
    ).all()
    return [
        RevisitGroup(
            buckets[month],
            tech or None,
            int(n),
            tuple(int(x) for x in rest[0:4]),
            tuple(int(x) for x in rest[4:8]),
            int(rest[8]),
            int(rest[9]),
        )
        for month, tech, n, *rest in rows
        if month in buckets and n
    ]


def closed_counts(estate_ids, months: list[Period]) -> dict[int, tuple[int, int]]:
    t = closed_month
    where, buckets = months_asked(t, estate_ids, months)
    rows = db.session.execute(
        db.select(t.c.month, func.sum(t.c.closed), func.sum(t.c.revisited))
        .where(*where)
        .group_by(t.c.month)
    ).all()
    return {buckets[m]: (int(n), int(r)) for m, n, r in rows if m in buckets and n}


def by_trade(estate_ids, period: Period) -> list[dict]:
    t = trade_month
    where, _ = months_asked(t, estate_ids, [period])
    rows = db.session.execute(
        db.select(
            t.c.estate_id,
            t.c.trade,
            func.sum(t.c.orders),
            func.sum(t.c.finished),
            func.sum(t.c.emergencies),
        )
        .where(*where)
        .group_by(t.c.estate_id, t.c.trade)
    ).all()
    order = {m: i for i, m in enumerate(Trade)}
    return sorted(
        (
            {
                "estate_id": e,
                "trade": Trade(trade),
                "total": int(n),
                "finished": int(f),
                "emergencies": int(em),
            }
            for e, trade, n, f, em in rows
            if n
        ),
        key=lambda r: (r["estate_id"], order[r["trade"]]),
    )
