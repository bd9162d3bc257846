"""Staff accounts: creation, passwords, login attempts and lockout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from admin_app import clock
from admin_app.extensions import db
from admin_app.models.staff import LoginName, Role, Staff
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

    No answer tells whether the username exists: a name without an account costs one password
    hash like a real one, counts its failures and locks like a real one. A locked account says
    so, because the person at the desk needs to know to wait or to call the administrator.
    """
    username = (username or "").strip().lower()[:64]
    staff = db.session.scalar(select(Staff).where(func.lower(Staff.username) == username))
    # The hash is checked before the lock is looked at: a locked name costs the same too.
    if staff is not None:
        counter, password_ok = staff, staff.check_password(password or "")
    else:
        counter, password_ok = _login_name(username), _check_dummy(password or "")
    now = clock.now()
    if counter.locked_until and counter.locked_until > now:
        minutes = max(1, int((counter.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            _l("Too many failed attempts. The account is locked for %(minutes)s more minutes."),
            minutes=minutes,
        )
    if not password_ok:
        _count_failure(counter, now)
        raise LoginRefused(_l("Wrong username or password."))
    if not staff.is_active:
        raise LoginRefused(_l("This account is disabled. Please contact the administrator."))
    staff.failed_logins = 0
    staff.locked_until = None
    staff.last_login_at = now
    return staff


# One throwaway hash per hashing method, made on first use: an unknown name is checked
# against it, so its answer takes as long as a real account's.
_DUMMY_HASHES: dict[str, str] = {}


def _check_dummy(password: str) -> bool:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password)
    return False


def _login_name(username: str) -> LoginName:
    """The failure count of a name no account has (a new one is stored at its first failure)."""
    return db.session.get(LoginName, username) or LoginName(username=username, failed_logins=0)


def _count_failure(counter: Staff | LoginName, now) -> None:
    if isinstance(counter, LoginName) and counter not in db.session:
        try:
            with db.session.begin_nested():
                db.session.add(counter)
        except IntegrityError:  # the same name failed in another request at the same moment
            counter = db.session.get(LoginName, counter.username)
    counter.failed_logins = (counter.failed_logins or 0) + 1
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if counter.failed_logins >= limit:
        counter.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
        counter.failed_logins = 0
