"""The front desk's path for a call: find the caller by phone or name, pick what they call about,
fill a form with just that category's fields, and see the household's recent contacts beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, text
from sqlalchemy.orm import joinedload, lazyload
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from admin_app import clock
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import (
    Resident,
    Ticket,
    TicketCategory,
    Trade,
    Unit,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.panel.fields import InlineChoices
from admin_app.panel.listing import SEARCH_MODES
from admin_app.services import unit_reader
from admin_app.services.worklists import ORDER_OPEN, TICKET_WORKING

C = TicketCategory
MAX_CALLERS = 20
MAX_UNITS = 100  # units a caller's words may name ("601": every building's): plenty for 20
RECENT_DAYS = 90
SHOWN = 8
SHOWN_OPEN = 4  # a caller's household's open matters on the call page
# A household's work orders still open: working, or done and waiting for the resident's signature.
ORDERS_STILL_OPEN = (*ORDER_OPEN, WorkOrderStatus.done)
OPEN_MATTERS = 100  # read for all the callers together, of each kind

# What each category's form asks, after the caller (the fields every call has).
CALLER = ("estate", "channel", "company_ref", "unit", "resident", "reporter_name", "reporter_phone")
SHAPES: dict[TicketCategory, tuple[str, ...]] = {
    C.inquiry: (*CALLER, "description", "answer", "callback_in", "callback_due_at"),
    C.help: (*CALLER, "location", "description", "request"),
    C.suggestion: (*CALLER, "description", "request"),
    C.repair: (*CALLER, "location", "description", "trade", "is_emergency", "work_kind"),
    C.complaint: (
        *CALLER,
        "complaint_code",
        "occurred_at",
        "location",
        "description",
        "request",
    ),
}
# Fields of the call that are not the ticket's own columns (the next step, taken at once).
CALL_FIELDS = {
    "answer": TextAreaField(
        _l("Answer given now"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Answered on the phone: the ticket is closed with this answer."),
    ),
    "callback_in": RadioField(
        _l("Or call back"),
        choices=[
            ("", _l("No callback")),
            ("30", _l("In 30 minutes")),
            ("60", _l("In 1 hour")),
            ("today", _l("Before the office closes today")),
        ],
        default="",
        validators=[Optional()],
        widget=InlineChoices(),
    ),
    "trade": SelectField(_l("Trade"), choices=[("", ""), *Trade.choices()], default=""),
    "is_emergency": BooleanField(
        _l("Emergency (leak, power loss, safety): a technician within 15 minutes")
    ),
    "work_kind": SelectField(
        _l("Kind"), choices=WorkOrderKind.choices(), default=WorkOrderKind.home_repair_paid.value
    ),
}


def shape_of(raw: str | None) -> TicketCategory | None:
    """The category a call form is shaped for (from the URL), or None for the full form."""
    try:
        return TicketCategory(raw) if raw else None
    except ValueError:
        return None


def callback_time(choice: str | None, now: datetime) -> datetime | None:
    if choice in ("30", "60"):
        return now + timedelta(minutes=int(choice))
    if choice == "today":
        closing = now.replace(
            hour=current_app.config["OFFICE_HOURS_END"] % 24, minute=0, second=0, microsecond=0
        )
        # Past closing time "today" means within the hour (the promise must lie ahead).
        return closing if closing > now else now + timedelta(hours=1)
    return None


def find_callers(user, term: str) -> list[Resident]:
    """Residents living in the user's estates whose phone (the first or last digits), name (from
    the start) or unit ("3-1-601", "601室") matches, with their units: the caller, picked in
    one click."""
    term = (term or "").strip()
    if not term:
        return []
    by_name = SEARCH_MODES["prefix"](Resident.name, term)
    clauses = [c for c in (SEARCH_MODES["phone"](Resident.phone, term), by_name) if c is not None]
    units = unit_reader.exact_condition(term)
    if units is not None:
        # The units of the user's estates the text names, read first and given as values: as
        # a subquery OR-ed with the phone and the name, PostgreSQL walked the name index over
        # every resident (100 ms for "3-1-601" or "5678" against 1-10 ms).
        named = scoped(select(Unit.id).where(units), Unit, user).limit(MAX_UNITS)
        unit_ids = db.session.execute(named).scalars().all()
        if unit_ids:
            clauses.append(Resident.unit_id.in_(unit_ids))
    # Only who lives there: a former resident picked would carry his phone onto the flat's
    # repair. One who calls (rare) is typed in as a caller not on file.
    query = scoped(db.session.query(Resident), Resident, user).filter(
        or_(*clauses), Resident.living_on(clock.today())
    )
    order = (Resident.name, Resident.id)
    if clauses == [by_name] and db.engine.dialect.name == "postgresql":
        # A name only ("张"): read in the order of the prefix index (pattern_ops, byte order),
        # which holds the range LIKE asks for. In the collation's order PostgreSQL walked the
        # whole name index from "A" up to 张 (64 ms for a supervisor of ten estates; 2 ms so).
        order = (text(f"{Resident.__tablename__}.name USING ~<~"), Resident.id)
    return (
        query.options(joinedload(Resident.unit).lazyload("*"), joinedload(Resident.estate))
        .order_by(*order)
        .limit(MAX_CALLERS)
        .all()
    )


def household(user, unit_id: int | None, resident_id: int | None) -> dict:
    """What the desk should know while the caller speaks: the household's open tickets and
    work orders, and its contacts of the last 90 days (all within the user's estates)."""
    if unit_id is None and resident_id is None:
        return {}

    def of_household(model):
        query = scoped(db.session.query(model), model, user)
        if unit_id is not None:
            return query.filter(model.unit_id == unit_id)
        return query.filter(model.resident_id == resident_id)

    open_tickets = (
        of_household(Ticket)
        .filter(Ticket.status.in_(TICKET_WORKING))
        .order_by(Ticket.received_at.desc())
        .limit(SHOWN)
        .all()
    )
    open_orders = (
        of_household(WorkOrder)
        .filter(WorkOrder.status.in_(ORDERS_STILL_OPEN))
        .order_by(WorkOrder.id.desc())
        .limit(SHOWN)
        .all()
    )
    since = clock.now() - timedelta(days=RECENT_DAYS)
    recent = (
        of_household(Ticket)
        .filter(Ticket.received_at >= since)
        .order_by(Ticket.received_at.desc())
        .limit(SHOWN)
        .all()
    )
    return {"open_tickets": open_tickets, "open_orders": open_orders, "recent": recent}


@dataclass(frozen=True)
class OpenMatters:
    shown: list  # the first SHOWN_OPEN
    more: int  # how many beyond them (the household file lists them all)


def open_matters(user, callers: list[Resident]) -> dict[int, OpenMatters]:
    """Each caller's household's open work orders, then its open calls that no open order
    stands for, newest first (by unit id): a resident who calls again mostly calls about one
    of them ("where is my repair?"), and the desk sees it before picking what the call is
    about. Two statements for all the callers."""
    units = {r.unit_id for r in callers if r.unit_id is not None}
    if not units:
        return {}

    def still_open(model, states) -> list:
        return (
            scoped(db.session.query(model), model, user)
            .filter(model.unit_id.in_(units), model.status.in_(states))
            .options(lazyload("*"))
            .order_by(model.id.desc())
            .limit(OPEN_MATTERS)
            .all()
        )

    orders = still_open(WorkOrder, ORDERS_STILL_OPEN)
    covered = {order.ticket_id for order in orders}  # a repair call shows as its order
    calls = [t for t in still_open(Ticket, TICKET_WORKING) if t.id not in covered]
    found: dict[int, list] = {}
    for record in [*orders, *calls]:
        found.setdefault(record.unit_id, []).append(record)
    return {
        unit: OpenMatters(records[:SHOWN_OPEN], max(len(records) - SHOWN_OPEN, 0))
        for unit, records in found.items()
    }


def scoped_resident(user, raw_id) -> Resident | None:
    """The resident a URL names, if it is one of the user's estates' (else none, silently)."""
    try:
        resident_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    return (
        scoped(db.session.query(Resident), Resident, user)
        .filter(Resident.id == resident_id)
        .first()
    )


def work_order_of(form) -> dict:
    """A repair call's work order, from its form: kind, trade and urgency."""
    return {
        "kind": WorkOrderKind(form.work_kind.data),
        "trade": Trade(form.trade.data) if form.trade.data else None,
        "is_emergency": bool(form.is_emergency.data),
    }
