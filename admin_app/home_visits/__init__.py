"""Home-visit bookings (上门服务预约, 002 篇3): request, answer within one working day,
appointment, and its end (visited, called off with 8 hours' notice, abandoned)."""

from __future__ import annotations


def register(admin) -> None:
    """The bookings under Front desk, beside the work orders."""
    # Imported here, not above: importing a verb (home_visits.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.home_visits.views import HomeVisitBookingView
    from admin_app.models import HomeVisitBooking
    from admin_app.panel.menu import FRONT_DESK

    admin.add_view(
        HomeVisitBookingView(
            HomeVisitBooking,
            db,
            name=_l("Home-visit bookings"),
            category=FRONT_DESK,
            endpoint="home_visit_booking",
        )
    )
