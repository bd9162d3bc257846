"""Passes: construction-worker passes, vehicle passes and large-item releases — lists, the
approval actions, the worker's photo and the printable pass card with its QR code."""

from __future__ import annotations

import segno
from flask import flash, redirect, request
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms.validators import Optional, ValidationError

from admin_app import clock, validation
from admin_app.models import PassStatus, ReleasePass, Renovation, Role, VehiclePass, WorkerPass
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.dates import start_choices, validity_choices
from admin_app.panel.files import photo_image, stored_file_response
from admin_app.panel.filters import WorklistFilter, estate_filter, resident_filter, unit_filter
from admin_app.panel.forms import PhotoField, SensitiveField, id_document, phone_number, read_upload
from admin_app.panel.id_numbers import FullIdNumberMixin, masked_or_full
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.panel.saves import NamedSavesMixin
from admin_app.passes import gate
from admin_app.passes import operations as passes
from admin_app.passes.actions import (
    RELEASE_PASS_ACTIONS,
    VEHICLE_PASS_ACTIONS,
    WORKER_PASS_ACTIONS,
)
from admin_app.passes.card_fit import items_fit
from admin_app.renovations.views import RENOVATION_LOOKUP
from admin_app.services import storage

PASS_COLUMNS = ("number", "estate", "status", "valid_from", "valid_until")
PASS_TRAILER = ("approved_by", "approved_at", "status_reason", "reissued_at", "created_at")
CARD_SIZES = ("A6", "A5")
# A worker's or vehicle's pass starts today or tomorrow and runs a week or a month.
VALIDITY_CHOICES = {
    "valid_from": {"quick": start_choices},
    "valid_until": {"quick": validity_choices},
}


# Only renovations that may still take worker passes (the rule the save applies), searched by
# either number the office or the card gives.
WORKER_PASS_RENOVATION_LOOKUP = {
    **RENOVATION_LOOKUP,
    "extra_filter": lambda query: passes.renovations_taking_worker_passes(query).options(
        joinedload(Renovation.unit)
    ),
}


def plate_number(form, field):
    plate = validation.normalise_plate(field.data)
    if not validation.is_plate(plate):
        raise ValidationError(
            gettext(
                "This is not a valid plate number (e.g. 粤B12345, or 粤BD12345 for a new-energy vehicle)."
            )
        )
    field.data = plate


def qr_svg(token: str) -> Markup:
    # segno writes the SVG itself from our own token: nothing user-typed reaches it.
    svg = segno.make(token, error="m").svg_inline(scale=1, border=2, omitsize=True)
    return Markup(svg)  # noqa: S704


def next_step(record) -> str:
    """A new application's next step and who has been told (passes.announce_application)."""
    if isinstance(record, ReleasePass) and passes.awaiting_owner(record):
        return gettext(
            "Next: record the owner's confirmation (the applicant is a tenant); "
            "then it goes for approval."
        )
    if passes.approver_role(record) is Role.receptionist:
        return gettext("Next: the front desk approves it (the front desk has been told).")
    return gettext("Next: a supervisor approves it (the supervisors have been told).")


class PassView(NamedSavesMixin, ActionsMixin, SecureModelView):
    details_template = "admin/wuye/pass_details.html"
    column_labels = {**LABELS, "photo": _l("Photo")}
    column_default_sort = ("created_at", True)
    column_sortable_list = ("number", "status", "valid_from", "valid_until", "created_at")
    # Once decided, a pass's facts change only through its actions (renew, revoke, …):
    # the edit form keeps only these contact fields.
    editable_after_application: tuple[str, ...] = ()
    card_title = ""

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and obj.status is not PassStatus.applied:
            for name in list(self.form_columns) + list(self.form_extra_fields or {}):
                if name not in self.editable_after_application and name in form:
                    del form[name]
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        passes.carry_over(model)
        passes.check_application(model, is_new=is_created)
        if is_created:  # in the record's own transaction: saved and announced, or neither
            passes.announce_application(model)

    def created_message(self, record) -> str:
        return gettext(
            "%(kind)s %(number)s registered. %(next_step)s",
            kind=self.card_title,
            number=record.number,
            next_step=next_step(record),
        )

    def can_print(self, model) -> bool:
        return model.status is PassStatus.approved

    @expose("/card/")
    def card_view(self):
        """The printable pass: A6 card (or A5), QR code of the signed token."""
        record = self.get_one(request.args.get("id"))
        if not self.can_print(record):
            flash(gettext("Only an approved pass can be printed."), "error")
            return redirect(self.get_url(".details_view", id=record.id))
        size = request.args.get("size", "A6").upper()
        size = size if size in CARD_SIZES else "A6"
        fit = items_fit(record.items, size) if isinstance(record, ReleasePass) else "normal"
        return self.render(
            "passes/card.html",
            record=record,
            kind=type(record).__tablename__,
            title=self.card_title,
            size=size,
            items_fit=fit,
            qr=qr_svg(gate.token_for(record)),
            printed_at=clock.now().strftime("%Y-%m-%d %H:%M"),
        )


