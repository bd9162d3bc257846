"""Batch runs, read-only: who ran which step over how many records, with its progress while it
runs (the page polls /progress/) and each skipped or failed record's reason."""

from __future__ import annotations

from flask import Response, json, request
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.panel.actions.batches import REGISTRY
from admin_app.panel.base import SecureModelView
from admin_app.panel.labels import LABELS


class BatchRunView(SecureModelView):
    resource = "action_batch"
    show_history = False
    details_template = "admin/wuye/batch.html"
    column_labels = {
        **LABELS,
        "resource": _l("Records"),
        "selection": _l("Selection"),
        "total": _l("Total"),
        "done": _l("Done"),
        "skipped": _l("Skipped"),
        "failed": _l("Failed"),
        "processed": _l("Processed"),
        "problems": _l("Problems"),
        "finished_at": _l("Finished at"),
    }
    column_list = (
        "created_at",
        "actor",
        "resource",
        "action",
        "status",
        "total",
        "done",
        "skipped",
        "failed",
        "finished_at",
    )
    column_details_list = column_list + ("selection", "problems")
    column_default_sort = ("created_at", True)
    column_sortable_list = ("created_at", "status")
    column_filters = ("status", "resource", "action", "created_at")
    column_formatters = {
        "action": lambda v, c, m, n: _action_label(m),
        "resource": lambda v, c, m, n: str(_resource_name(m.resource)),
    }
    column_formatters_detail = {
        **column_formatters,
        "problems": lambda v, c, m, n: problem_list(m.problems),
    }

    @expose("/progress/")
    def progress_view(self):
        batch = self.get_one(request.args.get("id"))
        body = {k: getattr(batch, k) for k in ("total", "processed", "done", "skipped", "failed")}
        body["status"] = batch.status.value
        body["status_label"] = str(batch.status.label)
        return Response(json.dumps(body), mimetype="application/json")


def problem_list(problems: dict | None) -> Markup:
    """Each record that was skipped or failed, with its reason, as a list (not raw JSON)."""
    if not problems:
        return Markup("")
    items = Markup("").join(
        Markup("<li>{}</li>").format(reason)
        if str(reason).startswith(record)  # a refusal names its record already
        else Markup("<li><b>{}</b>: {}</li>").format(record, reason)
        for record, reason in problems.items()
    )
    return Markup('<ul class="mb-0 pl-3 batch-problems">{}</ul>').format(items)


def _action_label(batch) -> str:
    view = REGISTRY.get(batch.resource)
    return view.action_label(batch.action) if view is not None else batch.action


def _resource_name(resource: str):
    view = REGISTRY.get(resource)
    return view.name if view is not None else resource
