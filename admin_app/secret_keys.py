"""Secret keys that rotate: SECRET_KEY signs; each older key still verifies until its date.

OLD_SECRET_KEYS lists the keys used before, newest first, each with the last day (office time)
it is accepted: "KEY@YYYY-MM-DD, OLDERKEY@YYYY-MM-DD". Session cookies and printed passes
signed with an old key keep working until then and are refused the day after.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from admin_app import clock


def parse_old_keys(raw: str | list | tuple | None) -> list[tuple[str, date]]:
    """The OLD_SECRET_KEYS setting as [(key, last day)], newest first; a key without a
    date is refused (an old key must stop being accepted some day)."""
    if not raw:
        return []
    if not isinstance(raw, str):
        return [(key, until) for key, until in raw]
    entries = []
    for entry in raw.split(","):
        entry = entry.strip()
        if not entry:
            continue
        key, at, until = entry.rpartition("@")
        try:
            last_day = date.fromisoformat(until.strip())
        except ValueError:
            last_day = None
        if not at or not key.strip() or last_day is None:
            raise ValueError("OLD_SECRET_KEYS: each entry is KEY@YYYY-MM-DD, separated by commas")
        entries.append((key.strip(), last_day))
    return entries


def verifying_keys(app: Flask | None = None) -> list[str]:
    """The keys a signature is accepted from today: oldest first, SECRET_KEY last (the order
    itsdangerous expects: it signs with the last one and verifies with any)."""
    app = app or current_app
    today = clock.today()
    still_valid = [key for key, until in app.config.get("OLD_SECRET_KEYS") or () if today <= until]
    return [*reversed(still_valid), app.config["SECRET_KEY"]]


class RotatingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, verified with every key still accepted today (Flask's
    own SECRET_KEY_FALLBACKS has no end date). A cookie signed with an old key is signed again
    with SECRET_KEY on its next response.

    A JSON answer to a GET that left the session as it was does not send the cookie again.
    Such answers are what a page asks in the background (a unit box's suggestions, a lookup,
    a progress poll), and one sent just before a form's POST answers after it: refreshing the
    cookie it started from would overwrite the one the POST set, losing its message (seen: the
    parcel desk's "signed for" notice) or what it chose (the desk's estate)."""

    def save_session(self, app: Flask, session, response) -> None:
        background = request.method == "GET" and response.mimetype == "application/json"
        if background and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")  # the answer still depends on who asks
            return
        super().save_session(app, session, response)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(
            verifying_keys(app),
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
