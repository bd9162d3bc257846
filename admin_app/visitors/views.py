"""The visitor register and the parcels signed for, read at the office: who came, whom they
visited, when they left; each parcel's phone confirmation and the resident's signature. Read
only: records are written on the desk and gate screen (desk.py), through the verbs."""

from __future__ import annotations

from flask import request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.models import Parcel, Visitor
from admin_app.panel.base import SecureModelView
from admin_app.panel.files import stored_file_response
from admin_app.panel.filters import estate_filter, unit_filter
from admin_app.panel.formatters import masked_phone
from admin_app.panel.labels import LABELS

VISITOR_LABELS = {
    **LABELS,
    "name": _l("Visitor's name"),
    "phone": _l("Phone"),
    "host_name": _l("Visiting whom"),
    "plate": _l("Plate"),
    "point": _l("Registered at"),
    "in_at": _l("In at"),
    "in_by": _l("Let in by"),
    "out_at": _l("Out at"),
    "out_by": _l("Let out by"),
}
PARCEL_LABELS = {
    **LABELS,
    "number": _l("Number"),
    "recipient_name": _l("For (resident)"),
    "description": _l("What it is"),
    "carrier": _l("Delivered by"),
    "confirmed_by": _l("Confirmed on the phone by"),
    "confirmed_at": _l("Confirmed at"),
    "received_at": _l("Signed for at"),
    "received_by": _l("Signed for by"),
    "collect_due_at": _l("To be collected by"),
    "handed_over_at": _l("Handed over at"),
    "handed_over_by": _l("Handed over by"),
    "collected_by": _l("Collected by"),
    "signature": _l("Signature"),
}


def signature_image(view, context, model, name):
    if not model.signature_file_id:
        return ""
    src = url_for("parcel.signature_view", id=model.id)
    return Markup('<img src="{}" alt="{}" class="signature-image">').format(src, _l("Signature"))


class VisitorView(SecureModelView):
    resource = "visitor"
    column_labels = VISITOR_LABELS
    column_list = ("in_at", "name", "phone", "unit", "host_name", "plate", "out_at", "point")
    column_details_list = (
        "estate",
        "name",
        "phone",
        "unit",
        "host_name",
        "plate",
        "point",
        "in_at",
        "in_by",
        "out_at",
        "out_by",
    )
    # The phone is personal data: shown masked on every page of the register.
    column_formatters = {"phone": masked_phone}
    column_formatters_detail = column_formatters
    column_default_sort = ("in_at", True)
    column_sortable_list = ("in_at", "out_at")
    column_searchable_list = ("name", "plate")
    column_filters = (estate_filter(Visitor), unit_filter(Visitor), "point", "in_at", "out_at")


class ParcelView(SecureModelView):
    resource = "parcel"
    column_labels = PARCEL_LABELS
    column_list = (
        "number",
        "status",
        "unit",
        "recipient_name",
        "description",
        "received_at",
        "handed_over_at",
    )
    column_details_list = (
        "number",
        "status",
        "estate",
        "unit",
        "recipient_name",
        "description",
        "carrier",
        "confirmed_by",
        "confirmed_at",
        "received_at",
        "received_by",
        "collect_due_at",
        "handed_over_at",
        "handed_over_by",
        "collected_by",
        "signature",
    )
    details_sources = {"signature": "signature_file_id"}
    column_formatters_detail = {"signature": signature_image}
    column_default_sort = ("received_at", True)
    column_sortable_list = ("received_at", "handed_over_at", "status")
    column_searchable_list = ("number", "recipient_name")
    column_filters = (estate_filter(Parcel), unit_filter(Parcel), "status", "received_at")

    @expose("/signature/")
    def signature_view(self):
        """The signature image, only for someone who may see the parcel (scope via get_one)."""
        parcel = self.get_one(request.args.get("id"))
        return stored_file_response(parcel.signature_file_id)
