"""The gate's lending box (百宝箱, 001 二(一)5): a pump, umbrellas, a trolley and the like,
lent free for use inside the estate from the visitors screen of the desk and the gate, and
the box's contents kept by the supervisors."""

from __future__ import annotations


def register(admin) -> None:
    """The box's items and its loans under Front desk."""
    # Imported here, not above: importing a verb (lending.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.lending.views import BoxItemView, LoanView
    from admin_app.models import BoxItem, Loan
    from admin_app.panel.menu import FRONT_DESK

    admin.add_view(
        BoxItemView(BoxItem, db, name=_l("Lending box"), category=FRONT_DESK, endpoint="box_item")
    )
    admin.add_view(LoanView(Loan, db, name=_l("Loans"), category=FRONT_DESK, endpoint="loan"))


def register_pages(app) -> None:
    """Lending and taking back, at the desk (/visitors/box/) and the gate (/gate/visitors/box/)."""
    from admin_app.lending.pages import bp

    app.register_blueprint(bp, url_prefix="/visitors/box", name="box")
    app.register_blueprint(bp, url_prefix="/gate/visitors/box", name="gate_box")
