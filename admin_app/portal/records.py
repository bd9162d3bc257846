"""The household's requests: report one, list them, follow one (its work order, technician,
arrival window, quote), and the photos. Every record is looked up through the household's
units: another household's id is a 404, the same as an id that does not exist."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.models import Attachment, Ticket, TicketCategory, Trade, WorkOrder
from admin_app.portal import operations as portal
from admin_app.portal.blueprint import bp
from admin_app.portal.forms import QuoteForm, ReportForm
from admin_app.portal.session import current_resident, household_filter, resident_required
from admin_app.portal.words import category_words, order_words, ticket_words
from admin_app.services import storage
from admin_app.services.errors import NotFound, ServiceError

LISTED = 50


def household_ticket(ticket_id: int) -> Ticket:
    found = (
        db.session.query(Ticket)
        .filter(Ticket.id == ticket_id, household_filter(Ticket.unit_id))
        .one_or_none()
    )
    return found if found is not None else abort(404)


def household_order(order_id: int) -> WorkOrder:
    found = (
        db.session.query(WorkOrder)
        .filter(WorkOrder.id == order_id, household_filter(WorkOrder.unit_id))
        .one_or_none()
    )
    return found if found is not None else abort(404)


@bp.route("/report", methods=("GET", "POST"))
@resident_required
def report():
    form = ReportForm()
    if form.validate_on_submit():
        try:
            photos = [
                portal.Photo(data=upload.read(), filename=upload.filename or "")
                for upload in form.photos.data or []
                if upload and upload.filename
            ]
            ticket = portal.report(
                current_resident(),
                category=TicketCategory(form.category.data),
                description=form.description.data,
                location=form.location.data,
                preferred_time=form.preferred_time.data,
                emergency=bool(form.emergency.data),
                trade=Trade(form.trade.data) if form.trade.data else None,
                photos=photos,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(
                gettext("Thank you: we have received it (%(number)s).", number=ticket.number),
                "success",
            )
            return redirect(url_for("portal.request_detail", ticket_id=ticket.id))
    return render_template("portal/report.html", form=form)


@bp.route("/requests")
@resident_required
def requests():
    tickets = (
        db.session.query(Ticket)
        .options(selectinload(Ticket.work_orders))
        .filter(household_filter(Ticket.unit_id))
        .order_by(Ticket.received_at.desc(), Ticket.id.desc())
        .limit(LISTED)
        .all()
    )
    orders = (
        db.session.query(WorkOrder)
        .filter(household_filter(WorkOrder.unit_id), WorkOrder.ticket_id.is_(None))
        .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
        .limit(LISTED)
        .all()
    )
    return render_template(
        "portal/requests.html",
        tickets=tickets,
        orders=orders,
        ticket_words=ticket_words,
        category_words=category_words,
        order_words=order_words,
    )


@bp.route("/requests/<int:ticket_id>")
@resident_required
def request_detail(ticket_id: int):
    ticket = household_ticket(ticket_id)
    orders = [o for o in ticket.work_orders if o.unit_id == ticket.unit_id]
    return render_template(
        "portal/request.html",
        ticket=ticket,
        orders=orders,
        ticket_words=ticket_words,
        category_words=category_words,
        order_words=order_words,
        quote_form=QuoteForm(),
    )


@bp.route("/orders/<int:order_id>")
@resident_required
def order_detail(order_id: int):
    order = household_order(order_id)
    return render_template(
        "portal/order.html", order=order, order_words=order_words, quote_form=QuoteForm()
    )


@bp.route("/orders/<int:order_id>/quote", methods=("POST",))
@resident_required
def decide_quote(order_id: int):
    order = household_order(order_id)
    form = QuoteForm()
    if not form.validate_on_submit():
        abort(400)
    accept = "accept" in request.form
    try:
        portal.decide_quote(order, current_resident(), accept=accept)
        db.session.commit()
    except NotFound:
        abort(404)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(
            gettext("You accepted the quote: the work can start.")
            if accept
            else gettext("You declined the quote."),
            "success",
        )
    return redirect(url_for("portal.order_detail", order_id=order.id))


@bp.route("/photos/<int:attachment_id>")
@resident_required
def photo(attachment_id: int):
    """A photo of one of the household's requests (or its work order); nothing else."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not attachment.is_image:
        abort(404)
    record = attachment.ticket or attachment.work_order
    if record is None or record.unit_id != current_resident().unit_id:
        abort(404)
    thumb = request.args.get("thumb") == "1" and attachment.thumbnail_file_id
    stored = attachment.thumbnail_file if thumb else attachment.stored_file
    if stored is None:
        abort(404)
    response = send_file(
        io.BytesIO(storage.read(stored)),
        mimetype=stored.content_type,
        download_name=attachment.filename or f"photo-{attachment.id}",
        etag=False,
        conditional=False,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
