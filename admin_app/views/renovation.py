"""Renovations (装修) and their inspections."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..models import Renovation, RenovationInspection
from ..services.errors import ServiceError
from .base import SecureModelView
from .estate import ESTATE_LOOKUP
from .filters import estate_filter
from .forms import phone_number
from .labels import LABELS
from .passes import RENOVATION_LOOKUP
from .resident import RESIDENT_LOOKUP, UNIT_LOOKUP


class RenovationView(SecureModelView):
    resource = "renovation"
    column_labels = LABELS
    column_list = (
        "number",
        "estate",
        "status",
        "unit",
        "owner",
        "contractor",
        "person_in_charge",
        "planned_start",
        "planned_end",
        "deposit",
        "deposit_status",
    )
    column_details_list = column_list + (
        "person_phone",
        "scope",
        "review_notes",
        "permit_number",
        "permit_issued_at",
        "permit_valid_until",
        "agreement_signed_at",
        "started_at",
        "stopped_at",
        "stop_reason",
        "next_patrol_due_at",
        "completion_requested_at",
        "accepted_at",
        "created_at",
    )
    column_export_list = column_details_list
    column_searchable_list = ("number", "contractor", "person_in_charge")
    column_sortable_list = ("number", "status", "planned_start", "planned_end", "created_at")
    column_default_sort = ("created_at", True)
    column_filters = (
        estate_filter(Renovation),
        "status",
        "deposit_status",
        "planned_start",
        "planned_end",
    )
    form_columns = (
        "estate",
        "unit",
        "owner",
        "contractor",
        "person_in_charge",
        "person_phone",
        "scope",
        "planned_start",
        "planned_end",
        "deposit",
    )
    form_args = {"person_phone": {"validators": [phone_number]}}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "unit": UNIT_LOOKUP, "owner": RESIDENT_LOOKUP}

    def on_model_change(self, form, model, is_created):
        if model.planned_start and model.planned_end and model.planned_end < model.planned_start:
            raise ServiceError(_l("The planned end is before the planned start."))
        super().on_model_change(form, model, is_created)


class RenovationInspectionView(SecureModelView):
    resource = "renovation_inspection"
    column_labels = LABELS
    column_list = ("renovation", "estate", "kind", "inspected_at", "inspector", "result", "notes")
    column_default_sort = ("inspected_at", True)
    column_sortable_list = ("kind", "inspected_at", "result")
    column_filters = (estate_filter(RenovationInspection), "kind", "result", "inspected_at")
    form_columns = ("renovation", "kind", "inspected_at", "result", "notes")
    form_ajax_refs = {"renovation": RENOVATION_LOOKUP}

    def on_model_change(self, form, model, is_created):
        if model.renovation is not None:
            model.estate_id = model.renovation.estate_id
        if is_created:
            model.inspector_id = current_user.id
        super().on_model_change(form, model, is_created)
