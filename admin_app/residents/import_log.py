"""The record of every resident import, for supervisors and up (read-only)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.models.resident_import import ResidentImport
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS


def _batch_link(view, context, model, name):
    url = url_for("resident_import.batch", batch_id=model.id)
    return Markup('<a href="{}">{}</a>').format(url, model.filename or f"#{model.id}")


class ImportLogView(SecureModelView):
    """Every import, for supervisors and up: who, when, which file, what came of it."""

    resource = "import_batch"
    show_history = False
    can_view_details = False
    column_labels = {
        **LABELS,
        "created_at": _l("Uploaded at"),
        "created_by": _l("Uploaded by"),
        "filename": _l("File"),
        "total_rows": _l("Rows"),
        "new_count": _l("New"),
        "updated_count": _l("Updated"),
        "unchanged_count": _l("Unchanged"),
        "invalid_count": _l("Invalid"),
        "committed_at": _l("Imported at"),
        # Not a column: the import's one history line for the residents it created
        # (residents/importing/writing.imported_line), shown in each one's history.
        "residents_created": _l("Residents created"),
    }
    column_list = (
        "created_at",
        "estate",
        "created_by",
        "filename",
        "status",
        "total_rows",
        "new_count",
        "updated_count",
        "unchanged_count",
        "invalid_count",
        "committed_at",
    )
    column_default_sort = ("id", True)
    column_sortable_list = ("created_at", "status", "committed_at")
    column_searchable_list = ("filename",)
    column_filters = (estate_filter(ResidentImport), "status", "created_at")
    column_formatters = {"filename": _batch_link}
