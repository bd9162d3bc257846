"""GET /api/v1/callers?phone=…: the call centre's screen pop — who is calling (masked), their
units, their household's open tickets, and the front desk's new-call form for them."""

from __future__ import annotations

import re

from flask import jsonify, url_for
from flask_babel import gettext
from sqlalchemy.orm import joinedload

from admin_app.api import records
from admin_app.api.access import Integration, needs, noted_estate
from admin_app.api.blueprint import bp
from admin_app.api.errors import ApiError
from admin_app.api.inputs import query
from admin_app.extensions import db
from admin_app.models import Resident, Ticket, TicketCategory
from admin_app.services.worklists import TICKET_WORKING

MAX_CALLERS = 10
OPEN_TICKETS_SHOWN = 10
# What a telephone system hands over: digits, perhaps +86 / 0086 in front.
COUNTRY_CODE = re.compile(r"^(?:\+?86|0086)(?=1\d{10}$)")


def phone_digits(raw: str | None) -> str | None:
    text = re.sub(r"[\s\-()]", "", raw or "")
    text = COUNTRY_CODE.sub("", text)
    return text if re.fullmatch(r"\d{5,20}", text) else None


def new_call_urls(resident: Resident) -> dict:
    """The front desk's new-call form, with the caller picked (tickets/front_desk.py reads
    ?resident=), in full and shaped for each category (?category=)."""
    base = {"resident": resident.id}
    urls = {"any": url_for("ticket.create_view", **base, _external=True)}
    for category in TicketCategory:
        urls[category.value] = url_for(
            "ticket.create_view", category=category.value, **base, _external=True
        )
    return urls


@bp.route("/callers")
@needs("callers:read")
def callers(integration: Integration):
    reader = query()
    digits = phone_digits(reader.text("phone", 40, required=True))
    if reader.source.get("phone") and digits is None and "phone" not in reader.faults:
        reader.faults["phone"] = gettext("A phone number (5 to 20 digits).")
    reader.done()
    found = (
        db.session.query(Resident)
        .filter(Resident.phone == digits, Resident.estate_id.in_(integration.estate_ids))
        .options(joinedload(Resident.unit))
        .order_by(Resident.id)
        .limit(MAX_CALLERS)
        .all()
    )
    if not found:
        raise ApiError(404, gettext("No resident of this token's estates has this phone number."))
    noted_estate(found[0].estate_id)
    return jsonify({"callers": [caller_of(r, found) for r in found]})


def caller_of(resident: Resident, found: list[Resident]) -> dict:
    open_tickets = (
        db.session.query(Ticket)
        .filter(
            Ticket.estate_id == resident.estate_id,
            Ticket.status.in_(TICKET_WORKING),
            (Ticket.unit_id == resident.unit_id) | (Ticket.resident_id == resident.id),
        )
        .order_by(Ticket.received_at.desc(), Ticket.id.desc())
        .limit(OPEN_TICKETS_SHOWN)
        .all()
    )
    return {
        "resident": records.resident(resident),
        "estate_id": resident.estate_id,
        # A person may own several units: each one of the estate registered with this phone.
        "units": [records.unit(r.unit) for r in found if r.estate_id == resident.estate_id],
        "open_tickets": [records.ticket(t) for t in open_tickets],
        "new_call_url": new_call_urls(resident),
    }
