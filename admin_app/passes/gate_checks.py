"""The gate-check log, read-only: who checked which pass at which gate, and the verdict."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from admin_app.models import GateCheck, PassKind
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS

PASS_ENDPOINTS = {
    PassKind.worker: "worker_pass",
    PassKind.vehicle: "vehicle_pass",
    PassKind.release: "release_pass",
}


def pass_link(view, context, model, name):
    if not model.pass_number:
        return ""
    if model.pass_kind is None or model.pass_id is None:
        return model.pass_number
    url = url_for(f"{PASS_ENDPOINTS[model.pass_kind]}.details_view", id=model.pass_id)
    return Markup('<a href="{}">{}</a>').format(url, model.pass_number)


class GateCheckView(SecureModelView):
    resource = "gate_check"
    show_history = False  # the log is its own record
    column_labels = LABELS
    column_list = (
        "checked_at",
        "estate",
        "checked_by",
        "method",
        "scanned",
        "result",
        "pass_kind",
        "pass_number",
    )
    # The pass is shown by its number, a link to it; its row id means nothing to a person.
    column_details_exclude_list = ("pass_id",)
    column_formatters = {"pass_number": pass_link}
    column_formatters_detail = column_formatters
    column_default_sort = ("checked_at", True)
    column_sortable_list = ("checked_at", "result", "pass_kind")
    column_searchable_list = ("pass_number", "scanned")
    column_search_modes = {"pass_number": "code", "scanned": "plate"}
    column_filters = (estate_filter(GateCheck), "result", "method", "pass_kind", "checked_at")
