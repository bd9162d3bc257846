"""An estate's settings: a supervisor (or an administrator) decides how the office works.

Who approves large-item release slips (大件物品放行条) — a supervisor, as before, or the front
desk, as the seed's job description gives it to the receptionist; whether residents accept
quotes on their own pages; which steps of a repair the households hear of by text. Open
Property → Estate settings, change a setting next to the estate, press its Save: one click.
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
from admin_app.models import Estate, NoticeEvent, ReleaseApprover
from admin_app.panel.access import SecurePage, refuse
from admin_app.passes import operations as passes
from admin_app.resident_notices import settings as resident_texts
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
        estates = self._estates()
        return self.render(
            "admin/wuye/estate_settings.html",
            estates=estates,
            approvers=list(ReleaseApprover),
            text_events=list(NoticeEvent),
            texted={e.id: resident_texts.estate_events(e.id) for e in estates},
        )

    def _saved(self, change):
        """Run `change(estate)` (a verb) for the estate the form names, then back to the page."""
        pk = validation.record_id(request.form.get("estate"))
        estate = next((e for e in self._estates() if e.id == pk), None)
        if estate is None:
            abort(404)
        try:
            change(estate)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(gettext("The settings of %(estate)s were saved.", estate=estate.name), "success")
        return redirect(url_for(".index"))

    @expose("/save/", methods=("POST",))
    def save(self):
        chosen = request.form.get("release_approver", "")
        return self._saved(lambda estate: passes.set_release_approver(estate, current_user, chosen))

    @expose("/remote-quotes/", methods=("POST",))
    def save_remote_quotes(self):
        """Whether the estate's residents may accept or refuse quotes on their own pages."""
        from admin_app.portal import operations as portal

        allowed = request.form.get("remote_quotes") == "1"
        return self._saved(lambda estate: portal.allow_remote_quotes(estate, current_user, allowed))

    @expose("/resident-texts/", methods=("POST",))
    def save_resident_texts(self):
        """The steps of a repair the estate's households hear of by text (none: no texts)."""
        events = request.form.getlist("events")
        return self._saved(
            lambda estate: resident_texts.set_estate_events(estate, current_user, events)
        )
