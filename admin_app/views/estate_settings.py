"""An estate's settings: a supervisor (or an administrator) decides how the office works.

Today one setting: who approves large-item release slips (大件物品放行条) — a supervisor, as
before, or the front desk, as the seed's job description gives it to the receptionist. Open
Property → Estate settings, pick the approver next to the estate, press Save: one click.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from admin_app import validation
from admin_app.auth.permissions import may
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.models import Estate, ReleaseApprover
from admin_app.panel.access import SecurePage, refuse
from admin_app.passes import operations as passes
from admin_app.services.errors import ServiceError


class EstateSettingsView(SecurePage):
    resource = "estate"

    def is_accessible(self) -> bool:
        return may(current_user, "estate.change_settings")

    def inaccessible_callback(self, name, **kwargs):
        return refuse()

    def _estates(self) -> list[Estate]:
        return scoped(db.session.query(Estate), Estate, current_user).order_by(Estate.name).all()

    @expose("/")
    def index(self):
        return self.render(
            "admin/wuye/estate_settings.html",
            estates=self._estates(),
            approvers=list(ReleaseApprover),
        )

    @expose("/save/", methods=("POST",))
    def save(self):
        pk = validation.record_id(request.form.get("estate"))
        estate = next((e for e in self._estates() if e.id == pk), None)
        if estate is None:
            abort(404)
        try:
            passes.set_release_approver(
                estate, current_user, request.form.get("release_approver", "")
            )
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(gettext("The settings of %(estate)s were saved.", estate=estate.name), "success")
        return redirect(url_for(".index"))

    @expose("/remote-quotes/", methods=("POST",))
    def save_remote_quotes(self):
        """Whether the estate's residents may accept or refuse quotes on their own pages."""
        from admin_app.portal import operations as portal

        pk = validation.record_id(request.form.get("estate"))
        estate = next((e for e in self._estates() if e.id == pk), None)
        if estate is None:
            abort(404)
        try:
            allowed = request.form.get("remote_quotes") == "1"
            portal.allow_remote_quotes(estate, current_user, allowed)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(gettext("The settings of %(estate)s were saved.", estate=estate.name), "success")
        return redirect(url_for(".index"))
