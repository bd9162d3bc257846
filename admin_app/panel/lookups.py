"""Ajax lookups for foreign keys (`form_ajax_refs`) that respect the user's estate scope.

Used both to search (the select box) and to resolve the submitted id when a form is saved, so
a forged id of another estate's record is "not a valid choice", exactly like a missing one.
"""

from __future__ import annotations

from flask import g, request
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model.fields import AjaxSelectField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import false, or_, select
from sqlalchemy.orm import lazyload

from admin_app import clock, validation
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate, Resident
from admin_app.panel.listing import SEARCH_MODES
from admin_app.services import household, unit_reader
from admin_app.services.errors import ServiceError

MAX_LOOKUP_ROWS = 20

# The records most forms pick: the estate, the unit and the resident (each domain's form_ajax_refs).
ESTATE_LOOKUP = {"fields": ("name", "code"), "placeholder": _l("Choose an estate")}
# Units are read as people write them ("3栋1单元601", "3-1-601", "601室"): services/unit_reader.py.
UNIT_LOOKUP = {
    "fields": ("building", "room"),
    "search": unit_reader.search,
    "order_by": unit_reader.ORDER,
    "placeholder": _l("Building, entrance, room: 3-1-601"),
}
RESIDENT_LOOKUP = {
    "fields": ("name", "phone"),
    "modes": {"name": "prefix", "phone": "phone"},
    "placeholder": _l("Search name or phone"),
    # A form's unit, once picked, narrows its resident choices to the unit's residents
    # (linked-lookups.js sends it along as ?unit=).
    "narrowed_by": {"unit": "unit_id"},
    # A former resident is no one to pick for new work (a repair for the flat would go out
    # with his phone); a record that already names him keeps him, marked as gone.
    "offered": lambda: Resident.living_on(clock.today()),
    "mark": lambda resident, text: (
        gettext("%(name)s (moved out)", name=text)
        if resident.has_moved_out(clock.today())
        else text
    ),
}


def estate_names() -> dict[int, str]:
    """The names of the estates a choice may come from, when the user works in more than one
    (else none: a choice needs no estate then); read once a request, the user's own from his
    load, every estate's for someone who sees them all."""
    names = g.get("lookup_estate_names")
    if names is None:
        if getattr(current_user, "all_estates", False):  # (no one signed in: False)
            names = dict(db.session.execute(select(Estate.id, Estate.name)).all())
        else:
            names = {estate.id: estate.name for estate in getattr(current_user, "estates", ())}
        g.lookup_estate_names = names = names if len(names) > 1 else {}
    return names


def estate_from_links(form) -> None:
    """A form sent with its estate left blank and a unit or a resident picked takes their
    estate: the choice named it (someone of several estates is shown which), nothing the panel
    knows is typed twice. A unit not there for the user stays unresolved, refused as before."""
    estate = getattr(form, "estate", None)
    if not isinstance(estate, AjaxSelectField) or estate.data is not None:
        return
    if getattr(estate, "_formdata", None):  # an id sent that is no estate of the user's
        return
    for name in ("unit", "resident"):
        field = getattr(form, name, None)
        picked = field.data if isinstance(field, AjaxSelectField) else None
        if getattr(picked, "estate_id", None) is not None:
            # As if sent: looked up in the user's scope, and "required" sees it given.
            estate.raw_data = [str(picked.estate_id)]
            estate.process_formdata(estate.raw_data)
            return


def explain_estate_from_links(form) -> None:
    """Says so under the estate of a new record's form, to whoever works in several estates."""
    estate = getattr(form, "estate", None)
    links = [getattr(form, name, None) for name in ("unit", "resident")]
    linked = any(isinstance(field, AjaxSelectField) for field in links)
    if isinstance(estate, AjaxSelectField) and linked and estate_names():  # several estates
        estate.description = gettext("Left blank, the unit or resident picked names it.")


def _resident_fields(form) -> list:
    """The form's resident lookups (resident, owner, applicant), when it also has a unit's."""
    if not isinstance(getattr(form, "unit", None), AjaxSelectField):
        return []
    return [
        field
        for field in form
        if isinstance(field, AjaxSelectField) and getattr(field.loader, "model", None) is Resident
    ]


