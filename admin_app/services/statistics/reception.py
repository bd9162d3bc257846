"""The reception register's statistics (来电来访登记): contacts by category and channel, inquiries
answered at once or by callback, callbacks kept on time, the median time to a result, and the
tickets recorded after the fact; per estate and month, with the four quarters compared.

One grouped pass over the tickets received in the months asked for, and one over the times to
a result: PostgreSQL counts their medians (percentile_cont); on SQLite, which has no median,
the times are read and counted here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import and_, case, extract, func, tuple_

from admin_app.extensions import db
from admin_app.models import Channel, Ticket, TicketCategory, TicketStatus
from admin_app.services.statistics.periods import (
    Period,
    bucket,
    buckets_within,
    by_name,
    flag,
    in_range,
    months_spanning,
    quarters_up_to,
    rate,
)

C = TicketCategory
ANSWERED = (TicketStatus.resolved, TicketStatus.closed)


@dataclass(frozen=True)
class Group:
    bucket: int  # which month
    estate_id: int
    category: TicketCategory
    channel: Channel
    at_once: bool  # an inquiry answered there and then
    callback: bool  # an inquiry promised a callback
    kept: bool  # ... and the resident was answered by the promised time
    after: bool  # recorded after the fact
    count: int


def _groups(estate_ids, months: list[Period]) -> list[Group]:
    promised = Ticket.callback_due_at.isnot(None)
    answered_at = func.coalesce(Ticket.resident_informed_at, Ticket.resolved_at)
    inquiry = Ticket.category == C.inquiry
    columns = [
        bucket(Ticket.received_at, months).label("g_bucket"),
        Ticket.estate_id.label("g_estate"),
        Ticket.category.label("g_category"),
        Ticket.channel.label("g_channel"),
        flag(and_(inquiry, ~promised, Ticket.status.in_(ANSWERED))).label("g_at_once"),
        flag(and_(inquiry, promised)).label("g_callback"),
        flag(and_(inquiry, promised, answered_at <= Ticket.callback_due_at)).label("g_kept"),
        flag(Ticket.after_the_fact.is_(True)).label("g_after"),
    ]
    rows = db.session.execute(
        db.select(*columns, func.count())
        .where(
            Ticket.estate_id.in_(estate_ids),
            Ticket.status != TicketStatus.cancelled,
            *in_range(Ticket.received_at, months),
        )
        .group_by(*by_name(columns))
    ).all()
    return [
        Group(b, e, C(cat), Channel(ch), bool(a), bool(cb), bool(k), bool(af), n)
        for b, e, cat, ch, a, cb, k, af, n in rows
        if b >= 0
    ]


@dataclass
class Medians:
    """The median hours to a result per (month, estate) of the period, per quarter compared,
    and over the period."""

    per_month: dict
    per_quarter: list
    period: float | None


def _hours_to_result():
    """Hours from the event to the result: from the real time of the event for a ticket
    recorded after the fact, else from receipt (never below zero)."""
    start = case(
        (and_(Ticket.after_the_fact.is_(True), Ticket.occurred_at.isnot(None)), Ticket.occurred_at),
        else_=Ticket.received_at,
    )
    return func.greatest(extract("epoch", Ticket.resolved_at - start) / 3600.0, 0)


def _answered(estate_ids, months: list[Period]) -> tuple:
    return (
        Ticket.estate_id.in_(estate_ids),
        Ticket.resolved_at.isnot(None),
        Ticket.status.in_(ANSWERED),
        *in_range(Ticket.received_at, months),
    )


def _medians(estate_ids, months, inside: set, quarters: list[set]) -> Medians:
    if db.session.get_bind().dialect.name == "postgresql":
        return _medians_counted_there(estate_ids, months, inside, quarters)
    return _medians_counted_here(estate_ids, months, inside, quarters)


def _medians_counted_here(estate_ids, months, inside: set, quarters: list[set]) -> Medians:
    per_month, per_quarter, period = defaultdict(list), [[] for _ in quarters], []
    for month, estate_id, hours in _durations(estate_ids, months):
        if month in inside:
            per_month[(month, estate_id)].append(hours)
            period.append(hours)
        for i, buckets in enumerate(quarters):
            if month in buckets:
                per_quarter[i].append(hours)
    return Medians(
        {key: median(hours) for key, hours in per_month.items()},
        [median(hours) if hours else None for hours in per_quarter],
        median(period) if period else None,
    )


def _medians_counted_there(estate_ids, months, inside: set, quarters: list[set]) -> Medians:
    """PostgreSQL counts the medians itself (percentile_cont), in one pass over the tickets
    with a result, grouped three ways at once; only the medians travel, not every ticket's
    time (a year of forty estates is 300k of them)."""
    month = bucket(Ticket.received_at, months)
    columns = [
        month.label("g_month"),
        Ticket.estate_id.label("g_estate"),
        case(*((month.in_(sorted(b)), i) for i, b in enumerate(quarters) if b), else_=-1).label(
            "g_quarter"
        ),
        flag(month.in_(sorted(inside))).label("g_period"),
    ]
    g_month, g_estate, g_quarter, g_period = by_name(columns)
    rows = db.session.execute(
        db.select(
            *columns, func.percentile_cont(0.5).within_group(_hours_to_result()).label("median")
        )
        .where(*_answered(estate_ids, months))
        .group_by(func.grouping_sets(tuple_(g_month, g_estate), g_quarter, g_period))
    ).all()
    found = Medians({}, [None] * len(quarters), None)
    for month_index, estate_id, quarter, in_period, hours in rows:
        if month_index is not None:  # grouped by month and estate
            if month_index in inside:
                found.per_month[(month_index, estate_id)] = float(hours)
        elif quarter is not None:
            if quarter >= 0:
                found.per_quarter[quarter] = float(hours)
        elif in_period == 1:
            found.period = float(hours)
    return found


def _durations(estate_ids, months: list[Period]) -> list[tuple[int, int, float]]:
    """(month, estate, hours from the event to the result) for each ticket with a result
    (SQLite, where no median is counted in SQL: an office's few estates)."""
    rows = db.session.execute(
        db.select(
            Ticket.received_at,
            Ticket.estate_id,
            Ticket.after_the_fact,
            Ticket.occurred_at,
            Ticket.resolved_at,
        ).where(*_answered(estate_ids, months))
    ).all()
    found = []
    for received, estate_id, after, occurred, resolved in rows:
        start = occurred if after and occurred else received
        month = next(i for i, m in enumerate(months) if m.start <= received < m.end)
        found.append((month, estate_id, max((resolved - start).total_seconds(), 0) / 3600))
    return found


def _summary(groups: list[Group], median_hours: float | None) -> dict:
    total = sum(g.count for g in groups)
    inquiries = sum(g.count for g in groups if g.category is C.inquiry)
    callbacks = sum(g.count for g in groups if g.callback)
    kept = sum(g.count for g in groups if g.kept)
    at_once = sum(g.count for g in groups if g.at_once)
    return {
        "contacts": total,
        "inquiries": inquiries,
        "at_once": at_once,
        "by_callback": callbacks,
        "callbacks_kept": kept,
        "at_once_rate": rate(at_once, inquiries),
        "kept_rate": rate(kept, callbacks),
        "after_the_fact": sum(g.count for g in groups if g.after),
        "median_hours": median_hours,
    }


def _by_category_and_channel(groups: list[Group]) -> list[dict]:
    counts = Counter()
    for g in groups:
        counts[(g.category, g.channel)] += g.count
    return [
        {
            "category": category,
            "channels": [counts[(category, ch)] for ch in Channel],
            "total": sum(counts[(category, ch)] for ch in Channel),
        }
        for category in C
    ]


def report(estate_ids, period: Period) -> dict:
    """Everything the reception page and the monthly report show, for the estates asked."""
    quarters = quarters_up_to(period)
    months = months_spanning([period, *quarters])
    inside = buckets_within(months, period)
    in_quarters = [buckets_within(months, q) for q in quarters]
    groups = _groups(estate_ids, months)
    medians = _medians(estate_ids, months, inside, in_quarters)
    in_period = [g for g in groups if g.bucket in inside]
    per_month = []
    # Each group once: by month and estate (a year of forty estates is 480 rows of them).
    by_month_estate = defaultdict(list)
    for g in in_period:
        by_month_estate[(g.bucket, g.estate_id)].append(g)
    for i, estate_id in sorted(by_month_estate):
        per_month.append(
            {"month": months[i].start.strftime("%Y-%m"), "estate_id": estate_id}
            | _summary(by_month_estate[(i, estate_id)], medians.per_month.get((i, estate_id)))
        )
    quarter_rows = [
        {"quarter": q.label}
        | _summary([g for g in groups if g.bucket in inq], medians.per_quarter[n])
        for n, (q, inq) in enumerate(zip(quarters, in_quarters, strict=True))
    ]
    return {
        "summary": _summary(in_period, medians.period),
        "channels": list(Channel),
        "by_category": _by_category_and_channel(in_period),
        "per_month": per_month,
        "quarters": quarter_rows,
    }


def previous_month(today) -> str:
    """The month before `today`'s, as '2026-11' (the monthly report's period)."""
    first = datetime(today.year, today.month, 1)
    year, month = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    return f"{year}-{month:02d}"
