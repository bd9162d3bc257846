"""History (audit records), read-only."""

from __future__ import annotations

from flask import g, url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from admin_app.extensions import db
from admin_app.models import AuditRecord
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import RecordIdFilter, estate_filter
from admin_app.panel.labels import ACTION_LABELS, LABELS, RECORD_TYPES, action_label


def changes_in_words(view, record) -> list[tuple[str, str, str]]:
    """Each change as the record's own page shows it in its history: the field's label and
    the values in words (states by their names, links by the record's name), never codes."""
    screen = view.record_screen(record.entity_type)
    return [
        (
            screen.field_label(field) if screen else field,
            screen.history_value(field, before) if screen else str(before),
            screen.history_value(field, after) if screen else str(after),
        )
        for field, (before, after) in sorted((record.changes or {}).items())
    ]


def format_changes(view, context, model, name):
    rows = Markup("").join(
        Markup("<li><b>{}</b>: {} → {}</li>").format(field, _short(before), _short(after))
        for field, before, after in changes_in_words(view, model)
    )
    return Markup("<ul class='mb-0 pl-3'>{}</ul>").format(rows)


def export_changes(view, context, model, name) -> str:
    return "; ".join(f"{f}: {b} → {a}" for f, b, a in changes_in_words(view, model))


def _short(value) -> str:
    text = "∅" if value is None else str(value)
    return escape(text if len(text) <= 120 else text[:117] + "…")


def load_linked_records(view, records) -> None:
    """The records the changes link to (a unit, a technician…), loaded in one query per kind
    for the whole page: each change names them, and one query per name would grow with the
    page."""
    wanted: dict = {}
    for record in records:
        screen = view.record_screen(record.entity_type)
        targets = screen.history_targets() if screen else {}
        for field, values in (record.changes or {}).items():
            if field in targets:
                ids = wanted.setdefault(targets[field], set())
                ids.update(int(v) for v in values if isinstance(v, int))
    # Held for the request: the session's identity map keeps a record only while it is used.
    g.audit_linked_records = [
        db.session.query(model).filter(model.id.in_(ids)).all()
        for model, ids in wanted.items()
        if ids
    ]


def _action_options() -> list[tuple[str, object]]:
    """Every action history names, by its name (one entry per name). Flask-Admin reads the
    options once, at start-up: they stay lazy texts, written in each page's language."""
    from admin_app.services.workflow import ACTION_LABELS as WORKFLOW_LABELS

    names = sorted(set(ACTION_LABELS) | {step for _, step in WORKFLOW_LABELS})
    return [(name, LazyString(action_label, name)) for name in names]


def _batch_link(view, context, model, name):
    if model.batch_id is None:
        return ""
    # An import's rows carry the import's own number, not a batch run's.
    if model.action == "import":
        url = url_for("resident_import.batch", batch_id=model.batch_id)
    else:
        url = url_for("action_batch.details_view", id=model.batch_id)
    return Markup('<a href="{}">#{}</a>').format(url, model.batch_id)


class AuditRecordView(SecureModelView):
    resource = "audit_record"
    show_history = False
    column_list = ("at", "actor", "action", "entity_type", "entity_id", "changes")
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "action", "entity_type")
    column_filters = (
        estate_filter(AuditRecord),
        FilterEqual(AuditRecord.action, _l("Action"), options=lambda: _action_options()),
        FilterEqual(
            AuditRecord.entity_type,
            _l("Record type"),
            options=lambda: list(RECORD_TYPES.items()),  # lazy texts: see _action_options
        ),
        RecordIdFilter(AuditRecord.entity_id, _l("Record id")),
        RecordIdFilter(AuditRecord.actor_id, _l("By (staff id)")),
        "at",
    )
    column_details_list = column_list + ("batch_id",)
    # A batch run's number, or an import's (_batch_link leads to the right one).
    column_labels = {**LABELS, "batch_id": _l("Batch or import")}
    column_formatters = {
        "changes": format_changes,
        # As on each record's own history: no one is the system (a job, the seed, an import).
        "actor": lambda v, c, m, n: str(m.actor) if m.actor else m.who,
        "action": lambda v, c, m, n: action_label(m.action, m.entity_type),
        "entity_type": lambda v, c, m, n: str(RECORD_TYPES.get(m.entity_type, m.entity_type)),
    }
    column_formatters_detail = {**column_formatters, "batch_id": _batch_link}
    column_formatters_export = {**column_formatters, "changes": export_changes}

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True) and rows:
            self.preload_for_rows(rows)
        return count, rows

    def preload_for_rows(self, records) -> None:
        load_linked_records(self, records)
