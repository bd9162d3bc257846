"""List filters shared by the record views."""

from __future__ import annotations

from flask import has_request_context
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_babel import lazy_gettext as _l

from .forms import estate_options


class EstateFilter(IntEqualFilter):
    """Filter by one of the user's estates. Flask-Admin computes filter options once at start
    up; these depend on who is asking, so the base view refreshes them per request."""

    per_request_options = True

    def get_options(self, view):
        return estate_options() if has_request_context() else None


def estate_filter(model):
    return EstateFilter(model.estate_id, _l("Estate"))
