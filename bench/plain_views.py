"""The baseline: plain Flask-Admin ModelViews over our tables, configured as someone would
configure Flask-Admin for this panel with its own standard options:

- the same columns, search, sorting and column filters as ours;
- scoped to the same estates as the user ours is timed for (`get_query` and
  `get_count_query` filtered by the user's estates, as Flask-Admin's documentation shows),
  the estates passed by the bench in the X-Bench-Estates header (empty: every estate);
- the same `form_columns` as ours, with `form_ajax_refs` for every relation (Flask-Admin's
  answer to forms whose dropdowns would list a million rows).

PLAIN is the earlier baseline, kept only as a labelled extra (--unfair-extra): unscoped
(it pages and counts every estate's rows) and with dropdown forms.
"""

from __future__ import annotations

from flask import request
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import inspect as sa_inspect

from admin_app.models import (
    Renovation,
    Resident,
    Ticket,
    Unit,
    VehiclePass,
    WorkerPass,
    WorkOrder,
)
from admin_app.passes.views import VehiclePassView, WorkerPassView
from admin_app.renovations.views import RenovationView
from admin_app.residents.views import ResidentView
from admin_app.tickets.views import TicketView
from admin_app.views.estate import UnitView
from admin_app.work_orders.views import WorkOrderView

ESTATES_HEADER = "X-Bench-Estates"
# A related record's searchable text where ours names none (Flask-Admin needs one).
NAME_COLUMNS = ("number", "name", "room", "code", "username", "title")


def user_estates() -> list[int] | None:
    """The estates of the user this request stands for; None for every estate."""
    listed = request.headers.get(ESTATES_HEADER, "")
    return [int(e) for e in listed.split(",")] if listed else None


class ScopedModelView(ModelView):
    """Flask-Admin's documented way to show a user their own rows."""

    def get_query(self):
        return self._scoped(super().get_query())

    def get_count_query(self):
        return self._scoped(super().get_count_query())

    def _scoped(self, query):
        estates = user_estates()
        return query if estates is None else query.filter(self.model.estate_id.in_(estates))


def mirror(view_class) -> dict:
    options = {"can_view_details": True, "page_size": 25}
    for name in (
        "column_list",
        "column_searchable_list",
        "column_sortable_list",
        "column_default_sort",
    ):
        value = getattr(view_class, name, None)
        if value is not None:
            options[name] = value
    # The same column filters, Flask-Admin's own (ours add the estate and queue filters).
    options["column_filters"] = tuple(
        f for f in getattr(view_class, "column_filters", None) or () if isinstance(f, str)
    )
    return options


def fair(model, view_class) -> dict:
    """mirror() plus our form columns, each relation among them looked up by ajax."""
    options = mirror(view_class)
    mapper = sa_inspect(model)
    relations = mapper.relationships
    # Ours also has form-only fields (the call page's next step); plain gets the mapped ones.
    columns = [c for c in view_class.form_columns or () if c in mapper.attrs]
    options["form_columns"] = tuple(columns)
    ours = getattr(view_class, "form_ajax_refs", None) or {}
    refs = {}
    for name in columns:
        if name not in relations:
            continue
        target = relations[name].mapper.columns
        fields = [f for f in ours.get(name, {}).get("fields", ()) if f in target]
        fields = fields or [c for c in NAME_COLUMNS if c in target][:1]
        refs[name] = {"fields": fields, "page_size": 10}
    options["form_ajax_refs"] = refs
    return options


VIEWS = [
    (Ticket, TicketView),
    (WorkOrder, WorkOrderView),
    (Resident, ResidentView),
    (Unit, UnitView),
    (Renovation, RenovationView),
    (VehiclePass, VehiclePassView),
    (WorkerPass, WorkerPassView),
]

# (model, options): the fair baseline, on ScopedModelView
FAIR = [(model, fair(model, view)) for model, view in VIEWS]
# The earlier baseline, on ModelView: every estate's rows, dropdown forms (--unfair-extra; the
# export bench's plain side).
PLAIN = [(model, mirror(view)) for model, view in VIEWS]
