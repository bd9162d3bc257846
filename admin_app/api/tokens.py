"""The integrations' tokens: issued by an admin with the estates and scopes they may use,
kept as a SHA-256 digest only, found in constant time, revoked (never deleted)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.auth.permissions import may
from admin_app.extensions import db
from admin_app.models import ApiToken
from admin_app.services import history
from admin_app.services.errors import ServiceError

# What a token may be allowed, each a family of endpoints and a verb (read / write).
SCOPES = {
    "callers:read": _l("Look callers up by phone (call-centre screen pop)"),
    "tickets:read": _l("Read tickets"),
    "tickets:write": _l("Create tickets"),
    "work_orders:read": _l("Read work orders"),
    "passes:read": _l("Check passes at a gate"),
    "passes:write": _l("Apply for vehicle passes"),
    "statistics:read": _l("Read the statistics tables"),
}
# "wuye_" marks the key as ours in a secret scanner's eyes; 32 random bytes follow.
PREFIX = "wuye_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def issue(token: ApiToken, actor) -> str:
    """Give a new token its secret; returns the secret, which is shown once and never kept."""
    if not may(actor, "api_token.revoke"):  # the same admins who revoke issue
        raise ServiceError(_l("Your role may not do this."))
    unknown = set(token.scopes or ()) - set(SCOPES)
    if unknown:
        raise ServiceError(_l("Unknown scope: %(scope)s"), scope=", ".join(sorted(unknown)))
    if not token.estates:
        raise ServiceError(_l("Choose the estates this integration may use."))
    secret = new_secret()
    token.secret_hash = digest(secret)
    token.prefix = secret[: len(PREFIX) + 4]
    token.created_by_id = getattr(actor, "id", None)
    return secret


def revoke(token: ApiToken, actor) -> None:
    if not may(actor, "api_token.revoke"):
        raise ServiceError(_l("Your role may not do this."))
    if token.revoked_at is not None:
        raise ServiceError(_l("This token is already revoked."))
    with history.action("revoke", actor=actor):
        token.revoked_at = clock.now()
        db.session.flush()


def find(secret: str | None) -> ApiToken | None:
    """The live token whose secret this is, or None. The lookup is by digest (an index), and
    the digests are compared again in constant time, so timing tells nothing of the secret."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    wanted = digest(secret)
    token = db.session.query(ApiToken).filter(ApiToken.secret_hash == wanted).one_or_none()
    if token is None or not hmac.compare_digest(token.secret_hash, wanted):
        return None
    if token.revoked_at is not None:
        return None
    return token