class WorkerPassView(FullIdNumberMixin, PassView):
    resource = "worker_pass"
    machine = passes.WORKER_PASS
    record_actions = WORKER_PASS_ACTIONS
    card_title = _l("Construction-worker pass")
    column_list = PASS_COLUMNS + (
        "worker_name",
        "phone",
        "id_number_masked",
        "company",
        "renovation",
    )
    column_details_list = column_list + ("photo",) + PASS_TRAILER
    column_export_list = column_list + PASS_TRAILER
    column_formatters_export = {"id_number_masked": masked_or_full}
    column_formatters_detail = {"photo": photo_image}
    column_searchable_list = ("number", "worker_name", "phone")
    column_search_modes = {"worker_name": "prefix", "phone": "phone"}
    column_filters = (
        estate_filter(WorkerPass),
        WorklistFilter(WorkerPass, "worker_pass"),
        unit_filter(WorkerPass),
        resident_filter(WorkerPass),
        "status",
        "valid_until",
    )
    form_columns = (
        "estate",
        "renovation",
        "worker_name",
        "phone",
        "id_number",
        "company",
        "photo",
        "valid_from",
        "valid_until",
    )
    editable_after_application = ("phone", "company", "photo")
    form_extra_fields = {
        "id_number": SensitiveField(_l("ID number"), validators=[id_document]),
        "photo": PhotoField(_l("Photo"), description=_l("PNG, JPEG or WebP, up to 5 MB.")),
    }
    form_args = {"phone": {"validators": [phone_number]}, **VALIDITY_CHOICES}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "renovation": WORKER_PASS_RENOVATION_LOOKUP}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if "photo" in form:
            photo = read_upload(form.photo)
            if photo:
                stored = storage.save_image(
                    photo,
                    filename=f"worker-{model.worker_name}",
                    estate_id=model.estate_id or model.estate.id,
                    created_by_id=current_user.id,
                )
                model.photo_file_id = stored.id

    @expose("/photo/")
    def photo_view(self):
        """The worker's photo, only for someone who may see the pass (scope via get_one)."""
        return stored_file_response(self.get_one(request.args.get("id")).photo_file_id)


class VehiclePassView(PassView):
    resource = "vehicle_pass"
    machine = passes.VEHICLE_PASS
    record_actions = VEHICLE_PASS_ACTIONS
    card_title = _l("Vehicle pass")
    column_list = PASS_COLUMNS + ("plate", "vehicle_type", "resident", "unit", "parking_space")
    column_details_list = column_list + ("is_new_energy",) + PASS_TRAILER
    column_export_list = column_details_list
    column_searchable_list = ("number", "plate")
    column_search_modes = {"plate": "plate"}
    column_filters = (
        estate_filter(VehiclePass),
        WorklistFilter(VehiclePass, "vehicle_pass"),
        unit_filter(VehiclePass),
        resident_filter(VehiclePass),
        "status",
        "vehicle_type",
        "valid_until",
    )
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
    editable_after_application = ("parking_space",)
    form_args = {"plate": {"validators": [plate_number]}, **VALIDITY_CHOICES}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "resident": RESIDENT_LOOKUP, "unit": UNIT_LOOKUP}

    def on_model_change(self, form, model, is_created):
        model.is_new_energy = validation.is_new_energy_plate(model.plate)
        super().on_model_change(form, model, is_created)


class ReleasePassView(PassView):
    resource = "release_pass"
    machine = passes.RELEASE_PASS
    record_actions = RELEASE_PASS_ACTIONS
    card_title = _l("Large-item release")
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
    column_search_modes = {"applicant_name": "prefix", "applicant_phone": "phone"}
    column_filters = (
        estate_filter(ReleasePass),
        WorklistFilter(ReleasePass, "release_pass"),
        unit_filter(ReleasePass),
        resident_filter(ReleasePass),
        "status",
        "moving_date",
        "applicant_is_tenant",
    )
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
    editable_after_application = ("applicant_phone",)
    form_args = {
        "applicant_phone": {"validators": [phone_number]},
        # Left empty, the resident picked gives it (passes.carry_over); checked on saving.
        "applicant_name": {"validators": [Optional()]},
        "moving_date": {"quick": start_choices},
    }
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "unit": UNIT_LOOKUP, "applicant": RESIDENT_LOOKUP}
