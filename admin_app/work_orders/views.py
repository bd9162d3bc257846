"""Work orders (维修服务任务单): list, details with the workflow buttons, signature, printout."""

from __future__ import annotations

import base64

from flask import request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app import clock
from admin_app.attachments.views import AttachmentsMixin
from admin_app.auth.permissions import VIEW, allowed
from admin_app.extensions import db
from admin_app.models import WorkOrder, WorkOrderChase, WorkOrderStatus
from admin_app.panel.actions.core import step_form
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.details import fields_of
from admin_app.panel.files import stored_file_response
from admin_app.panel.filters import WorklistFilter, estate_filter, resident_filter, unit_filter
from admin_app.panel.forms import phone_number
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.services import storage, workflow
from admin_app.services.errors import ServiceError
from admin_app.tickets.machine import second_order_refusal
from admin_app.work_orders import operations as work_orders
from admin_app.work_orders.actions import WORK_ORDER_ACTIONS
from admin_app.work_orders.forms import RATING_WORDS, rating_label
from admin_app.work_orders.operations import RATINGS, WORK_ORDER

TICKET_LOOKUP = {"fields": ("number",), "placeholder": _l("Search ticket number")}
PAPER_SIZES = ("A4", "A5")


def signature_image(view, context, model, name):
    if not model.signature_file_id:
        return ""
    src = url_for("work_order.signature_view", id=model.id)
    return Markup('<img src="{}" alt="{}" class="signature-image">').format(src, _l("Signature"))


def payment_link(view, context, model, name):
    """The order's fee record: its receipt number, or its state while it is owed."""
    payment = model.payment
    if payment is None:
        return ""
    text = payment.number or str(payment.state.label)
    return Markup('<a href="{}">{}</a>').format(
        url_for("payment.details_view", id=payment.id), text
    )


def call_link(view, context, model, name):
    """The call the order was made from (or the follow-up complaint it opened), as a link for
    whoever may read calls: the desk goes back to it in one click."""
    ticket = getattr(model, name)
    if ticket is None:
        return ""
    if not allowed(current_user, "ticket", VIEW):
        return str(ticket)
    return Markup('<a href="{}">{}</a>').format(
        url_for("ticket.details_view", id=ticket.id), str(ticket)
    )


def revisit_overdue(order) -> bool:
    """Closed, not yet revisited, and past the time its revisit was due."""
    due = order.revisit_due_at
    return order.status is WorkOrderStatus.closed and due is not None and due < clock.now()


def status_in_list(view, context, model, name):
    """The state, and on a closed order whose revisit is late, a mark saying so: the
    revisits-due list shows the late calls among today's."""
    label = model.status.label if model.status else ""
    if not revisit_overdue(model):
        return label
    return Markup('{} <span class="badge badge-danger revisit-overdue">{}</span>').format(
        label, _l("Revisit overdue")
    )


def rating(view, context, model, name):
    score = getattr(model, name)
    return str(rating_label(score)) if score in RATING_WORDS else (score or "")


def quote_line_list(view, context, model, name):
    """The quote's lines: item, quantity and unit, line total (the reason of a typed one)."""
    items = Markup("").join(
        Markup("<li>{} × {}{} = {}{}</li>").format(
            line.description,
            line.quantity_text,
            f" {line.unit}" if line.unit else "",
            f"{line.total:.2f}",
            Markup(" <small class='text-muted'>({})</small>").format(line.reason)
            if line.reason
            else "",
        )
        for line in model.quote_lines
    )
    return Markup("<ul class='mb-0 pl-3 quote-lines'>{}</ul>").format(items) if items else ""


