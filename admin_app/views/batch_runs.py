"""Batch runs, read-only: who ran which step over how many records, with its progress while it
runs (the page polls /progress/) and each skipped or failed record's reason."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Response, json, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.panel.actions.batches import REGISTRY
from admin_app.panel.base import SecureModelView
from admin_app.panel.flask_admin_private import filter_by_arg
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
        "selection": lambda v, c, m, n: selection_text(m),
    }

    @expose("/progress/")
    def progress_view(self):
        batch = self.get_one(request.args.get("id"))
        body = {k: getattr(batch, k) for k in ("total", "processed", "done", "skipped", "failed")}
        body["status"] = batch.status.value
        body["status_label"] = str(batch.status.label)
        return Response(json.dumps(body), mimetype="application/json")

    @expose("/records/")
    def records_view(self):
        """Back to the list the batch was started from, with its filter and search (a batch
        of ticked rows: the list as it opens)."""
        batch = self.get_one(request.args.get("id"))
        view = REGISTRY.get(batch.resource)
        if view is None:  # a kind of record no longer in the panel
            return redirect(self.get_url(".index_view"))
        kept = [
            (key, value)
            for key, value in parse_qsl(batch.selection or "")
            if (key.startswith("flt") and "_" in key) or key in LIST_ARGUMENTS
        ]
        target = url_for(f"{view.endpoint}.index_view")
        return redirect(f"{target}?{urlencode(kept)}" if kept else target)


# What of a batch's stored selection the list it came from reads again, besides its filters.
LIST_ARGUMENTS = ("search", "sort", "desc")


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


def selection_text(batch) -> str:
    """What the batch ran over, as the list showed it: each filter by its name, operation and
    value in words ("状态 等于 已派工"), the search typed, or the number of records ticked;
    the stored selection is the list's query string, which no one should have to read."""
    arguments = parse_qsl(batch.selection or "")
    ticked = next((value for key, value in arguments if key == "ids"), None)
    if ticked is not None:
        count = len([i for i in ticked.split(",") if i])
        return ngettext(
            "%(num)d record ticked on the list", "%(num)d records ticked on the list", count
        )
    view = REGISTRY.get(batch.resource)
    filters = sorted(
        (key[3:].split("_", 1), value)
        for key, value in arguments
        if key.startswith("flt") and "_" in key
    )
    parts = [_filter_text(view, name, value) for (_, name), value in filters]
    parts += [gettext("Search: %(text)s", text=v) for k, v in arguments if k == "search"]
    return "; ".join(parts) or gettext("Every record on the list")


def _filter_text(view, name: str, value: str) -> str:
    flt = filter_by_arg(view, name) if view is not None else None
    if flt is None:  # a filter since renamed or removed: said as it was asked
        return gettext("Filter %(name)s: %(value)s", name=name, value=value)
    options = {str(key): label for key, label in flt.get_options(view) or ()}
    return f"{flt.name} {flt.operation()} {options.get(value, value)}"


def _action_label(batch) -> str:
    view = REGISTRY.get(batch.resource)
    return view.action_label(batch.action) if view is not None else batch.action


def _resource_name(resource: str):
    view = REGISTRY.get(resource)
    return view.name if view is not None else resource
