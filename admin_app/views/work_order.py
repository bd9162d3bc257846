"""Work orders (维修服务任务单)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import WorkOrder
from .base import SecureModelView
from .estate import ESTATE_LOOKUP
from .filters import estate_filter
from .forms import phone_number
from .labels import LABELS
from .resident import RESIDENT_LOOKUP, UNIT_LOOKUP

TICKET_LOOKUP = {"fields": ("number",), "placeholder": _l("Search ticket number")}


class WorkOrderView(SecureModelView):
    resource = "work_order"
    column_labels = LABELS
    column_list = (
        "number",
        "estate",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "unit",
        "contact_name",
        "technician",
        "appointment_at",
        "created_at",
    )
    column_details_list = (
        "number",
        "estate",
        "ticket",
        "kind",
        "trade",
        "is_emergency",
        "status",
        "unit",
        "resident",
        "contact_name",
        "contact_phone",
        "location",
        "description",
        "technician",
        "dispatched_at",
        "dispatched_by",
        "arrive_by",
        "appointment_at",
        "arrived_at",
        "quote_labour",
        "quote_materials",
        "quote_accepted",
        "quote_decided_at",
        "next_visit_at",
        "work_notes",
        "work_done_at",
        "signer_name",
        "fee_collected",
        "closed_at",
        "cancelled_reason",
        "revisit_due_at",
        "revisited_at",
        "revisited_by",
        "rating_timeliness",
        "rating_quality",
        "rating_fee",
        "rating_attitude",
        "satisfaction",
        "revisit_comment",
        "followup_ticket",
        "created_at",
    )
    column_export_list = column_details_list
    column_searchable_list = ("number", "contact_name", "contact_phone")
    column_sortable_list = ("number", "kind", "trade", "status", "appointment_at", "created_at")
    column_default_sort = ("created_at", True)
    column_filters = (
        estate_filter(WorkOrder),
        "status",
        "kind",
        "trade",
        "is_emergency",
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
