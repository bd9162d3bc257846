"""The residents' verbs: report (a repair, a complaint, a suggestion) and decide a quote. Each
goes through the same verbs as the front desk and the technician's phone, with the resident
as the actor (portal/actor.py): the history says "Resident 张*", deadlines and reminders and
auto-dispatch follow as for a call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.attachments import operations as attachments
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import (
    Channel,
    Resident,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderKind,
    WorkOrderStatus,
)
from admin_app.portal.actor import ResidentActor
from admin_app.services import handoffs, history
from admin_app.services.errors import Forbidden, NotFound, ServiceError
from admin_app.services.workflow import ACTION_LABELS
from admin_app.tickets import operations as tickets
from admin_app.work_orders import operations as work_orders

S = WorkOrderStatus
REPORTED = (TicketCategory.repair, TicketCategory.complaint, TicketCategory.suggestion)
MAX_PHOTOS = 3
MAX_TEXT = 2000


@dataclass
class Photo:
    data: bytes
    filename: str


def report(
    resident: Resident,
    *,
    category: TicketCategory,
    description: str,
    location: str = "",
    preferred_time: datetime | None = None,
    emergency: bool = False,
    trade: Trade | None = None,
    photos: list[Photo] = (),
) -> Ticket:
    """The resident's report as a ticket (channel 网上), taken like a call at the desk: a repair
    with a known trade becomes its work order at once (the preferred time as the appointment),
    and is dispatched automatically where the estate does so; without a trade it waits on the
    desk's list. Any refused photo undoes the whole report (the caller commits)."""
    actor = ResidentActor(resident)
    description = (description or "").strip()
    if category not in REPORTED:
        raise ServiceError(_l("Choose what you are reporting."))
    if not description:
        raise ServiceError(_l("Describe what happened."))
    if len(description) > MAX_TEXT:
        raise ServiceError(_l("The description is too long."))
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_l("At most %(num)d photos.", num=MAX_PHOTOS))
    if preferred_time is not None and preferred_time <= clock.now():
        raise ServiceError(_l("The preferred time must be in the future."))
    preferred = (
        gettext("Preferred time: %(time)s", time=preferred_time.strftime("%Y-%m-%d %H:%M"))
        if preferred_time
        else None
    )
    if emergency:
        description = str(_l("URGENT: %(text)s", text=description))
    ticket = Ticket(
        estate_id=resident.estate_id,
        channel=Channel.online,
        category=category,
        status=TicketStatus.open,
        unit_id=resident.unit_id,
        resident_id=resident.id,
        reporter_name=resident.name,
        reporter_phone=resident.phone,
        location=(location or "").strip()[:200] or None,
        description=description,
        request=preferred,
        received_at=clock.now(),
    )
    work_order = None
    if category is TicketCategory.repair and trade is not None:
        work_order = {
            "kind": WorkOrderKind.home_repair_paid,
            "trade": trade,
            "is_emergency": bool(emergency),
            "appointment_at": None if emergency else preferred_time,
        }
    with history.action("report_online", actor=actor):
        db.session.add(ticket)
        order = tickets.take_call(ticket, actor, work_order=work_order)
        for photo in photos:
            attachments.add_attachment(ticket, actor, data=photo.data, filename=photo.filename)
        # Not dispatched automatically: the resident is told a technician is coming, so the
        # desk must hear of it now, not find it on a list later.
        if category is TicketCategory.repair and (order is None or order.status is S.new):
            handoffs.repair_reported_online(order or ticket)
        elif category is TicketCategory.suggestion:
            handoffs.suggested_online(ticket)
    return ticket


def decide_quote(order: WorkOrder, resident: Resident, *, accept: bool) -> None:
    """Accept or refuse the quote from the residents' pages, where the estate allows it."""
    if order.unit_id != resident.unit_id:
        raise NotFound(_l("The record was not found."))
    if not order.estate.remote_quote_acceptance:
        raise ServiceError(_l("Please give your answer to the technician at your door."))
    actor = ResidentActor(resident)
    if accept:
        work_orders.accept_quote(order, actor)
    else:
        work_orders.decline_quote(order, actor)


def allow_remote_quotes(estate, actor, allowed: bool) -> None:
    """The estate setting: may residents accept or refuse quotes on their own pages?"""
    if estate is None or not estate_allowed(actor, estate.id):
        raise NotFound(_l("The record was not found."))
    if not may(actor, "estate.change_settings"):
        raise Forbidden(_l("Only a supervisor or an administrator may change the settings."))
    with history.action("change_settings", actor=actor):
        estate.remote_quote_acceptance = bool(allowed)
        db.session.flush()


# How the ticket's history names the report (beside "Resident 张*").
ACTION_LABELS[("ticket", "report_online")] = _l("Reported online by the resident")
