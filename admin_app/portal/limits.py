"""The sign-in's limits: a text costs money and reaches a person, so codes are asked for only
a few times per number and per client; wrong codes are counted the same way (guessing six
digits stays hopeless). The limits are settings (config.py's PORTAL_* keys)."""

from __future__ import annotations

import time

from flask import current_app, make_response, render_template, request
from flask_babel import gettext
from flask_limiter import RequestLimit

from admin_app import validation
from admin_app.auth.throttle import client_address

LIMITS = {
    # (view, setting, default, counted responses, key)
    "ask_per_number": (
        "portal.sign_in",
        "PORTAL_CODE_LIMIT_PER_NUMBER",
        "3 per 10 minutes; 10 per day",
        "number",
    ),
    "ask_per_client": (
        "portal.sign_in",
        "PORTAL_CODE_LIMIT_PER_CLIENT",
        "10 per 10 minutes; 40 per day",
        "client",
    ),
    "try_per_number": (
        "portal.enter_code",
        "PORTAL_TRY_LIMIT_PER_NUMBER",
        "10 per 10 minutes",
        "number",
    ),
    "try_per_client": (
        "portal.enter_code",
        "PORTAL_TRY_LIMIT_PER_CLIENT",
        "20 per 10 minutes",
        "client",
    ),
}


def phone_key(name: str):
    return lambda: f"{name}/{validation.normalise_phone(request.form.get('phone'))[:20]}"


def client_key(name: str):
    return lambda: f"{name}/{client_address()}"


def setting(name: str, default: str):
    return lambda: current_app.config.get(name) or default


def refuse(limit: RequestLimit):
    from admin_app.portal.forms import PhoneForm

    seconds = max(1, int(limit.reset_at - time.time()))
    page = render_template(
        "portal/sign_in.html",
        form=PhoneForm(formdata=None),
        next=None,
        refused=gettext("Too many tries. Please wait a few minutes and try again."),
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def asked(response) -> bool:
    """A code page shown: a code was made (and perhaps sent)."""
    return response.status_code == 200


def refused(response) -> bool:
    return response.status_code == 400


def resident_key() -> str:
    from flask import session

    from admin_app.portal.session import SESSION_KEY

    held = session.get(SESSION_KEY)
    return f"report/{held.get('id') if isinstance(held, dict) else client_address()}"


def too_many_reports(limit: RequestLimit):
    from admin_app.portal.forms import ReportForm

    page = render_template(
        "portal/report.html",
        form=ReportForm(formdata=None),
        refused=gettext(
            "You have sent many reports in a short time. Please wait a while, or call the "
            "property office."
        ),
    )
    return make_response(page, 429)


def limit_sign_in(app, limiter) -> None:
    for name, (endpoint, config_name, default, by) in LIMITS.items():
        counted = asked if endpoint == "portal.sign_in" else refused
        key = phone_key(name) if by == "number" else client_key(name)
        app.view_functions[endpoint] = limiter.limit(
            setting(config_name, default),
            key_func=key,
            methods=["POST"],
            deduct_when=counted,
            on_breach=refuse,
        )(app.view_functions[endpoint])

    # Reports sent, per signed-in resident: a ticket reaches a person at the desk.
    app.view_functions["portal.report"] = limiter.limit(
        setting("PORTAL_REPORT_LIMIT", "10 per hour; 30 per day"),
        key_func=resident_key,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 302,
        on_breach=too_many_reports,
    )(app.view_functions["portal.report"])
