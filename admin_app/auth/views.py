"""Login, logout and the language switch."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin_app.extensions import db
from admin_app.panel.forms import CleanForm
from admin_app.panel.return_links import safe_return
from admin_app.services import accounts

bp = Blueprint("auth", __name__)


class LoginForm(CleanForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


# Each role starts where its work is; a role not named here starts on the dashboard.
HOMES = {"technician": "tech.my_orders", "guard": "gate.index"}
# The frame of the pages they open from there (the inbox, a message for them): their phone's.
PHONE_LAYOUTS = {"technician": "tech/layout.html", "guard": "gate/layout.html"}


def phone_layout(staff) -> str | None:
    """The phone frame of someone who works from a phone page, or None (the office's)."""
    return PHONE_LAYOUTS.get(staff.role.value)


def home_for(staff) -> str:
    """Where a person lands after logging in (unless the login was asked for another page)."""
    return url_for(HOMES.get(staff.role.value, "admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_return(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_for(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            staff = accounts.authenticate(form.username.data, form.password.data)
        except accounts.LoginRefused as refused:
            db.session.commit()  # keep the failure count
            error = str(refused)
        else:
            language = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if language:
                session["lang"] = language
            login_user(staff)
            session.permanent = True
            db.session.commit()
            return redirect(next_url or home_for(staff))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error, next=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_l("You have logged out."), "info")
    response = redirect(url_for("auth.login"))
    # Whatever of residents' the browser still holds (pages from before no-store, images)
    # goes with the session; the cookies stay (the language, the next login's session).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/language", methods=["POST"])
def set_language():
    from flask import current_app

    code = request.form.get("lang", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_return(request.form.get("next")) or url_for("admin.index"))
