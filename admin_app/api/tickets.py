"""Tickets through the API: list (estate-scoped, paged, by status and date), read one, and
create — a call logged by the same verb as the front desk's form (tickets.take_call)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import jsonify
from flask_babel import gettext

from admin_app import clock
from admin_app.api import records
from admin_app.api.access import Integration, estate_of, needs
from admin_app.api.blueprint import bp
from admin_app.api.errors import ApiError
from admin_app.api.inputs import body, query
from admin_app.api.listing import estates_asked, of_estate, one, page_of
from admin_app.extensions import db
from admin_app.models import (
    Channel,
    ComplaintCode,
    Resident,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    Unit,
    WorkOrderKind,
)
from admin_app.services.errors import ServiceError
from admin_app.tickets import operations as tickets


@bp.route("/tickets")
@needs("tickets:read")
def ticket_list(integration: Integration):
    reader = query()
    estate_ids = estates_asked(integration, reader)
    status = reader.choice("status", TicketStatus)
    category = reader.choice("category", TicketCategory)
    since = reader.day("received_from")
    until = reader.day("received_until")
    q = db.session.query(Ticket).filter(Ticket.estate_id.in_(estate_ids))
    if status is not None:
        q = q.filter(Ticket.status == status)
    if category is not None:
        q = q.filter(Ticket.category == category)
    if since is not None:
        q = q.filter(Ticket.received_at >= datetime.combine(since, time()))
    if until is not None:
        q = q.filter(Ticket.received_at < datetime.combine(until + timedelta(days=1), time()))
    return page_of(q, (Ticket.received_at.desc(), Ticket.id.desc()), reader, records.ticket)


@bp.route("/tickets/<record_id:ticket_id>")
@needs("tickets:read")
def ticket_one(integration: Integration, ticket_id: int):
    return jsonify(records.ticket(one(Ticket, integration, ticket_id)))


@bp.route("/tickets", methods=("POST",))
@needs("tickets:write")
def ticket_create(integration: Integration):
    reader = body()
    estate_id = estate_of(integration, reader.source.get("estate_id"))
    category = reader.choice("category", TicketCategory, required=True)
    ticket = Ticket(
        estate_id=estate_id,
        category=category,
        channel=reader.choice("channel", Channel, default=Channel.phone),
        reporter_name=reader.text("reporter_name", 50),
        reporter_phone=reader.text("reporter_phone", 20),
        location=reader.text("location", 200),
        description=reader.text("description", 4000, required=True),
        request=reader.text("request", 4000),
        occurred_at=reader.moment("occurred_at"),
        complaint_code=reader.choice("complaint_code", ComplaintCode),
        received_at=clock.now(),
    )
    ticket.unit = of_estate(Unit, reader, "unit_id", estate_id)
    ticket.resident = of_estate(Resident, reader, "resident_id", estate_id)
    answer_given = reader.text("answer", 2000)
    callback_due_at = reader.moment("callback_due_at")
    order = None
    if category is TicketCategory.repair:
        trade = reader.choice("trade", Trade, required=True)
        order = {
            "kind": reader.choice(
                "work_kind", WorkOrderKind, default=WorkOrderKind.home_repair_paid
            ),
            "trade": trade,
            "is_emergency": reader.boolean("is_emergency"),
        }
    elif category is not TicketCategory.inquiry and (answer_given or callback_due_at):
        reader.faults["answer"] = gettext("Only an inquiry is answered or called back.")
    reader.done()
    try:
        tickets.carry_over_from_resident(ticket)
        db.session.add(ticket)
        tickets.take_call(
            ticket,
            integration,
            answer_given=answer_given,
            callback_due_at=callback_due_at,
            work_order=order,
        )
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise ApiError(422, str(error)) from None
    return jsonify(records.ticket(ticket)), 201
