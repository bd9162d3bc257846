"""Duty (值班): the estate's rota with the duty phone, swaps the supervisor approves, the duty
log of each shift with its hand-over, holiday duty fixed in time, and who is on duty now."""

from __future__ import annotations


def register(admin) -> None:
    """The rota in the panel's menu, and "on duty now" for the dashboard."""
    # Imported here, not above: importing a verb (duty.operations) runs this package first,
    # and a verb must never pull in the screens.
    from flask_admin.menu import MenuLink
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from admin_app.auth.permissions import VIEW, allowed
    from admin_app.duty import operations
    from admin_app.panel.menu import FRONT_DESK

    class DutyLink(MenuLink):
        def is_accessible(self) -> bool:
            return allowed(current_user, "duty_shift", VIEW)

    admin.add_link(DutyLink(name=_l("Duty rota"), url="/duty/rota/", category=FRONT_DESK))
    admin.add_link(DutyLink(name=_l("My duty"), url="/duty/", category=FRONT_DESK))
    admin.app.jinja_env.globals["duty_on_now"] = lambda: operations.on_duty_now(current_user)


def register_pages(app) -> None:
    """The duty pages at /duty/."""
    from admin_app.duty.views import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
