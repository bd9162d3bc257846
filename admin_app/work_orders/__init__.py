"""Work orders (维修服务任务单): dispatch, the technician's visit, the resident's signature and the
next-day revisit; the technician's phone page."""

from __future__ import annotations


def register(admin) -> None:
    """The work-order list under Front desk, and the technicians' link to their phone page."""
    # Imported here, not above: importing a verb (work_orders.operations) runs this package
    # first, and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.extensions import db
    from admin_app.models import WorkOrder
    from admin_app.panel.menu import FRONT_DESK
    from admin_app.work_orders.views import WorkOrderView

    class TechnicianLink(MenuLink):
        def is_accessible(self) -> bool:
            return current_user.is_authenticated and current_user.role.value == "technician"

    admin.add_view(
        WorkOrderView(
            WorkOrder, db, name=_l("Work orders"), category=FRONT_DESK, endpoint="work_order"
        )
    )
    admin.add_link(TechnicianLink(name=_l("My work orders"), url="/tech/"))


def register_pages(app) -> None:
    """The technician's phone page at /tech/."""
    from admin_app.work_orders.technician import bp

    app.register_blueprint(bp)
