"""Who is calling /api/v1: the bearer token (never a cookie), the integration acting through
it, the scope each endpoint needs, the estates it may touch, and the log of every call."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from flask import current_app, g, request
from flask_babel import gettext
from sqlalchemy import insert, update

from admin_app import clock
from admin_app.api import tokens
from admin_app.api.errors import ApiError
from admin_app.extensions import db, login_manager
from admin_app.models import ApiCall, ApiToken, Role
from admin_app.services import history


@dataclass
class Integration:
    """The actor the verbs see for an API call: the front desk's rights (the role table),
    narrowed by the token's scopes and estates; no staff account, so history names it by
    `name` (services/history.on_behalf_of)."""

    token_id: int
    name: str
    estate_ids: set[int] = field(default_factory=set)
    scopes: frozenset[str] = frozenset()
    id = None  # no staff row: "received by", "checked by" stay empty
    role = Role.receptionist
    all_estates = False
    is_authenticated = True
    is_active = True
    locale = None

    def __str__(self) -> str:
        return self.name


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    return secret.strip() if kind.lower() == "bearer" and secret.strip() else None


def limit_key() -> str:
    """The rate limit counts per token (by its digest; a call without one, per address)."""
    secret = bearer()
    if secret:
        return "api/" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "api-anonymous/" + (request.remote_addr or "unknown")


def ignore_the_browser_session() -> None:
    """A logged-in browser's cookie is no credential here: the request is anonymous to
    flask-login whatever cookie comes along (so history never names the staff member)."""
    g._login_user = login_manager.anonymous_user()


def caller() -> Integration:
    """The integration of this request; 401 without a live token."""
    found = getattr(g, "api_integration", None)
    if found is not None:
        return found
    token = tokens.find(bearer())
    if token is None:
        raise ApiError(
            401, gettext("A valid API token is required (header Authorization: Bearer <token>).")
        )
    g.api_token_id = token.id
    g.api_integration = Integration(
        token_id=token.id,
        name=token.name,
        estate_ids=token.estate_ids,
        scopes=frozenset(token.scopes or ()),
    )
    return g.api_integration


def needs(scope: str):
    """The endpoint needs a live token with `scope`; the verbs run on its behalf."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            integration = caller()
            if scope not in integration.scopes:
                raise ApiError(403, gettext("This token may not use %(scope)s.", scope=scope))
            with history.on_behalf_of(integration.name):
                return view(integration, *args, **kwargs)

        wrapper.api_scope = scope
        return wrapper

    return decorate


def estate_of(integration: Integration, raw) -> int:
    """An estate the request names: one of the token's (else 404, as if it did not exist)."""
    try:
        estate_id = int(raw)
    except (TypeError, ValueError):
        raise ApiError(
            422, gettext("Some values are not valid."), {"estate_id": gettext("An estate id.")}
        ) from None
    if estate_id not in integration.estate_ids:
        raise ApiError(404, gettext("Not found."))
    g.api_estate_id = estate_id
    return estate_id


def noted_estate(estate_id: int | None) -> None:
    """The estate the call touched, for the call log."""
    g.api_estate_id = estate_id


def log_call(response):
    """One row per call, however it ended (written with core statements: outside the
    history, and after the request's own transaction)."""
    token_id = getattr(g, "api_token_id", None)
    if token_id is None and bearer():
        token_id = (
            db.session.query(ApiToken.id)
            .filter(ApiToken.secret_hash == tokens.digest(bearer()))
            .scalar()
        )
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    try:
        db.session.rollback()  # whatever the view left undone is not written with the log
        db.session.execute(
            insert(ApiCall.__table__).values(
                at=clock.now(),
                token_id=token_id,
                method=request.method[:8],
                endpoint=rule[:80],
                status=response.status_code,
                estate_id=getattr(g, "api_estate_id", None),
            )
        )
        if getattr(g, "api_token_id", None) is not None:
            db.session.execute(
                update(ApiToken.__table__)
                .where(ApiToken.__table__.c.id == token_id)
                .values(last_used_at=clock.now())
            )
        db.session.commit()
    except Exception:  # noqa: BLE001 - a lost log line must not lose the caller's answer
        db.session.rollback()
        current_app.logger.exception("API call log not written")
    return response
