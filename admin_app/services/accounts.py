"""Staff accounts: creation, passwords, login attempts and lockout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.staff import Role, Staff
from admin_app.services import history
from admin_app.services.errors import ServiceError

MIN_PASSWORD_LENGTH = 8


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must have at least %(n)s characters."), n=MIN_PASSWORD_LENGTH
        )


def create_staff(
    *,
    username: str,
    password: str,
    name: str,
    role: Role,
    estates=(),
    all_estates: bool = False,
    trades=(),
    phone: str | None = None,
    email: str | None = None,
) -> Staff:
    username = (username or "").strip().lower()
    if not username:
        raise ServiceError(_l("A username is required."))
    if db.session.scalar(select(Staff.id).where(func.lower(Staff.username) == username)):
        raise ServiceError(_l("The username %(username)s is taken."), username=username)
    check_password_strength(password)
    staff = Staff(
        username=username,
        name=name,
        role=Role(role),
        phone=phone,
        email=email,
        all_estates=all_estates,
        active=True,
    )
    staff.set_password(password)
    staff.estates = list(estates)
    staff.trades = trades
    with history.action("create_staff"):
        db.session.add(staff)
        db.session.flush()
    return staff


def change_password(staff: Staff, password: str) -> None:
    check_password_strength(password)
    with history.action("change_password"):
        staff.set_password(password)
        db.session.flush()


def end_sessions(staff: Staff) -> None:
    """Log the person out everywhere: every session cookie issued so far stops working
    (a copied cookie included — the session lives in the cookie, so logging out must
    void it here, not only in the browser that asked)."""
    staff.session_token = secrets.token_hex(16)
    db.session.flush()


class LoginRefused(ServiceError):
    pass


def authenticate(username: str, password: str) -> Staff:
    """The staff member with these credentials, or LoginRefused with a message to show.

    The message never says whether the username exists; a locked account says so, because the
    person at the desk needs to know to wait or to call the administrator.
    """
    username = (username or "").strip().lower()
    staff = db.session.scalar(select(Staff).where(func.lower(Staff.username) == username))
    now = clock.now()
    if staff is not None and staff.locked_until and staff.locked_until > now:
        minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            _l("Too many failed attempts. The account is locked for %(minutes)s more minutes."),
            minutes=minutes,
        )
    if staff is None or not staff.check_password(password or ""):
        if staff is not None:
            _count_failure(staff, now)
        raise LoginRefused(_l("Wrong username or password."))
    if not staff.is_active:
        raise LoginRefused(_l("This account is disabled. Please contact the administrator."))
    staff.failed_logins = 0
    staff.locked_until = None
    staff.last_login_at = now
    return staff


def _count_failure(staff: Staff, now) -> None:
    staff.failed_logins = (staff.failed_logins or 0) + 1
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if staff.failed_logins >= limit:
        staff.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
        staff.failed_logins = 0
