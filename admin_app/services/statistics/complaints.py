"""Complaint statistics: handling and revisit rates, categories, deadlines [DOMAIN: Targets].

Every complaint table is a sum over ComplaintGroups: one grouped pass over the complaints
received in the periods asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func

from admin_app.extensions import db
from admin_app.models import ComplaintCode, Severity, Ticket, TicketCategory, TicketStatus, Validity
from admin_app.services.statistics.periods import Period, bucket, by_name, flag, in_range, rate

HANDLED = (TicketStatus.resolved, TicketStatus.closed)


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
    reopened: bool = False  # needed more than one round (an unsatisfied revisit)


def complaint_groups(estate_ids, periods: list[Period]) -> list[ComplaintGroup]:
    reported = Ticket.reported_back_at.isnot(None)
    columns = [
        bucket(Ticket.received_at, periods).label("g_bucket"),
        Ticket.complaint_code.label("g_code"),
        Ticket.validity.label("g_validity"),
        Ticket.severity.label("g_severity"),
        flag(Ticket.status.in_(HANDLED)).label("g_handled"),
        flag(Ticket.revisited_at.isnot(None)).label("g_revisited"),
        flag(reported).label("g_reported"),
        flag(and_(reported, Ticket.reported_back_at <= Ticket.complaint_due_at)).label("g_on_time"),
        flag(Ticket.complaint_round > 1).label("g_reopened"),
    ]
    rows = db.session.execute(
        db.select(*columns, func.count())
        .where(
            Ticket.category == TicketCategory.complaint,
            Ticket.estate_id.in_(estate_ids),
            *in_range(Ticket.received_at, periods),
        )
        .group_by(*by_name(columns))
    ).all()
    return [
        ComplaintGroup(
            b, code, validity, severity, bool(h), bool(r), bool(rep), bool(ot), n, bool(ro)
        )
        for b, code, validity, severity, h, r, rep, ot, ro, n in rows
        if b >= 0
    ]


def as_row(g: ComplaintGroup) -> list:
    """JSON-ready (for the cache): enums by their stored value."""
    return [
        g.bucket,
        *(m.value if m else None for m in (g.code, g.validity, g.severity)),
        g.handled,
        g.revisited,
        g.reported,
        g.on_time,
        g.count,
        g.reopened,
    ]


def from_row(row: list) -> ComplaintGroup:
    b, code, validity, severity, *rest = row
    return ComplaintGroup(
        b,
        ComplaintCode(code) if code else None,
        Validity(validity) if validity else None,
        Severity(severity) if severity else None,
        *rest,
    )


def totals(groups) -> tuple[int, int, int, int]:
    """Received, handled, revisited (of the handled) and reported back in time."""
    return (
        sum(g.count for g in groups),
        sum(g.count for g in groups if g.handled),
        sum(g.count for g in groups if g.handled and g.revisited),
        sum(g.count for g in groups if g.on_time),
    )


def summary(groups) -> dict:
    total, handled_n, revisited_n, on_time_n = totals(groups)
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
        "deadlines": deadline_rows(groups),
        "reopened": sum(g.count for g in groups if g.reopened),
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


def deadline_rows(groups) -> list[dict]:
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
