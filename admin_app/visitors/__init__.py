"""Visitors and parcels (访客登记, 代收大件物品): the register kept at the desk and the gate, and
the large parcels signed for on a resident's behalf after a phone call."""

from __future__ import annotations


def register(admin) -> None:
    """The visitor register and the parcels under Front desk, and the desk screen's link."""
    # Imported here, not above: importing a verb (visitors.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.auth.permissions import may
    from admin_app.extensions import db
    from admin_app.models import Parcel, Visitor
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.visitors.views import ParcelView, VisitorView

    class DeskLink(MenuLink):
        def is_accessible(self) -> bool:
            return may(current_user, "visitor.register")

    admin.add_link(DeskLink(name=_l("Visitors and parcels"), url="/visitors/", category=FRONT_DESK))
    admin.add_view(
        VisitorView(
            Visitor, db, name=_l("Visitor register"), category=FRONT_DESK, endpoint="visitor"
        )
    )
    admin.add_view(
        ParcelView(
            Parcel, db, name=_l("Parcels signed for"), category=FRONT_DESK, endpoint="parcel"
        )
    )


def register_pages(app) -> None:
    """The desk screen at /visitors/ and the same screen on the gate's phone at /gate/visitors/."""
    from admin_app.visitors.desk import bp

    app.register_blueprint(bp, url_prefix="/visitors", name="visitors")
    app.register_blueprint(bp, url_prefix="/gate/visitors", name="gate_visitors")
