"""Messages for a staff member who is out (留言转告): a caller asks for someone who is not
there, the desk writes it down, and the panel passes it on at once."""

from __future__ import annotations


def register(admin) -> None:
    """The messages' list under Front desk; the call page links to taking one."""
    # Imported here, not above: importing a verb (staff_messages.operations) runs this
    # package first, and a verb must never pull in the screens.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import StaffMessage
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.staff_messages.views import StaffMessageView

    admin.add_view(
        StaffMessageView(
            StaffMessage,
            db,
            name=_l("Messages for staff"),
            category=FRONT_DESK,
            endpoint="staff_message",
        )
    )
