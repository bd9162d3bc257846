"""A database connection dropped under a request (a restart, a failover): a page that only
reads is served once more on a fresh connection; anything else gets a clear 503 page, never a
500 with a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError

from admin_app.extensions import db
from admin_app.services.disconnects import is_disconnect

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def install(app: Flask) -> None:
    dispatch = app.dispatch_request

    def dispatch_request():
        try:
            return dispatch()
        except DBAPIError as exc:
            if request.method not in SAFE_METHODS or not is_disconnect(exc):
                raise
            # Reading twice changes nothing (and whatever the request wrote was rolled back
            # with the dropped connection); the pool hands out a checked connection.
            app.logger.warning("database connection dropped; %s served again", request.path)
            db.session.rollback()
        return dispatch()

    app.dispatch_request = dispatch_request

    @app.errorhandler(DBAPIError)
    def database_unreachable(error):
        if not is_disconnect(error):
            raise error  # any other database error is a fault of ours: the 500 path
        db.session.rollback()
        app.logger.warning("database connection dropped under %s %s", request.method, request.path)
        return render_template("errors/error.html", status=503), 503
