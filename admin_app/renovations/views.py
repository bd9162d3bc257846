"""Renovations (装修): the application, each step of its workflow, and its inspections."""

from __future__ import annotations

from flask import request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app.attachments.views import AttachmentsMixin
from admin_app.models import DepositStatus, Renovation, RenovationInspection, RenovationStatus
from admin_app.panel.actions.pages import ActionsMixin
from admin_app.panel.base import SecureModelView
from admin_app.panel.files import photo_image, stored_file_response
from admin_app.panel.filters import WorklistFilter, estate_filter, resident_filter, unit_filter
from admin_app.panel.forms import CameraPhotoField, phone_number, read_upload
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP, RESIDENT_LOOKUP, UNIT_LOOKUP
from admin_app.panel.saves import NamedSavesMixin
from admin_app.renovations import operations as renovations
from admin_app.renovations.actions import RENOVATION_ACTIONS
from admin_app.renovations.printing import RenovationPrintsMixin
from admin_app.services import storage


def renovation_choice(renovation) -> str:
    """What a form offers (a worker pass, an inspection): the renovation, where, how far it
    is, and the permit a card names: a number alone says nothing to whoever stands in the flat."""
    parts = [renovation.number, str(renovation.unit), str(renovation.status)]
    if renovation.permit_number:
        parts.append(gettext("Permit %(number)s", number=renovation.permit_number))
    return " · ".join(parts)


# Searched by either number the office or the card gives.
RENOVATION_LOOKUP = {
    "fields": ("number", "permit_number"),
    "placeholder": _l("Search renovation or permit number"),
    "extra_filter": lambda query: query.options(joinedload(Renovation.unit)),
    "label": renovation_choice,
}
UNDER_REVIEW = frozenset({RenovationStatus.applied, RenovationStatus.rectification})


def deposit_state(view, context, model, name):
    """A deposit asked for and not collected yet reads so: its state stays "none" until the
    permit is issued with the deposit collected, which read "No deposit" beside 3000.00."""
    if model.deposit_status is DepositStatus.none and (model.deposit or 0) > 0:
        return gettext("Not collected yet")
    return model.deposit_status.label


def inspection_list(view, context, model, name):
    items = Markup("").join(
        Markup("<li>{} · {} · <b>{}</b> · {} {}</li>").format(
            f"{i.inspected_at:%Y-%m-%d %H:%M}",
            i.kind.label,
            i.result.label,
            i.inspector.name if i.inspector else "",
            i.notes or "",
        )
        for i in model.inspections
    )
    return Markup("<ul class='mb-0 pl-3'>{}</ul>").format(items) if items else ""


def worker_pass_list(view, context, model, name):
    items = Markup("").join(
        Markup('<li><a href="{}">{}</a> {} · {}</li>').format(
            url_for("worker_pass.details_view", id=p.id), p.number, p.worker_name, p.status.label
        )
        for p in sorted(model.worker_passes, key=lambda p: p.id)
    )
    return Markup("<ul class='mb-0 pl-3'>{}</ul>").format(items) if items else ""


