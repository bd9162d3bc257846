"""One-time sign-in codes sent by SMS: short-lived, single-use, stored as keyed digests.

`request_code(phone)` does the same work whether or not the number belongs to a resident (a
row is written and a background job is submitted); only the job, away from the request, looks
the number up and sends the text. So neither the page nor its timing tells a stranger whether
a number is known."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from sqlalchemy import update

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs.queue import job, submit
from admin_app.models.portal import ResidentSignInCode
from admin_app.models.resident import Resident
from admin_app.portal.session import lives_here
from admin_app.sensitive import _key_material
from admin_app.services.reminders import channels

CODE_LENGTH = 6
# Wrong codes after which a code is void: 6 digits at 5 tries each is a million to one.
MAX_WRONG_TRIES = 5


def lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("PORTAL_CODE_SECONDS", 300)))


def digest(*parts: str) -> str:
    message = "\x1f".join(("wuye-portal-code", *parts)).encode()
    return hmac.new(_key_material(), message, hashlib.sha256).hexdigest()


def living_residents(phone: str) -> list[Resident]:
    """The residents (one per household) who may sign in with this phone number."""
    if not phone:
        return []
    found = db.session.query(Resident).filter(Resident.phone == phone).order_by(Resident.id)
    return [resident for resident in found if lives_here(resident, clock.today())]


def request_code(phone: str) -> None:
    """Make a new code for `phone` and have it sent (if the number is a resident's). Earlier
    codes for the number stay valid until they expire: a text can arrive late."""
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    now = clock.now()
    db.session.add(
        ResidentSignInCode(
            phone_digest=digest(phone),
            code_digest=digest(phone, code),
            created_at=now,
            expires_at=now + lifetime(),
            wrong_tries=0,
        )
    )
    db.session.commit()
    # The code travels in the job's arguments (for seconds, in Redis), never in the database.
    submit(send_code, phone, code, str(get_locale() or ""))


@job
def send_code(phone: str, code: str, locale: str = "") -> None:
    """Text the code, in the language of the page it was asked on, if the number is a
    resident's (a stranger's number is texted nothing)."""
    if not living_residents(phone):
        return
    provider = channels.sms_provider()
    if provider is None:
        current_app.logger.warning("sign-in code not sent: no SMS provider is configured")
        return
    minutes = max(1, int(lifetime().total_seconds() // 60))
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = gettext(
            "Your sign-in code is %(code)s. It is valid for %(minutes)d minutes. "
            "Do not give it to anyone.",
            code=code,
            minutes=minutes,
        )
    provider.send(phone, text)


def use_code(phone: str, code: str) -> bool:
    """True once for a right, unexpired, unused code for `phone`; the code is used up by the
    one request that wins (an UPDATE … WHERE used_at IS NULL, so two processes cannot both)."""
    now = clock.now()
    candidates = (
        db.session.query(ResidentSignInCode)
        .filter(
            ResidentSignInCode.phone_digest == digest(phone),
            ResidentSignInCode.used_at.is_(None),
            ResidentSignInCode.expires_at > now,
        )
        .order_by(ResidentSignInCode.created_at.desc(), ResidentSignInCode.id.desc())
        .limit(3)
        .all()
    )
    wanted = digest(phone, (code or "").strip())
    for candidate in candidates:
        if hmac.compare_digest(candidate.code_digest, wanted):
            won = db.session.execute(
                update(ResidentSignInCode)
                .where(ResidentSignInCode.id == candidate.id, ResidentSignInCode.used_at.is_(None))
                .values(used_at=now)
            ).rowcount
            db.session.commit()
            return won == 1
    for candidate in candidates:
        tries = candidate.wrong_tries + 1
        db.session.execute(
            update(ResidentSignInCode)
            .where(ResidentSignInCode.id == candidate.id)
            .values(
                wrong_tries=ResidentSignInCode.wrong_tries + 1,
                used_at=now if tries >= MAX_WRONG_TRIES else None,
            )
        )
    db.session.commit()
    return False
