"""Tickets (来电来访登记) and complaints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from admin_app import clock
from admin_app.models import Staff, Ticket
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import WorklistFilter, estate_filter
from admin_app.panel.forms import phone_number
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.tickets.actions import TICKET_ACTIONS
from admin_app.tickets.forms import complaint_category_chosen
from admin_app.tickets.operations import TICKET

STAFF_LOOKUP = {"fields": ("name", "username"), "placeholder": _l("Search staff")}


def active_staff(query):
    return query.filter(Staff.active.is_(True))


class TicketView(ActionsMixin, SecureModelView):
    resource = "ticket"
    machine = TICKET
    record_actions = TICKET_ACTIONS
    # A complaint's owner is the supervisor or director answerable for it, not the unit's
    # owner (业主) that "owner" means on renovations.
    column_labels = {**LABELS, "owner": _l("Complaint owner")}
    column_list = (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "unit",
        "reporter_name",
        "reporter_phone",
        "received_at",
        "assignee",
    )
    column_details_list = (
        "number",
        "estate",
        "category",
        "status",
        "channel",
        "unit",
        "resident",
        "reporter_name",
        "reporter_phone",
        "location",
        "occurred_at",
        "description",
        "request",
        "received_by",
        "received_at",
        "assignee",
        "callback_due_at",
        "result",
        "resolved_at",
        "resident_informed_at",
        "closed_at",
        "complaint_code",
        "severity",
        "validity",
        "complaint_due_at",
        "owner",
        "cause",
        "responsible_department",
        "responsible_person",
        "corrective_action",
        "handled_at",
        "reported_back_at",
        "revisited_at",
        "revisited_by",
        "revisit_note",
    )
    column_export_list = column_details_list
    column_searchable_list = ("number", "reporter_name", "reporter_phone")
    column_search_modes = {"reporter_name": "prefix", "reporter_phone": "phone"}
    column_sortable_list = ("number", "category", "status", "channel", "received_at")
    column_default_sort = ("received_at", True)
    column_filters = (
        estate_filter(Ticket),
        WorklistFilter(Ticket, "ticket"),
        "category",
        "status",
        "channel",
        "severity",
        "validity",
        "received_at",
    )
    form_columns = (
        "estate",
        "category",
        "channel",
        "unit",
        "resident",
        "reporter_name",
        "reporter_phone",
        "location",
        "occurred_at",
        "description",
        "request",
        "assignee",
        "callback_due_at",
        "complaint_code",
    )
    form_args = {
        "reporter_phone": {"validators": [phone_number]},
        "complaint_code": {"validators": [complaint_category_chosen]},
    }
    form_ajax_refs = {
        "estate": ESTATE_LOOKUP,
        "unit": UNIT_LOOKUP,
        "resident": RESIDENT_LOOKUP,
        "assignee": {**STAFF_LOOKUP, "extra_filter": active_staff},
    }

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.received_by_id = current_user.id
            model.received_at = model.received_at or clock.now()
        super().on_model_change(form, model, is_created)
