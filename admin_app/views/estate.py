"""Estates and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from admin_app.models import Unit
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.listing import MAX_SEARCH_TERM_LENGTH
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.services import unit_reader
from admin_app.tickets.department_views import UsualDepartmentsMixin
from admin_app.views.household import UnitFileMixin
from admin_app.work_orders.forms import DispatchSettingsMixin


class EstateView(DispatchSettingsMixin, UsualDepartmentsMixin, SecureModelView):
    resource = "estate"
    column_labels = LABELS
    column_list = ("code", "name", "address", "service_phone", "duty_phone")
    column_searchable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = (
        "code",
        "name",
        "address",
        "service_phone",
        "duty_phone",
        "usual_departments",
        "dispatch_round_robin",
    )
    integrity_messages = ((("code",), _l("Another estate already has this code.")),)


class UnitView(UnitFileMixin, SecureModelView):
    resource = "unit"
    column_labels = LABELS
    column_list = (
        "estate",
        "building",
        "entrance",
        "floor",
        "room",
        "area_m2",
        "kind",
        "occupancy",
        "renovation_status",
    )
    column_searchable_list = ("building", "room")
    column_search_modes = {"building": "prefix", "room": "prefix"}
    column_sortable_list = ("building", "room", "floor", "area_m2", "kind", "occupancy")
    # As an estate's register reads: estate by estate (a supervisor of several saw "1栋 101" of
    # every estate in turn), then building, entrance and floor (rooms compared as text read
    # "1001, 1002, 101"); straight from its index (ix_unit_estate_register): a deep page of a
    # merge by building sorted every estate's units up to it (7 ms).
    column_default_sort = [
        ("estate_id", False),
        ("building", False),
        ("entrance", False),
        ("floor", False),
        ("room", False),
    ]
    form_columns = (
        "estate",
        "building",
        "entrance",
        "floor",
        "room",
        "area_m2",
        "kind",
        "occupancy",
    )
    form_ajax_refs = {"estate": ESTATE_LOOKUP}
    column_filters = (estate_filter(Unit), "kind", "occupancy", "building", "renovation_status")
    column_editable_list = ("occupancy",)
    integrity_messages = (
        (("room",), _l("This unit (building, entrance and room) already exists in the estate.")),
    )

    def search_query(self, query, count_query, joins, count_joins, search):
        """The search box reads units like every unit lookup ("3-1-601", "3栋601", "601室")."""
        condition = unit_reader.condition(search.strip()[:MAX_SEARCH_TERM_LENGTH])
        if condition is None:
            return super().search_query(query, count_query, joins, count_joins, search)
        query = query.filter(condition)
        if count_query is not None:
            count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins
