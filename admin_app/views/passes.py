"""Passes: construction-worker passes, vehicle passes and large-item releases."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .. import validation
from ..models import ReleasePass, VehiclePass, WorkerPass
from .base import SecureModelView
from .estate import ESTATE_LOOKUP
from .filters import estate_filter
from .forms import SensitiveField, id_document, phone_number
from .labels import LABELS
from .resident import RESIDENT_LOOKUP, UNIT_LOOKUP

RENOVATION_LOOKUP = {"fields": ("number",), "placeholder": _l("Search renovation number")}
PASS_COLUMNS = ("number", "estate", "status", "valid_from", "valid_until")
PASS_TRAILER = ("approved_by", "approved_at", "status_reason", "created_at")


def plate_number(form, field):
    plate = validation.normalise_plate(field.data)
    if not validation.is_plate(plate):
        raise ValidationError(
            gettext(
                "This is not a valid plate number (e.g. 粤B12345, or 粤BD12345 for a new-energy vehicle)."
            )
        )
    field.data = plate


class PassView(SecureModelView):
    column_labels = LABELS
    column_default_sort = ("created_at", True)
    column_sortable_list = ("number", "status", "valid_from", "valid_until", "created_at")


class WorkerPassView(PassView):
    resource = "worker_pass"
    column_list = PASS_COLUMNS + (
        "worker_name",
        "phone",
        "id_number_masked",
        "company",
        "renovation",
    )
    column_details_list = column_list + PASS_TRAILER
    column_export_list = column_details_list
    column_searchable_list = ("number", "worker_name", "phone")
    column_filters = (estate_filter(WorkerPass), "status", "valid_until")
    form_columns = (
        "estate",
        "renovation",
        "worker_name",
        "phone",
        "id_number",
        "company",
        "valid_from",
        "valid_until",
    )
    form_extra_fields = {"id_number": SensitiveField(_l("ID number"), validators=[id_document])}
    form_args = {"phone": {"validators": [phone_number]}}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "renovation": RENOVATION_LOOKUP}


class VehiclePassView(PassView):
    resource = "vehicle_pass"
    column_list = PASS_COLUMNS + ("plate", "vehicle_type", "resident", "unit", "parking_space")
    column_details_list = column_list + ("is_new_energy",) + PASS_TRAILER
    column_export_list = column_details_list
    column_searchable_list = ("number", "plate")
    column_filters = (estate_filter(VehiclePass), "status", "vehicle_type", "valid_until")
    form_columns = (
        "estate",
        "plate",
        "vehicle_type",
        "resident",
        "unit",
        "parking_space",
        "valid_from",
        "valid_until",
    )
    form_args = {"plate": {"validators": [plate_number]}}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "resident": RESIDENT_LOOKUP, "unit": UNIT_LOOKUP}

    def on_model_change(self, form, model, is_created):
        model.is_new_energy = validation.is_new_energy_plate(model.plate)
        super().on_model_change(form, model, is_created)


class ReleasePassView(PassView):
    resource = "release_pass"
    column_list = PASS_COLUMNS + (
        "unit",
        "applicant_name",
        "applicant_is_tenant",
        "moving_date",
        "owner_confirmed_at",
        "released_at",
    )
    column_details_list = (
        column_list
        + ("applicant", "applicant_phone", "items", "owner_confirmed_by", "released_by")
        + PASS_TRAILER
    )
    column_export_list = column_details_list
    column_searchable_list = ("number", "applicant_name", "applicant_phone")
    column_filters = (estate_filter(ReleasePass), "status", "moving_date", "applicant_is_tenant")
    form_columns = (
        "estate",
        "unit",
        "applicant",
        "applicant_name",
        "applicant_phone",
        "applicant_is_tenant",
        "items",
        "moving_date",
    )
    form_args = {"applicant_phone": {"validators": [phone_number]}}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "unit": UNIT_LOOKUP, "applicant": RESIDENT_LOOKUP}
