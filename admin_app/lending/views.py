"""The lending box at the office: what each estate's box holds (kept by the supervisors) and
the loans, read only (they are written on the visitors screen, through the verbs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin_app.models import BoxItem, Loan
from admin_app.panel.base import SecureModelView
from admin_app.panel.fields import ColumnRange
from admin_app.panel.filters import estate_filter, unit_filter
from admin_app.panel.formatters import masked_phone
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP

ITEM_LABELS = {
    **LABELS,
    "name": _l("Box item"),
    "count": _l("How many in the box"),
    "lend_hours": _l("Back within (hours)"),
    "active": _l("Offered at the gate"),
}
LOAN_LABELS = {
    **LABELS,
    "item": _l("Box item"),
    "borrower_name": _l("Borrower's name"),
    "phone": _l("Phone"),
    "lent_at": _l("Lent at"),
    "lent_by": _l("Lent by"),
    "due_at": _l("Back by"),
    "returned_at": _l("Back at"),
    "returned_by": _l("Taken back by"),
}


class BoxItemView(SecureModelView):
    resource = "box_item"
    column_labels = ITEM_LABELS
    column_list = ("estate", "name", "count", "lend_hours", "active")
    column_default_sort = [("name", False)]
    column_sortable_list = ("name", "count")
    column_filters = (estate_filter(BoxItem), "active")
    column_descriptions = {
        "lend_hours": _l("Not back by then, the gate is reminded to call the borrower."),
        "active": _l("Taken off, it is no longer offered (its loans stay on record)."),
    }
    form_columns = ("estate", "name", "count", "lend_hours", "active")
    form_ajax_refs = {"estate": ESTATE_LOOKUP}
    form_args = {
        "count": {"validators": [ColumnRange(1, 999)]},
        "lend_hours": {"validators": [ColumnRange(1, 720)]},
    }
    integrity_messages = ((("name",), _l("This estate's box already has an item of that name.")),)


class LoanView(SecureModelView):
    resource = "loan"
    column_labels = LOAN_LABELS
    column_list = ("lent_at", "item", "unit", "borrower_name", "phone", "due_at", "returned_at")
    column_details_list = (
        "estate",
        "item",
        "unit",
        "borrower_name",
        "phone",
        "lent_at",
        "lent_by",
        "due_at",
        "returned_at",
        "returned_by",
    )
    # The phone is personal data: shown masked on every page of the record.
    column_formatters = {"phone": masked_phone}
    column_formatters_detail = column_formatters
    column_default_sort = ("lent_at", True)
    column_sortable_list = ("lent_at", "due_at", "returned_at")
    column_searchable_list = ("borrower_name",)
    column_filters = (estate_filter(Loan), unit_filter(Loan), "lent_at", "returned_at")
