"""The API for the office's other systems (/api/v1): tokens per integration, JSON endpoints
over the same verbs as the screens, an OpenAPI 3 document."""

from __future__ import annotations


def register_pages(app) -> None:
    """The blueprint, its endpoints (each module adds its own), CSRF-exempt: no cookie is a
    credential there."""
    from admin_app.api import callers, passes, statistics, tickets, work_orders  # noqa: F401
    from admin_app.api.blueprint import AnyRecordId, bp
    from admin_app.extensions import csrf

    app.url_map.converters["record_id"] = AnyRecordId
    csrf.exempt(bp)
    app.register_blueprint(bp)


def limit_calls(app, limiter) -> None:
    """Every call counts against its token's limit (API_RATE_LIMIT); past it: 429 in JSON."""
    import time

    from flask import current_app

    from admin_app.api import access, errors
    from admin_app.api.blueprint import bp

    def refuse(limit):
        response = errors.answer(429)
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
        return response

    limiter.limit(
        lambda: current_app.config["API_RATE_LIMIT"], key_func=access.limit_key, on_breach=refuse
    )(bp)


def register(admin) -> None:
    """The tokens' screen, for admins, under Records."""
    from flask_babel import lazy_gettext as _l

    from admin_app.api.views import ApiTokenView
    from admin_app.extensions import db
    from admin_app.models import ApiToken
    from admin_app.panel.menu import RECORDS

    admin.add_view(
        ApiTokenView(ApiToken, db, name=_l("API tokens"), category=RECORDS, endpoint="api_token")
    )
