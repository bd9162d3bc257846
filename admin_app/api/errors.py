"""The API's refusals: JSON with a message in the caller's language (Accept-Language), the
right status, and never a stack trace."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import gettext
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """A refusal with its status; `message` is already in the request's language; `fields`
    names the inputs at fault ({"phone": "…"})."""

    def __init__(self, status: int, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def message_for(status: int) -> str:
    messages = {
        400: gettext("The request could not be read."),
        401: gettext("A valid API token is required (header Authorization: Bearer <token>)."),
        403: gettext("This token may not do this."),
        404: gettext("Not found."),
        405: gettext("This method is not allowed here."),
        413: gettext("The request is too large."),
        415: gettext("Send JSON (Content-Type: application/json)."),
        422: gettext("Some values are not valid."),
        429: gettext("Too many requests for this token. Please wait and try again."),
    }
    return messages.get(status, gettext("Something went wrong on our side."))


def answer(status: int, message: str | None = None, fields: dict | None = None):
    body = {"error": {"status": status, "message": message or message_for(status)}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def install(bp) -> None:
    """Every refusal inside the blueprint answers in JSON. Code-specific handlers, because
    Flask asks the app's (HTML) handler for a code before any blueprint handler for a class."""
    from admin_app.extensions import db

    @bp.errorhandler(ApiError)
    def refused(error: ApiError):
        db.session.rollback()
        return answer(error.status, error.message, error.fields)

    def http(error: HTTPException):
        db.session.rollback()
        if getattr(error, "response", None) is not None and error.code == 429:
            return error.response  # the limiter's own JSON answer
        return answer(error.code or 500)

    for status in (400, 401, 403, 404, 405, 413, 415, 422, 429):
        bp.register_error_handler(status, http)

    @bp.errorhandler(500)
    def failed(error):
        db.session.rollback()
        current_app.logger.exception("API call failed")
        return answer(500)


def install_database_refusal(bp) -> None:
    """A value the database cannot hold that no check caught: 400 in JSON (the app's own
    handler for it answers with an HTML page)."""
    from sqlalchemy.exc import DataError

    from admin_app.extensions import db

    @bp.errorhandler(DataError)
    def refused_by_the_database(error):
        db.session.rollback()
        return answer(400)
