"""The per-client login limit (Flask-Limiter): failed logins counted by address and by address
and name, so one client cannot try many names or keep hammering one."""

from __future__ import annotations

import time

from flask import Flask, make_response, render_template, request
from flask_babel import ngettext
from flask_limiter import Limiter, RequestLimit

from admin_app.panel.return_links import safe_return


def client_address() -> str:
    """The client's address; behind a load balancer, ProxyFix (TRUSTED_PROXIES) sets it."""
    return request.remote_addr or "unknown"


def client_and_name() -> str:
    name = (request.form.get("username") or "").strip().lower()[:64]
    return f"{client_address()}/{name}"


def failed(response) -> bool:
    """Only refused logins count: a whole office behind one address logs in all day."""
    return response.status_code == 401


def refuse(limit: RequestLimit):
    """The login page again, saying how long to wait, with 429."""
    from admin_app.auth.views import LoginForm

    seconds = max(1, int(limit.reset_at - time.time()))
    error = ngettext(
        "Too many failed logins from this computer. Please wait %(num)d minute and try again.",
        "Too many failed logins from this computer. Please wait %(num)d minutes and try again.",
        max(1, round(seconds / 60)),
    )
    page = render_template(
        "auth/login.html",
        form=LoginForm(),
        error=error,
        next=safe_return(request.values.get("next")),
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def install(app: Flask) -> Limiter:
    """Limit the login view of `app`; the counts live in Redis when there is one (shared by
    every web process), in this process's memory otherwise."""
    redis_url = app.config.get("REDIS_URL")
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=redis_url or "memory://",
        # Redis keys under a prefix of our own: a reset clears these counts, nothing else.
        storage_options={"key_prefix": app.config["LOGIN_LIMIT_KEY_PREFIX"]} if redis_url else {},
        strategy="moving-window",
        # Redis away: count in memory meanwhile rather than refuse every login.
        in_memory_fallback_enabled=True,
    )
    view = app.view_functions["auth.login"]
    for limits, key in (
        (app.config["LOGIN_LIMIT_PER_ADDRESS_AND_NAME"], client_and_name),
        (app.config["LOGIN_LIMIT_PER_ADDRESS"], client_address),
    ):
        view = limiter.limit(
            limits, key_func=key, methods=["POST"], deduct_when=failed, on_breach=refuse
        )(view)
    app.view_functions["auth.login"] = view
    app.extensions["login_limiter"] = limiter
    return limiter