def narrow_residents_to_unit(form) -> None:
    """The resident choices of a form with a unit are that unit's residents, once it is
    picked (opened without typing, the box lists them)."""
    for field in _resident_fields(form):
        field.render_kw = {**(field.render_kw or {}), "data-narrowed-by": "unit"}


def check_residents_live_in_unit(form) -> bool:
    """A resident picked who lives in another unit than the one picked is refused under the
    resident's field, the form kept as typed (services/household.check_lives_in)."""
    valid = True
    for field in _resident_fields(form):
        try:
            household.check_lives_in(field.data, form.unit.data)
        except ServiceError as refusal:
            field.errors = [*field.errors, str(refusal)]
            valid = False
    return valid


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Options: `fields` to search, each as `modes` says ("prefix", "contains", "phone"; see
    listing.py — the same matching as the lists' search), `contains` by default;
    `extra_filter(query) -> query` to narrow further (e.g. only technicians); `label(record)
    -> str` for what each choice shows (its str() by default); `search(query, term, offset,
    limit) -> records` to find them another way (units); `order_by`: a column or a tuple;
    `narrowed_by`: {request argument: column} the choices must match when the page sends it
    (a form's picked unit); `offered() -> clause`: the records a search offers, while a saved
    form's record outside it still resolves; `mark(record, text) -> text`: what the
    choice says of the record beyond its name."""

    def __init__(self, name, session, model, **options):
        self.offered = options.pop("offered", None)
        self.mark = options.pop("mark", None)
        self.modes = options.pop("modes", {})
        self.narrowed_by = options.pop("narrowed_by", {})
        self.extra_filter = options.pop("extra_filter", None)
        self.label = options.pop("label", None)
        self.search = options.pop("search", None)
        options.setdefault("minimum_input_length", 0)
        super().__init__(name, session, model, **options)

    def get_query(self):
        query = scoped(db.session.query(self.model), self.model, current_user)
        if self.extra_filter is not None:
            query = self.extra_filter(query)
        return query

    def _narrowed(self, query):
        for argument, column in self.narrowed_by.items():
            value = validation.record_id(request.args.get(argument))
            if value is not None:
                query = query.filter(getattr(self.model, column) == value)
        return query

    def format(self, model):
        if model is None:
            return super().format(model)
        pk, text = super().format(model) if self.label is None else (model.id, self.label(model))
        if self.mark is not None:
            text = self.mark(model, text)
        estate = estate_names().get(getattr(model, "estate_id", None))
        if estate is not None:
            # Someone who works in several estates sees "3栋1单元601室" once per estate.
            text = gettext("%(choice)s · %(estate)s", choice=text, estate=estate)
        return pk, str(text)

    def get_one(self, pk):
        pk = validation.record_id(pk)
        if pk is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == pk).one_or_none()

    def get_list(self, term, offset=0, limit=10):
        query = self._narrowed(self.get_query())
        if self.offered is not None:
            query = query.filter(self.offered())
        if self.label is None:
            # A choice shows the record's str(), its own columns: none of its eager relations
            # (a unit's estate; a resident's unit and its estate; a staff member's estates and
            # trades, two more queries a search) is read. A `label` says what it reads itself.
            # Only here: the record a saved form names (get_one) is loaded whole, as the
            # verbs that take it expect (a resident's unit read while the ticket is written).
            query = query.options(lazyload("*"))
        term = (term or "").strip()[:50]
        limit = max(1, min(int(limit or 10), MAX_LOOKUP_ROWS))
        offset = max(0, int(offset or 0))
        if term and self.search is not None:
            return self.search(query, term, offset, limit)
        if term:
            clauses = []
            for field in self.fields:
                mode = SEARCH_MODES[self.modes.get(field, "contains")]
                clause = mode(getattr(self.model, field), term)
                if clause is not None:
                    clauses.append(clause)
            query = query.filter(or_(*clauses) if clauses else false())
        if self.order_by is not None:
            order = self.order_by if isinstance(self.order_by, tuple) else (self.order_by,)
            query = query.order_by(*order)
        return query.offset(offset).limit(limit).all()