class WorkOrderView(AttachmentsMixin, ActionsMixin, SecureModelView):
    resource = "work_order"
    details_template = "work_order/details.html"  # with the residents' chases
    details_loads = (  # …and who logged each
        selectinload(WorkOrder.chases).options(
            lazyload("*"), joinedload(WorkOrderChase.logged_by).lazyload("*")
        ),
    )
    machine = WORK_ORDER
    record_actions = WORK_ORDER_ACTIONS
    column_labels = {**LABELS, "signature": _l("Signature"), "quote_lines": _l("Quote lines")}
    column_list = (
        "number",
        "estate",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "unit",
        "contact_name",
        "contact_phone",  # the revisits due are calls to make
        "technician",
        "appointment_at",
        "created_at",
    )
    column_formatters = {"status": status_in_list}
    column_formatters_export = {}  # (the list's mark is no cell of a spreadsheet)
    action_summary_template = "work_order/_action_summary.html"
    details_groups = (
        (
            _l("Work order"),
            ("number", "estate", "ticket", "kind", "trade", "is_emergency", "status", "created_at"),
        ),
        (_l("Where and who"), ("unit", "resident", "contact_name", "contact_phone", "location")),
        (_l("What it is about"), ("description",)),
        (
            _l("Dispatch"),
            ("technician", "dispatched_at", "dispatched_by", "arrive_by", "appointment_at"),
        ),
        (
            _l("Visit and quote"),
            (
                "arrived_at",
                "arrival_damage",
                "quote_lines",
                "quote_labour",
                "quote_materials",
                "quote_accepted",
                "quote_decided_at",
                "next_visit_at",
                "work_notes",
                "work_done_at",
            ),
        ),
        (
            _l("Signature and fee"),
            (
                "signer_name",
                "signature",
                "signing_opinion",
                "fee_collected",
                "payment_state",
                "payment",
                "closed_at",
                "cancelled_reason",
            ),
        ),
        (
            _l("Revisit"),
            (
                "revisit_due_at",
                "revisited_at",
                "revisited_by",
                "revisit_channel",
                "rating_timeliness",
                "rating_quality",
                "rating_fee",
                "rating_attitude",
                "satisfaction",
                "revisit_comment",
                "followup_ticket",
            ),
        ),
    )
    column_details_list = fields_of(details_groups)
    details_sources = {"signature": "signature_file_id"}
    column_export_list = tuple(
        c for c in column_details_list if c not in ("signature", "quote_lines")
    )
    column_formatters_detail = {
        "signature": signature_image,
        "quote_lines": quote_line_list,
        "payment": payment_link,
        "ticket": call_link,
        "followup_ticket": call_link,
        **{name: rating for name in RATINGS},
    }
    column_searchable_list = ("number", "contact_name", "contact_phone")
    column_search_modes = {"contact_name": "prefix", "contact_phone": "phone"}
    column_sortable_list = ("number", "kind", "trade", "status", "appointment_at", "created_at")
    column_default_sort = ("created_at", True)
    column_filters = (
        estate_filter(WorkOrder),
        WorklistFilter(WorkOrder, "work_order"),
        unit_filter(WorkOrder),
        resident_filter(WorkOrder),
        "status",
        "kind",
        "trade",
        "is_emergency",
        "payment_state",
        "created_at",
        "appointment_at",
    )
    form_columns = (
        "estate",
        "ticket",
        "kind",
        "trade",
        "is_emergency",
        "unit",
        "resident",
        "contact_name",
        "contact_phone",
        "location",
        "description",
        "appointment_at",
    )
    form_args = {"contact_phone": {"validators": [phone_number]}}
    form_ajax_refs = {
        "estate": ESTATE_LOOKUP,
        "ticket": TICKET_LOOKUP,
        "unit": UNIT_LOOKUP,
        "resident": RESIDENT_LOOKUP,
    }

    def available_actions(self, record):
        """The step buttons; the chase is the form of its own box below them."""
        return [a for a in super().available_actions(record) if a.name != "chase"]

    def action_label(self, name: str, record=None) -> str:
        # Dispatching an order already dispatched gives it to another technician or time:
        # "派工" on its page would read as if nobody had it yet.
        if name == "dispatch" and getattr(record, "status", None) is WorkOrderStatus.dispatched:
            return str(_l("Reassign"))
        return super().action_label(name, record)

    def chase_form(self, order):
        """The one-click chase form of the order's page, when the user may log one now."""
        if WORK_ORDER.refusal(order, "chase", current_user, scope_known=True) is not None:
            return None
        action = self.action_for("chase")
        return step_form(action, [order])

    def revisit_overdue(self, order) -> bool:
        return revisit_overdue(order)

    def history_mark(self, order) -> int:
        return workflow.history_mark(order)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        ticket = model.ticket
        if ticket is not None and inspect(model).attrs.ticket.history.has_changes():
            refused = second_order_refusal(ticket, model)
            if refused is not None:
                raise ServiceError(refused)

    def after_model_change(self, form, model, is_created):
        """A new order of a trade its estate dispatches automatically goes out at once."""
        super().after_model_change(form, model, is_created)
        if is_created and work_orders.auto_dispatch(model) is not None:
            db.session.commit()

    @expose("/signature/")
    def signature_view(self):
        """The signature image, only for someone who may see the order (scope via get_one)."""
        order = self.get_one(request.args.get("id"))
        return stored_file_response(order.signature_file_id)

    @expose("/print/")
    def print_view(self):
        order = self.get_one(request.args.get("id"))
        paper = request.args.get("paper", "A4").upper()
        if paper not in PAPER_SIZES:
            paper = "A4"
        signature = None
        if order.signature_file_id:
            stored = storage.load(order.signature_file_id)
            signature = base64.b64encode(storage.read(stored)).decode("ascii") if stored else None
        return self.render(
            "work_order/print.html",
            order=order,
            paper=paper,
            signature=signature,
            attachments=self.attachments_of(order),
            printed_at=clock.now().strftime("%Y-%m-%d %H:%M"),
        )
