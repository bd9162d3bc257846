"""Tickets (来电来访登记): every call, visit and complaint, from the first word to the resident
informed; complaints follow their own procedure (complaints.py)."""

from __future__ import annotations


def register(admin) -> None:
    """The ticket list, first under Front desk."""
    # Imported here, not above: importing a verb (tickets.operations) runs this package first,
    # and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import Ticket
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.tickets.views import TicketView

    admin.add_view(
        TicketView(Ticket, db, name=_l("Tickets"), category=FRONT_DESK, endpoint="ticket")
    )
