"""The /api/v1 blueprint: bearer tokens only (CSRF exempt: no cookie is a credential here),
JSON refusals, every call logged, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter

from admin_app.api import access, errors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.install(bp)
errors.install_database_refusal(bp)
bp.before_request(access.ignore_the_browser_session)
bp.after_request(access.log_call)


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3 document (no token needed: it says what exists, not what is in it)."""
    from admin_app.api.openapi import document

    return jsonify(document())


ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/", methods=ANY_METHOD)
def nothing_at_the_root():
    return errors.answer(404)


@bp.route("/<path:rest>", methods=ANY_METHOD)
def nothing_here(rest: str):
    """Any other path under /api/v1 answers in JSON: 405 where the path exists for another
    method, else 404."""
    adapter = current_app.url_map.bind("localhost")
    for method in ("GET", "POST"):
        if method == request.method:
            continue
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "api.nothing_here":
            return errors.answer(405)
    return errors.answer(404)


class AnyRecordId(BaseConverter):
    """A record id in an API path: any run of digits, so that one beyond the id column's
    range reaches the view and is answered "not found" in JSON (the app's own <int:…> would
    leave the path unmatched, and the 404 to the app's HTML page)."""

    regex = r"\d{1,20}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
