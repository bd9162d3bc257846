"""Tickets (来电来访登记): every call, visit and complaint, from the first word to the resident
informed; complaints follow their own procedure (complaints.py)."""

from __future__ import annotations


def register(admin) -> None:
    """The ticket list, first under Front desk, and "New call" in the navigation bar."""
    # Imported here, not above: importing a verb (tickets.operations) runs this package first,
    # and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.auth.permissions import CREATE, allowed
    from admin_app.extensions import db
    from admin_app.models import CorrectiveAction, Department, Ticket
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.tickets.department_views import CorrectiveActionView, DepartmentView
    from admin_app.tickets.views import TicketView

    class NewCallLink(MenuLink):
        def is_accessible(self) -> bool:
            return current_user.is_authenticated and allowed(current_user, "ticket", CREATE)

    admin.add_view(
        TicketView(Ticket, db, name=_l("Tickets"), category=FRONT_DESK, endpoint="ticket")
    )
    admin.add_view(
        CorrectiveActionView(
            CorrectiveAction,
            db,
            name=_l("Corrective actions"),
            category=FRONT_DESK,
            endpoint="corrective_action",
        )
    )
    admin.add_view(
        DepartmentView(
            Department, db, name=_l("Departments"), category=FRONT_DESK, endpoint="department"
        )
    )
    # From anywhere: the receptionist's first step when the phone rings.
    admin.add_link(NewCallLink(name=_l("New call"), url="/admin/ticket/call/"))
