"""The reception register's statistics (来电来访登记): contacts by category and channel, inquiries
answered at once or by callback, callbacks kept on time, the median time to a result, and the
tickets recorded after the fact; per estate and month, with the four quarters compared.

One grouped pass over the tickets received in the months asked for, and one pass over the
times to a result (a median is no SQL aggregate both databases share).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import and_, func

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


def _durations(estate_ids, months: list[Period]) -> list[tuple[int, int, float]]:
    """(month, estate, hours from the event to the result) for each ticket with a result:
    from the real time of the event for one recorded after the fact, else from receipt."""
    rows = db.session.execute(
        db.select(
            Ticket.received_at,
            Ticket.estate_id,
            Ticket.after_the_fact,
            Ticket.occurred_at,
            Ticket.resolved_at,
        ).where(
            Ticket.estate_id.in_(estate_ids),
            Ticket.resolved_at.isnot(None),
            Ticket.status.in_(ANSWERED),
            *in_range(Ticket.received_at, months),
        )
    ).all()
    found = []
    for received, estate_id, after, occurred, resolved in rows:
        start = occurred if after and occurred else received
        month = next(i for i, m in enumerate(months) if m.start <= received < m.end)
        found.append((month, estate_id, max((resolved - start).total_seconds(), 0) / 3600))
    return found


def _summary(groups: list[Group], hours: list[float]) -> dict:
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
        "median_hours": median(hours) if hours else None,
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
    groups, times = _groups(estate_ids, months), _durations(estate_ids, months)
    inside = buckets_within(months, period)
    in_period = [g for g in groups if g.bucket in inside]
    per_month = []
    for i in sorted(inside):
        for estate_id in sorted({g.estate_id for g in groups if g.bucket == i}):
            here = [g for g in groups if g.bucket == i and g.estate_id == estate_id]
            hours = [h for b, e, h in times if b == i and e == estate_id]
            per_month.append(
                {"month": months[i].start.strftime("%Y-%m"), "estate_id": estate_id}
                | _summary(here, hours)
            )
    quarter_rows = []
    for q in quarters:
        inq = buckets_within(months, q)
        quarter_rows.append(
            {"quarter": q.label}
            | _summary([g for g in groups if g.bucket in inq], [h for b, _, h in times if b in inq])
        )
    return {
        "summary": _summary(in_period, [h for b, _, h in times if b in inside]),
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
