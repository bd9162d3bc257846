"""The price list screen: supervisors keep each estate's prices; the desk and technicians read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import flash, g, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from admin_app import clock, validation
from admin_app.auth.permissions import CREATE, allowed
from admin_app.auth.scope import estate_ids
from admin_app.extensions import db
from admin_app.models import Estate, PriceItem
from admin_app.panel.base import SecureModelView
from admin_app.panel.fields import ColumnRange, date_within
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.prices import operations as prices

AMOUNT = ColumnRange(Decimal(0), Decimal("99999999.99"), places=2)
COLUMNS = ("estate", "kind", "name", "unit", "labour_price", "materials_price", "valid_from")


def in_force_ids(estate_id: int) -> set[int]:
    """The rows in force today in the estate (once per estate and request)."""
    cache = g.setdefault("prices_in_force", {})
    if estate_id not in cache:
        rows = prices.in_force(estate_id, clock.today(), priced_only=False)
        cache[estate_id] = {row.id for row in rows}
    return cache[estate_id]


def standing(view, context, model, name):
    """Whether the row is today's price, a later one's, or replaced; and, for whoever keeps
    the list, the way to a new price of the same item."""
    if model.valid_from > clock.today():
        return gettext("From %(date)s", date=model.valid_from.isoformat())
    if model.id not in in_force_ids(model.estate_id):
        return gettext("Replaced")
    if model.labour_price is None:  # pre-filled, waiting for the office: set it in place
        words, link, verb = gettext("No price yet"), None, gettext("Set the price")
        if view.can_edit:
            link = url_for(".edit_view", id=model.id)
    else:  # a price in force changes by a new row from a later date
        words, link, verb = gettext("In force"), None, gettext("New price")
        if view.can_create:
            link = url_for(".create_view", source=model.id)
    if link is None:
        return words
    return Markup('{} · <a href="{}">{}</a>').format(words, link, verb)


class PriceItemView(SecureModelView):
    resource = "price_item"
    column_labels = {
        **LABELS,
        "kind": _l("Kind"),
        "name": _l("Item"),
        "unit": _l("Unit of charge"),
        "labour_price": _l("Labour price"),
        "materials_price": _l("Typical materials"),
        "valid_from": _l("Valid from"),
        "notes": _l("Notes"),
        "standing": _l("Standing"),
    }
    column_descriptions = {
        "valid_from": _l(
            "A new price is a new line valid from a later date; quotes already made keep "
            "their prices."
        ),
        "labour_price": _l("Per unit. An item without a labour price is not offered yet."),
    }
    column_list = (*COLUMNS, "standing", "notes")
    column_export_list = (*COLUMNS, "notes")
    column_formatters = {"standing": standing}
    column_searchable_list = ("name",)
    column_sortable_list = ("kind", "name", "unit", "labour_price", "valid_from")
    column_default_sort = [("kind", False), ("name", False), ("valid_from", True)]
    column_filters = (estate_filter(PriceItem), "kind", "unit", "valid_from")
    form_columns = (
        "estate",
        "kind",
        "name",
        "unit",
        "labour_price",
        "materials_price",
        "valid_from",
        "notes",
    )
    form_ajax_refs = {"estate": ESTATE_LOOKUP}
    form_args = {
        "labour_price": {"validators": [AMOUNT]},
        "materials_price": {"validators": [AMOUNT]},
        "valid_from": {"validators": [date_within]},
    }
    integrity_messages = (
        (
            ("valid_from", "name"),
            _l("This item already has a price from that date: change it, or choose another date."),
        ),
    )

    def create_form(self, obj=None):
        """ "New price" on a row: the same item, its prices to change, valid from tomorrow."""
        form = super().create_form(obj)
        source_id = validation.record_id(request.args.get("source"))
        if request.method == "GET" and source_id is not None:
            source = self.get_query().filter(PriceItem.id == source_id).one_or_none()
            if source is not None:
                form.estate.data = source.estate
                form.kind.data = source.kind.value
                form.unit.data = source.unit.value
                form.name.data = source.name
                form.labour_price.data = source.labour_price
                form.materials_price.data = source.materials_price
                form.valid_from.data = clock.today() + timedelta(days=1)
        return form

    @expose("/")
    def index_view(self):
        """The first time an estate's price list is opened by someone who keeps it, paid
        cleaning's items are there to be priced (002 篇1 §6)."""
        if allowed(current_user, self.resource, CREATE) and request.method == "GET":
            self._prefill_cleaning()
        return super().index_view()

    def _prefill_cleaning(self) -> None:
        ids = estate_ids(current_user)
        if ids is None:  # company-wide staff: every estate
            ids = {e.id for e in db.session.query(Estate.id)}
        added = 0
        try:
            for estate_id in sorted(ids):
                added += prices.prefill_cleaning(estate_id, actor=current_user)
            db.session.commit()
        except IntegrityError:  # someone else's first opening filled them at the same time
            db.session.rollback()
            return
        if added:
            flash(
                gettext("Paid cleaning's items are added to the price list: set their prices."),
                "info",
            )
