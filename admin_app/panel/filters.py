"""List filters shared by the record views."""

from __future__ import annotations

import re

from flask import has_request_context, request
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, IntEqualFilter
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import false, select

from admin_app import clock, validation
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Renovation, Resident, Unit, WorkerPass
from admin_app.panel.forms import estate_options
from admin_app.services import worklists


class RecordIdValue:
    """A filter whose value names one record by id (?flt0_…=12). A number that can name no
    record — zero, negative, beyond the column's range — is an invalid filter value, not a
    query: SQLite cannot even bind a number past 64 bits."""

    def clean(self, value):
        pk = validation.record_id(value)
        if pk is None:
            raise ValueError(value)
        return pk


class RecordIdFilter(RecordIdValue, IntEqualFilter):
    """Rows whose column equals the record id."""


class EstateFilter(RecordIdFilter):
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
        return query.filter(worklist.clause_for(current_user, clock.now()))

    def operation(self):
        return _l("is")


class RecordFilter(RecordIdValue, BaseSQLAFilter):
    """Rows that name one unit or resident (?flt0_unit=12, ?flt0_resident=7): the household
    file's links. The URL names the record by id, whatever the language; the filter bar shows
    its name, and offers the filter only while it is in use (an id is nothing to type). The
    record is looked up in the user's scope: another estate's id matches no row and shows no
    name."""

    per_request_options = True
    offered_when_unused = False
    target: type = object
    url_name = ""

    def __init__(self, column, name, via=None):
        # via: (the column the row names, the column of that record naming the target), for
        # a worker pass, which names a renovation, which names the unit and its owner.
        self.via = via
        super().__init__(column, name)

    def apply(self, query, value, alias=None):
        target = self.target
        visible = scoped(select(target.id).where(target.id == value), target, current_user)
        if self.via is None:
            matching = self.column == value
        else:
            key, link = self.via
            matching = self.column.in_(select(key).where(link == value))
        return query.filter(matching, visible.exists())

    def operation(self):
        return _l("is")

    def get_options(self, view):
        if not has_request_context():
            return None
        pattern = re.compile(rf"flt\d+_{self.url_name}")
        asked = {
            validation.record_id(v) for k, v in request.args.items() if pattern.fullmatch(k)
        } - {None}
        if not asked:
            return None
        query = scoped(db.session.query(self.target), self.target, current_user)
        names = {r.id: str(r) for r in query.filter(self.target.id.in_(asked))}
        return [(str(pk), names.get(pk, f"#{pk}")) for pk in sorted(asked)]


class UnitFilter(RecordFilter):
    target = Unit
    url_name = "unit"


class ResidentFilter(RecordFilter):
    target = Resident
    url_name = "resident"


# How a worker pass reaches the unit and its owner: through its renovation.
THROUGH_RENOVATION = {"unit": Renovation.unit_id, "resident": Renovation.owner_id}
# The rows' link to a resident, where it is not called resident_id.
RESIDENT_LINKS = {"release_pass": "applicant_id", "renovation": "owner_id"}


def unit_filter(model) -> UnitFilter:
    if model is WorkerPass:
        via = (Renovation.id, THROUGH_RENOVATION["unit"])
        return UnitFilter(model.renovation_id, _l("Unit"), via=via)
    return UnitFilter(model.unit_id, _l("Unit"))


def resident_filter(model) -> ResidentFilter:
    if model is WorkerPass:
        via = (Renovation.id, THROUGH_RENOVATION["resident"])
        return ResidentFilter(model.renovation_id, _l("Resident"), via=via)
    link = RESIDENT_LINKS.get(model.__tablename__, "resident_id")
    return ResidentFilter(getattr(model, link), _l("Resident"))
