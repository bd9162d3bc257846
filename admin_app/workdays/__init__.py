"""The working-day calendar (工作日) of each estate: statutory holidays, make-up days and the
estate's own days; the arithmetic is in services/calendar/."""

from __future__ import annotations


def register(admin) -> None:
    """The calendar under Property, with the estate's other settings."""
    # Imported here, not above: a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import WorkdayOverride
    from admin_app.panel.menu import PROPERTY
    from admin_app.workdays.views import WorkdayOverrideView

    admin.add_view(
        WorkdayOverrideView(
            WorkdayOverride,
            db,
            name=_l("Working days"),
            category=PROPERTY,
            endpoint="workday_override",
        )
    )
