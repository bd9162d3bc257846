"""The reception register's statistics (来电来访登记): contacts by category and channel, inquiries
answered at once or by callback, callbacks kept on time, the median time to a result, and the
tickets recorded after the fact; per estate and month, with the four quarters compared.

The page sums the monthly counts kept with the tickets (reception_month, and result_span_month
with result_time_month for the times; see rollups): a few thousand rows for a director's year
over forty estates, not its 300k tickets.
The medians come from the times' distribution there: each time counted down to the precision
shown (rollups.result_minutes), the middle one, or the mean of the two middle ones.
`recount=True` counts the same figures from the tickets themselves (what the tests hold the
kept ones to).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ARRAY, and_, func, literal, tuple_

from admin_app.extensions import db
from admin_app.models import Channel, Ticket, TicketCategory, TicketStatus
from admin_app.models.statistics_rollup import (
    reception_month,
    result_span_month,
    result_time_month,
)
from admin_app.services.statistics.at_once import all_at_once
from admin_app.services.statistics.kept_counts import months_asked
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
from admin_app.services.statistics.rollups import month_of, result_minutes

C = TicketCategory
ANSWERED = (TicketStatus.resolved, TicketStatus.closed)
MEASURES = ("contacts", "inquiries", "at_once", "by_callback", "callbacks_kept", "after_the_fact")


@dataclass(frozen=True)
class Group:
    """Contacts alike in everything the figures tell apart (the recount's unit)."""

    bucket: int  # which month
    estate_id: int
    category: TicketCategory
    channel: Channel
    at_once: bool  # an inquiry answered there and then
    callback: bool  # an inquiry promised a callback
    kept: bool  # ... and the resident was answered by the promised time
    after: bool  # recorded after the fact
    count: int


@dataclass
class Medians:
    """The median hours to a result per (month, estate) of the period, per quarter compared,
    and over the period."""

    per_month: dict
    per_quarter: list
    period: float | None


@dataclass
class Figures:
    tallies: dict  # (month, estate) -> Counter of MEASURES
    channels: Counter  # (category, channel) -> contacts within the period
    medians: Medians


def _kept_tallies(estate_ids, months: list[Period]) -> dict:
    t = reception_month
    where, buckets = months_asked(t, estate_ids, months)
    contacts = func.sum(t.c.contacts)
    rows = db.session.execute(
        db.select(
            t.c.month,
            t.c.estate_id,
            contacts,
            contacts.filter(t.c.category == C.inquiry.value),
            contacts.filter(t.c.at_once),
            contacts.filter(t.c.callback),
            contacts.filter(t.c.kept),
            contacts.filter(t.c.after_the_fact),
        )
        .where(*where)
        .group_by(t.c.month, t.c.estate_id)
    ).all()
    return {
        (buckets[m], e): Counter(dict(zip(MEASURES, (int(n or 0) for n in counts), strict=True)))
        for m, e, *counts in rows
        if m in buckets and counts[0]
    }


def _kept_channels(estate_ids, months: list[Period], inside: set[int]) -> Counter:
    t = reception_month
    asked = [month_of(months[i].start) for i in sorted(inside)]
    rows = db.session.execute(
        db.select(t.c.category, t.c.channel, func.sum(t.c.contacts))
        .where(*months_asked(t, estate_ids, months)[0], t.c.month.in_(asked))
        .group_by(t.c.category, t.c.channel)
    ).all()
    return Counter({(C(cat), Channel(ch)): int(n) for cat, ch, n in rows if n})


def _hours(lower, upper) -> float:
    return (int(lower) + int(upper)) / 120


def _middle_ranks(n: int) -> tuple[int, int]:
    """The places of the two middle tickets of n in order of their time (one when n is odd)."""
    return (n + 1) // 2, n // 2 + 1


def _where_middles_lie(spans: Counter) -> dict[int, list[int]]:
    """{span: the middle tickets' places within it} from a group's tickets per span."""
    found, before = defaultdict(list), 0
    for span in sorted(spans):
        here = spans[span]
        for rank in _middle_ranks(sum(spans.values())):
            if before < rank <= before + here:
                found[span].append(rank - before)
        before += here
    return found


def _minutes_at(times: list[tuple[int, int]], rank: int) -> int | None:
    """The minutes of the ticket at this place among the (minutes, tickets) of one span.
    The spans and their times are two reads: a ticket answered or reopened between them can
    leave the span short of the place, and then its last time read stands in for it."""
    seen, last = 0, None
    for minutes, tickets in sorted(times):
        seen, last = seen + tickets, minutes
        if seen >= rank:
            return minutes
    return last


def _one_of(keys: list[tuple], *columns):
    """The rows whose columns' values are one of the keys. PostgreSQL gets the keys as one
    array per column, joined to the table's key one by one (as an IN list of hundreds of
    tuples it would plan an OR of as many index scans); SQLite, an IN list of tuples."""
    if db.session.get_bind().dialect.name != "postgresql":
        return tuple_(*columns).in_(keys)
    per_column = zip(*keys, strict=True)
    arrays = [
        literal(list(values), ARRAY(column.type))
        for column, values in zip(columns, per_column, strict=True)
    ]
    asked = func.unnest(*arrays).table_valued(*(c.name for c in columns)).render_derived()
    return tuple_(*columns).in_(db.select(*asked.c))


class _KeptMedians:
    """The medians from the kept distribution in two steps: the tickets per span of each
    group (an estate's month, a quarter, the period) say in which span its middle tickets lie
    and at which place; then only those spans' times are read. A director's year reads ~7k
    span rows and ~9k times instead of the ~60k times of its 480 estate-months."""

    def __init__(self, estate_ids, months: list[Period], inside: set, quarters: list[set]):
        self.estate_ids, self.inside, self.quarters = estate_ids, inside, quarters
        self.dates = {i: month_of(p.start) for i, p in enumerate(months)}
        self.buckets = {d: i for i, d in self.dates.items()}
        self.asked = sorted(inside.union(*quarters))

    def _where(self, table) -> tuple:
        return (
            table.c.estate_id.in_(self.estate_ids),
            table.c.month.in_([self.dates[i] for i in self.asked]),
            table.c.tickets > 0,  # a ticket that came and went leaves a row of none
        )

    def _groups_of(self, bucket: int, estate_id: int) -> list:
        found = [("quarter", n) for n, q in enumerate(self.quarters) if bucket in q]
        if bucket in self.inside:
            found += [("month", bucket, estate_id), ("period",)]
        return found

    def spans(self) -> dict:
        t = result_span_month
        rows = db.session.execute(
            db.select(t.c.estate_id, t.c.month, t.c.span, t.c.tickets).where(*self._where(t))
        ).all()
        per_group = defaultdict(Counter)
        for estate_id, month, span, tickets in rows:
            for group in self._groups_of(self.buckets[month], estate_id):
                per_group[group][span] += tickets
        return {group: _where_middles_lie(spans) for group, spans in per_group.items()}

    def cell_times(self, middles: dict) -> dict:
        """The times of the spans where an estate's month's middle tickets lie."""
        t = result_time_month
        keys = [
            (g[2], self.dates[g[1]], span)
            for g, spans in middles.items()
            if g[0] == "month"
            for span in spans
        ]
        if not keys:
            return {}
        columns = (t.c.estate_id, t.c.month, t.c.span, t.c.minutes, t.c.tickets)
        rows = db.session.execute(
            db.select(*columns).where(_one_of(keys, t.c.estate_id, t.c.month, t.c.span))
        ).all()
        found = defaultdict(list)
        for estate_id, month, span, minutes, tickets in rows:
            found[(("month", self.buckets[month], estate_id), span)].append((minutes, tickets))
        return found

    def group_times(self, middles: dict) -> dict:
        """The times of the spans where a quarter's or the period's middle tickets lie,
        summed over the estates."""
        t = result_time_month
        spans = {span for g, found in middles.items() if g[0] != "month" for span in found}
        if not spans:
            return {}
        rows = db.session.execute(
            db.select(t.c.month, t.c.span, t.c.minutes, func.sum(t.c.tickets))
            .where(*self._where(t), t.c.span.in_(sorted(spans)))
            .group_by(t.c.month, t.c.span, t.c.minutes)
        ).all()
        found = defaultdict(Counter)
        for month, span, minutes, tickets in rows:
            for group in self._groups_of(self.buckets[month], None):
                if group[0] != "month" and span in middles.get(group, ()):
                    found[(group, span)][minutes] += tickets
        return {key: list(times.items()) for key, times in found.items()}

    def medians(self, middles: dict, times: dict) -> Medians:
        found = Medians({}, [None] * len(self.quarters), None)
        for group, spans in middles.items():
            found_at = (
                _minutes_at(times.get((group, span), []), rank)
                for span, ranks in spans.items()
                for rank in ranks
            )
            places = sorted(m for m in found_at if m is not None)
            hours = _hours(places[0], places[-1]) if places else None
            if group[0] == "month":
                found.per_month[(group[1], group[2])] = hours
            elif group[0] == "quarter":
                found.per_quarter[group[1]] = hours
            else:
                found.period = hours
        return found


def _kept(estate_ids, months, inside: set, quarters: list[set]) -> Figures:
    """The figures from the kept counts; on PostgreSQL the queries of each step run side by
    side (see at_once)."""
    medians = _KeptMedians(estate_ids, months, inside, quarters)
    found = all_at_once(
        {
            "tallies": lambda: _kept_tallies(estate_ids, months),
            "channels": lambda: _kept_channels(estate_ids, months, inside),
            "middles": medians.spans,
        }
    )
    middles = found["middles"]
    times = all_at_once(
        {
            "cells": lambda: medians.cell_times(middles),
            "groups": lambda: medians.group_times(middles),
        }
    )
    return Figures(
        found["tallies"],
        found["channels"],
        medians.medians(middles, times["cells"] | times["groups"]),
    )


# The recount: the same figures from the tickets themselves.


def recounted_groups(estate_ids, months: list[Period]) -> list[Group]:
    """The same groups counted from the tickets themselves (what the kept counts must equal)."""
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


def kept_groups(estate_ids, months: list[Period]) -> list[Group]:
    """The groups from the monthly counts kept with the tickets (reception_month, see
    rollups): a few hundred rows for a year of forty estates, not the 300k tickets."""
    t = reception_month
    where, buckets = months_asked(t, estate_ids, months)
    dims = [t.c.month, t.c.estate_id, t.c.category, t.c.channel]
    dims += [t.c.at_once, t.c.callback, t.c.kept, t.c.after_the_fact]
    rows = db.session.execute(
        db.select(*dims, func.sum(t.c.contacts)).where(*where).group_by(*dims)
    ).all()
    return [
        Group(buckets[m], e, C(cat), Channel(ch), bool(a), bool(cb), bool(k), bool(af), int(n))
        for m, e, cat, ch, a, cb, k, af, n in rows
        if m in buckets and n
    ]


def _recounted_medians(estate_ids, months, inside: set, quarters: list[set]) -> Medians:
    """Each ticket's time counted as the kept counts count it (result_minutes), the medians
    taken in Python."""
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
    per_month, per_quarter, period = defaultdict(list), [[] for _ in quarters], []
    for received, estate_id, after, occurred, resolved in rows:
        start = occurred if after is True and occurred is not None else received
        minutes = result_minutes(start, resolved)
        month = next(i for i, m in enumerate(months) if m.start <= received < m.end)
        if month in inside:
            per_month[(month, estate_id)].append(minutes)
            period.append(minutes)
        for i, buckets in enumerate(quarters):
            if month in buckets:
                per_quarter[i].append(minutes)
    return Medians(
        {key: _median_hours(found) for key, found in per_month.items()},
        [_median_hours(found) for found in per_quarter],
        _median_hours(period),
    )


def _median_hours(minutes: list[int]) -> float | None:
    if not minutes:
        return None
    ordered = sorted(minutes)
    n = len(ordered)
    return _hours(ordered[(n - 1) // 2], ordered[n // 2])


def _recounted(estate_ids, months, inside: set, quarters: list[set]) -> Figures:
    groups = recounted_groups(estate_ids, months)
    tallies, channels = defaultdict(Counter), Counter()
    for g in groups:
        tally = tallies[(g.bucket, g.estate_id)]
        tally["contacts"] += g.count
        tally["inquiries"] += g.count if g.category is C.inquiry else 0
        tally["at_once"] += g.count if g.at_once else 0
        tally["by_callback"] += g.count if g.callback else 0
        tally["callbacks_kept"] += g.count if g.kept else 0
        tally["after_the_fact"] += g.count if g.after else 0
        if g.bucket in inside:
            channels[(g.category, g.channel)] += g.count
    medians = _recounted_medians(estate_ids, months, inside, quarters)
    return Figures(dict(tallies), channels, medians)


def _summary(tallies: list[Counter], median_hours: float | None) -> dict:
    total = sum(tallies, Counter())
    found = {name: total[name] for name in MEASURES}
    return found | {
        "at_once_rate": rate(found["at_once"], found["inquiries"]),
        "kept_rate": rate(found["callbacks_kept"], found["by_callback"]),
        "median_hours": median_hours,
    }


def report(estate_ids, period: Period, recount: bool = False) -> dict:
    """Everything the reception page and the monthly report show, for the estates asked;
    recount: from the tickets rather than the kept counts."""
    quarters = quarters_up_to(period)
    months = months_spanning([period, *quarters])
    inside = buckets_within(months, period)
    in_quarters = [buckets_within(months, q) for q in quarters]
    figures = (_recounted if recount else _kept)(estate_ids, months, inside, in_quarters)
    tallies, medians = figures.tallies, figures.medians
    per_month = [
        {"month": months[i].start.strftime("%Y-%m"), "estate_id": estate_id}
        | _summary([tallies[(i, estate_id)]], medians.per_month.get((i, estate_id)))
        for i, estate_id in sorted(tallies)
        if i in inside
    ]
    quarter_rows = [
        {"quarter": q.label}
        | _summary([t for (i, _), t in tallies.items() if i in inq], medians.per_quarter[n])
        for n, (q, inq) in enumerate(zip(quarters, in_quarters, strict=True))
    ]
    return {
        "summary": _summary([t for (i, _), t in tallies.items() if i in inside], medians.period),
        "channels": list(Channel),
        "by_category": [
            {
                "category": category,
                "channels": [figures.channels[(category, ch)] for ch in Channel],
                "total": sum(figures.channels[(category, ch)] for ch in Channel),
            }
            for category in C
        ],
        "per_month": per_month,
        "quarters": quarter_rows,
    }


def previous_month(today) -> str:
    """The month before `today`'s, as '2026-11' (the monthly report's period)."""
    first = datetime(today.year, today.month, 1)
    year, month = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    return f"{year}-{month:02d}"
