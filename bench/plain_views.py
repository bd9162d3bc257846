"""The baseline: plain Flask-Admin ModelViews over our tables, configured as someone would
configure Flask-Admin for this panel with its own standard options:

- the same columns, search, sorting and column filters as ours;
- signed in as the same user as ours (Flask-Login, its documented `user_loader`, and
  `is_accessible` as Flask-Admin's auth example writes it), and scoped to that user's estates
  (`get_query` and `get_count_query` filtered by `current_user.estates`, as Flask-Admin's
  documentation shows); a director sees every estate;
- the same `form_columns` as ours, with `form_ajax_refs` for every relation (Flask-Admin's
  answer to forms whose dropdowns would list a million rows).

PLAIN is the earlier baseline, kept only as a labelled extra (--unfair-extra): unscoped
(it pages and counts every estate's rows) and with dropdown forms. The fair baseline as it was
before 2026-12-05, signed in as nobody and told the estates in a request header (so it never
read a user), is the labelled extra --anonymous-extra (HeaderScopedModelView).
"""

from __future__ import annotations

from flask import request
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
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


def signed_in_estates() -> list[int] | None:
    """The signed-in user's estates; None for every estate (a director)."""
    if current_user.all_estates:
        return None
    return [estate.id for estate in current_user.estates]


def header_estates() -> list[int] | None:
    """The estates the bench names in a header (the anonymous extra); None for every estate."""
    listed = request.headers.get(ESTATES_HEADER, "")
    return [int(e) for e in listed.split(",")] if listed else None


class ScopedModelView(ModelView):
    """Flask-Admin's documented way to show a signed-in user their own rows."""

    def is_accessible(self):
        return current_user.is_authenticated

    def user_estates(self) -> list[int] | None:
        return signed_in_estates()

    def get_query(self):
        return self._scoped(super().get_query())

    def get_count_query(self):
        return self._scoped(super().get_count_query())

    def _scoped(self, query):
        estates = self.user_estates()
        return query if estates is None else query.filter(self.model.estate_id.in_(estates))


class HeaderScopedModelView(ScopedModelView):
    """The same, for nobody signed in: the estates come from the bench (--anonymous-extra)."""

    def is_accessible(self):
        return True

    def user_estates(self) -> list[int] | None:
        return header_estates()


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
