"""The price list (收费标准): each estate's prices for paid work, which quotes are built from."""

from __future__ import annotations


def register(admin) -> None:
    """The price list under Front desk, beside the work orders it prices."""
    # Imported here, not above: importing the verbs (prices.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import PriceItem
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.prices.views import PriceItemView

    admin.add_view(
        PriceItemView(
            PriceItem, db, name=_l("Price list"), category=FRONT_DESK, endpoint="price_item"
        )
    )
