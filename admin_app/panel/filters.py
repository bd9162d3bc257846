"""List filters shared by the record views."""

from __future__ import annotations

from flask import has_request_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, IntEqualFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import false

from admin_app.panel.forms import estate_options
from admin_app.services import worklists


class EstateFilter(IntEqualFilter):
    """Filter by one of the user's estates. Flask-Admin computes filter options once at start
    up; these depend on who is asking, so the base view refreshes them per request."""

    per_request_options = True

    def get_options(self, view):
        return estate_options() if has_request_context() else None


def estate_filter(model):
    return EstateFilter(model.estate_id, _l("Estate"))


class WorklistFilter(BaseSQLAFilter):
    """A work list on its record list: the dashboard links here with ?flt0_queue=<name> (the URL
    keeps its first name)."""

    url_name = "queue"

    def __init__(self, model, resource: str):
        self.resource = resource
        super().__init__(model.id, _l("Queue"))

    def get_options(self, view):
        return [(q.name, q.label) for q in worklists.WORKLISTS if q.resource == self.resource]

    def apply(self, query, value, alias=None):
        worklist = worklists.BY_NAME.get(value)
        if worklist is None or worklist.resource != self.resource:
            return query.filter(false())
        return query.filter(worklists.clause_for(value))

    def operation(self):
        return _l("is")
