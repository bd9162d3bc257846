"""Renovations (装修): application, review, permit, patrols, stop orders, completion inspection."""

from __future__ import annotations


def register(admin) -> None:
    """The renovation screens, under Property."""
    # Imported here, not above: importing a verb (renovations.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import Renovation, RenovationInspection
    from admin_app.panel.menu import PROPERTY
    from admin_app.renovations.views import RenovationInspectionView, RenovationView

    admin.add_view(
        RenovationView(
            Renovation, db, name=_l("Renovations"), category=PROPERTY, endpoint="renovation"
        )
    )
    admin.add_view(
        RenovationInspectionView(
            RenovationInspection,
            db,
            name=_l("Inspections"),
            category=PROPERTY,
            endpoint="renovation_inspection",
        )
    )
