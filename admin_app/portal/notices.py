"""The household's text-message choices on the resident's pages: no texts about repairs, and
the language they come in (resident_notices/settings.py)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField

from admin_app.extensions import db
from admin_app.panel.forms import CleanForm
from admin_app.portal.actor import ResidentActor
from admin_app.portal.blueprint import bp
from admin_app.portal.session import current_resident, resident_required
from admin_app.resident_notices import settings


class NoticeForm(CleanForm):
    sms_opt_out = BooleanField(_l("No text messages about my repairs"))
    language = RadioField(_l("Language of the text messages"))


@bp.route("/texts", methods=("GET", "POST"))
@resident_required
def text_settings():
    resident = current_resident()
    form = NoticeForm(
        sms_opt_out=settings.opted_out(resident.unit_id),
        language=settings.language_of(resident.unit_id),
    )
    form.language.choices = list(current_app.config["LANGUAGES"].items())
    if form.validate_on_submit():
        settings.set_household(
            resident.unit,
            ResidentActor(resident),
            sms_opt_out=form.sms_opt_out.data,
            language=form.language.data,
        )
        db.session.commit()
        flash(gettext("Your choices are saved."), "success")
        return redirect(url_for("portal.text_settings"))
    return render_template("portal/texts.html", form=form)
