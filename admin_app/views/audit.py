"""History (audit records), read-only."""

from __future__ import annotations

from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from admin_app.models import AuditRecord
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS


def format_changes(view, context, model, name):
    rows = Markup("").join(
        Markup("<li><b>{}</b>: {} → {}</li>").format(field, _short(before), _short(after))
        for field, (before, after) in sorted((model.changes or {}).items())
    )
    return Markup("<ul class='mb-0 pl-3'>{}</ul>").format(rows)


def _short(value) -> str:
    text = "∅" if value is None else str(value)
    return escape(text if len(text) <= 120 else text[:117] + "…")


class AuditRecordView(SecureModelView):
    resource = "audit_record"
    show_history = False
    column_labels = LABELS
    column_list = ("at", "actor", "action", "entity_type", "entity_id", "changes")
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "action", "entity_type")
    column_filters = (
        estate_filter(AuditRecord),
        FilterEqual(AuditRecord.action, _l("Action")),
        FilterEqual(AuditRecord.entity_type, _l("Record type")),
        IntEqualFilter(AuditRecord.entity_id, _l("Record id")),
        IntEqualFilter(AuditRecord.actor_id, _l("By (staff id)")),
        "at",
    )
    column_formatters = {"changes": format_changes}
    column_formatters_detail = column_formatters
    column_formatters_export = {"changes": lambda v, c, m, n: repr(m.changes)}
