"""Passes (证件/放行): construction-worker passes, vehicle passes, large-item releases and the
gate where guards check them."""

from __future__ import annotations


def register(admin) -> None:
    """The pass screens and the gate-check log under Passes, and the gate page's menu link."""
    # Imported here, not above: importing a verb (passes.operations) runs this package first,
    # and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.auth.permissions import may
    from admin_app.extensions import db
    from admin_app.models import GateCheck, ReleasePass, VehiclePass, WorkerPass
    from admin_app.panel.menu import PASSES
    from admin_app.passes.gate_checks import GateCheckView
    from admin_app.passes.views import ReleasePassView, VehiclePassView, WorkerPassView

    class GateLink(MenuLink):
        def is_accessible(self) -> bool:
            return may(current_user, "gate.check")

    admin.add_view(
        WorkerPassView(
            WorkerPass, db, name=_l("Worker passes"), category=PASSES, endpoint="worker_pass"
        )
    )
    admin.add_view(
        VehiclePassView(
            VehiclePass, db, name=_l("Vehicle passes"), category=PASSES, endpoint="vehicle_pass"
        )
    )
    admin.add_view(
        ReleasePassView(
            ReleasePass,
            db,
            name=_l("Large-item releases"),
            category=PASSES,
            endpoint="release_pass",
        )
    )
    admin.add_view(
        GateCheckView(GateCheck, db, name=_l("Gate checks"), category=PASSES, endpoint="gate_check")
    )
    admin.add_link(GateLink(name=_l("Gate check"), url="/gate/"))


def register_pages(app) -> None:
    """The guard's phone page at /gate/."""
    from admin_app.passes.gate_page import bp

    app.register_blueprint(bp)
