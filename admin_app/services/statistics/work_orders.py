"""Work-order statistics: revisits per technician, closed orders revisited, orders per trade.

Revisits and closings are grouped per period asked for (months, for the page), so that one pass
serves the period's tables and the quarters compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal_column

from admin_app.extensions import db
from admin_app.models import Satisfaction, Staff, Trade, WorkOrder, WorkOrderStatus
from admin_app.services.statistics.periods import Period, bucket, flag, in_range, rate

SATISFIED = (Satisfaction.satisfied, Satisfaction.basically)
RATINGS = ("timeliness", "quality", "fee", "attitude")


@dataclass(frozen=True)
class RevisitGroup:
    """The revisits of one technician in one period: counts and rating sums, so that groups
    add up (an average of averages would not)."""

    bucket: int
    technician_id: int | None
    count: int
    rating_sums: tuple  # in RATINGS order
    rating_counts: tuple  # how many revisits gave each rating
    satisfied: int
    unsatisfied: int


def revisit_groups(estate_ids, periods: list[Period]) -> list[RevisitGroup]:
    ratings = [getattr(WorkOrder, f"rating_{name}") for name in RATINGS]
    rows = db.session.execute(
        db.select(
            bucket(WorkOrder.revisited_at, periods).label("g_bucket"),
            WorkOrder.technician_id,
            func.count(),
            *(func.sum(r) for r in ratings),
            *(func.count(r) for r in ratings),
            func.sum(flag(WorkOrder.satisfaction.in_(SATISFIED))),
            func.sum(flag(WorkOrder.satisfaction == Satisfaction.unsatisfied)),
        )
        .where(WorkOrder.estate_id.in_(estate_ids), *in_range(WorkOrder.revisited_at, periods))
        .group_by(literal_column("g_bucket"), WorkOrder.technician_id)  # see periods.by_name
    ).all()
    return [
        RevisitGroup(
            row[0], row[1], row[2], tuple(row[3:7]), tuple(row[7:11]), row[11] or 0, row[12] or 0
        )
        for row in rows
        if row[0] >= 0
    ]


def revisit_as_row(g: RevisitGroup) -> list:
    return [
        g.bucket,
        g.technician_id,
        g.count,
        list(g.rating_sums),
        list(g.rating_counts),
        g.satisfied,
        g.unsatisfied,
    ]


def revisit_from_row(row: list) -> RevisitGroup:
    b, tech, count, sums, counts, ok, bad = row
    return RevisitGroup(b, tech, count, tuple(sums), tuple(counts), ok, bad)


def revisit_rows(groups: list[RevisitGroup]) -> list[dict]:
    """The monthly revisit statistics table, one row per technician."""
    per_technician: dict = {}
    for g in groups:
        found = per_technician.setdefault(g.technician_id, [0, [0] * 4, [0] * 4, 0, 0])
        found[0] += g.count
        for i in range(4):
            found[1][i] += g.rating_sums[i] or 0
            found[2][i] += g.rating_counts[i] or 0
        found[3] += g.satisfied
        found[4] += g.unsatisfied
    ids = [t for t in per_technician if t]
    names = dict(db.session.execute(db.select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())
    table = []
    for tech_id, (count, sums, counts, ok, bad) in per_technician.items():
        row = {"technician": names.get(tech_id, "—"), "revisits": count}
        for name, total, n in zip(RATINGS, sums, counts, strict=True):
            row[name] = round(float(total) / n, 2) if n else None
        row.update(satisfied=ok, unsatisfied=bad, satisfaction_rate=rate(ok, count))
        table.append(row)
    return sorted(table, key=lambda row: (-row["revisits"], row["technician"]))


def closed_counts(estate_ids, periods: list[Period]) -> dict[int, tuple[int, int]]:
    """Per period: work orders closed in it, and how many of those were revisited."""
    rows = db.session.execute(
        db.select(
            bucket(WorkOrder.closed_at, periods).label("g_bucket"),
            func.count(),
            func.sum(flag(WorkOrder.revisited_at.isnot(None))),
        )
        .where(WorkOrder.estate_id.in_(estate_ids), *in_range(WorkOrder.closed_at, periods))
        .group_by(literal_column("g_bucket"))
    ).all()
    return {b: (n, revisited or 0) for b, n, revisited in rows if b >= 0}


def revisit_rate(closed: dict[int, tuple[int, int]], buckets) -> dict:
    count = sum(closed.get(b, (0, 0))[0] for b in buckets)
    revisited = sum(closed.get(b, (0, 0))[1] for b in buckets)
    return {"closed": count, "revisited": revisited, "rate": rate(revisited, count)}


def by_trade(estate_ids, period: Period) -> list[dict]:
    finished = (WorkOrderStatus.closed, WorkOrderStatus.revisited)
    rows = db.session.execute(
        db.select(
            WorkOrder.estate_id,
            WorkOrder.trade,
            func.count(),
            func.sum(flag(WorkOrder.status.in_(finished))),
            func.sum(flag(WorkOrder.is_emergency.is_(True))),
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
