"""The price list screen: supervisors keep each estate's prices; the desk and technicians read."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, request
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from admin_app.auth.permissions import CREATE, allowed
from admin_app.auth.scope import estate_ids
from admin_app.extensions import db
from admin_app.models import Estate, PriceItem
from admin_app.panel.base import SecureModelView
from admin_app.panel.fields import ColumnRange
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS
from admin_app.panel.lookups import ESTATE_LOOKUP
from admin_app.prices import operations as prices

AMOUNT = ColumnRange(Decimal(0), Decimal("99999999.99"), places=2)


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
    }
    column_descriptions = {
        "valid_from": _l(
            "A new price is a new line valid from a later date; quotes already made keep "
            "their prices."
        ),
        "labour_price": _l("Per unit. An item without a labour price is not offered yet."),
    }
    column_list = (
        "estate",
        "kind",
        "name",
        "unit",
        "labour_price",
        "materials_price",
        "valid_from",
        "notes",
    )
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
    }
    integrity_messages = (
        (
            ("valid_from", "name"),
            _l("This item already has a price from that date: change it, or choose another date."),
        ),
    )

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
