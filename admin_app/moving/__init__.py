"""Move-in (入伙) in 11 steps and move-out (搬离): the front desk's household checklists."""

from __future__ import annotations


def register(admin) -> None:
    """The move-in queue (and each household's page, and the move-out checklist), under
    Property."""
    # Imported here, not above: importing a verb (moving.operations) runs this package first,
    # and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.moving.views import MoveInView
    from admin_app.panel.menu import PROPERTY

    admin.add_view(
        MoveInView(name=_l("Move-in and move-out"), category=PROPERTY, endpoint="move_in")
    )