class RenovationView(
    NamedSavesMixin, RenovationPrintsMixin, AttachmentsMixin, ActionsMixin, SecureModelView
):
    resource = "renovation"
    details_template = "admin/wuye/renovation_details.html"
    details_loads = (  # the inspections list names each inspector
        selectinload(Renovation.inspections).options(
            lazyload("*"), joinedload(RenovationInspection.inspector).lazyload("*")
        ),
    )
    machine = renovations.RENOVATION
    record_actions = RENOVATION_ACTIONS
    column_labels = {
        **LABELS,
        "inspections": _l("Inspections"),
        "worker_passes": _l("Worker passes"),
        # The search box's placeholder names what it finds.
        "unit_id": _l("Unit"),
        "owner.name": _l("Owner"),
        "owner.phone": _l("Owner's phone"),
    }
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
        "cancelled_reason",
        "inspections",
        "worker_passes",
        "created_at",
    )
    column_export_list = tuple(
        c for c in column_details_list if c not in ("inspections", "worker_passes")
    )
    column_formatters = {"deposit_status": deposit_state}
    column_formatters_detail = {
        "inspections": inspection_list,
        "worker_passes": worker_pass_list,
        "deposit_status": deposit_state,
    }
    # The desk finds an application by the flat as the office writes it ("1-1-801"), or by
    # the owner's name or the last digits of a phone.
    column_searchable_list = (
        "number",
        "unit_id",
        "owner.name",
        "owner.phone",
        "contractor",
        "person_in_charge",
        "person_phone",
    )
    column_search_modes = {
        "unit_id": "unit",
        "owner.name": "prefix",
        "owner.phone": "phone",
        "person_in_charge": "prefix",
        "person_phone": "phone",
    }
    column_sortable_list = ("number", "status", "planned_start", "planned_end", "created_at")
    column_default_sort = ("created_at", True)
    column_filters = (
        estate_filter(Renovation),
        WorklistFilter(Renovation, "renovation"),
        unit_filter(Renovation),
        resident_filter(Renovation),
        "status",
        "deposit_status",
        "planned_start",
        "planned_end",
        "next_patrol_due_at",
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
    # The unit is the application's subject: a wrong one is cancelled, not moved. After the
    # review, dates, scope and deposit are what the permit says; contacts may still change.
    always_editable = ("owner", "contractor", "person_in_charge", "person_phone")
    editable_under_review = always_editable + ("scope", "planned_start", "planned_end", "deposit")
    form_args = {"person_phone": {"validators": [phone_number]}}
    form_ajax_refs = {"estate": ESTATE_LOOKUP, "unit": UNIT_LOOKUP, "owner": RESIDENT_LOOKUP}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None:
            keep = (
                self.editable_under_review if obj.status in UNDER_REVIEW else self.always_editable
            )
            for name in self.form_columns:
                if name not in keep and name in form:
                    del form[name]
        return form

    def created_message(self, record) -> str:
        return gettext(
            "Renovation application %(number)s registered for %(unit)s. Next: a supervisor "
            "reviews it (the supervisors have been told).",
            number=record.number,
            unit=record.unit,
        )

    def action_subject(self, record) -> str:
        """The flat first: whoever records a patrol or an inspection sees where it is."""
        return gettext(
            "%(unit)s · renovation application %(number)s", unit=record.unit, number=record.number
        )

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if is_created:
            renovations.register_application(model)
        else:
            renovations.check_application(model)


class RenovationInspectionView(AttachmentsMixin, SecureModelView):
    """Inspections entered here take the same steps as the renovation's buttons: a violation
    stops the work, a failed completion inspection sends it back."""

    resource = "renovation_inspection"
    column_labels = {**LABELS, "photo": _l("Photo")}
    column_list = ("renovation", "estate", "kind", "inspected_at", "inspector", "result", "notes")
    column_details_list = column_list + ("photo", "created_at")
    column_formatters_detail = {"photo": photo_image}
    column_default_sort = ("inspected_at", True)
    column_sortable_list = ("kind", "inspected_at", "result")
    column_filters = (estate_filter(RenovationInspection), "kind", "result", "inspected_at")
    form_columns = ("renovation", "kind", "inspected_at", "result", "notes", "photo")
    form_extra_fields = {"photo": CameraPhotoField(_l("Photo"))}
    form_ajax_refs = {"renovation": RENOVATION_LOOKUP}
    # What an inspection found is history: afterwards only its notes and photo may be added.
    editable_after_recording = ("notes", "photo")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in self.form_columns:
            if name not in self.editable_after_recording and name in form:
                del form[name]
        return form

    def create_model(self, form):
        created = []

        def record():
            created.append(
                renovations.record_inspection(
                    form.renovation.data,
                    current_user,
                    kind=form.kind.data,
                    result=form.result.data,
                    notes=form.notes.data,
                    photo=read_upload(form.photo),
                    at=form.inspected_at.data,
                )
            )

        if not self._commit(record):
            return False
        return created[0]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        photo = read_upload(form.photo) if "photo" in form else None
        if photo:
            model.photo_file_id = storage.save_image(
                photo,
                filename=f"inspection-{model.renovation.number}",
                estate_id=model.estate_id,
                created_by_id=current_user.id,
            ).id

    @expose("/photo/")
    def photo_view(self):
        """The inspection photo, only for someone who may see the inspection."""
        return stored_file_response(self.get_one(request.args.get("id")).photo_file_id)
