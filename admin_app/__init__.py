"""The admin panel for property-management offices: `create_app` builds it from small steps."""

from __future__ import annotations

import logging
import os

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError

from admin_app import config as config_module
from admin_app import db_outage, sqlite
from admin_app.extensions import babel, csrf, db, login_manager, migrate
from admin_app.jobs import queue


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    configure_settings(app, config)
    configure_logging(app)
    configure_proxies(app)
    configure_urls(app)
    configure_extensions(app)
    configure_history(app)
    configure_files(app)
    configure_reminders(app)
    configure_blueprints(app)
    configure_login_limit(app)
    configure_admin(app)
    configure_errors(app)
    configure_security_headers(app)
    configure_cli(app)
    configure_portal(app)
    return app


def configure_logging(app: Flask) -> None:
    level = app.config.get("LOG_LEVEL")
    if not level:
        return
    panel = logging.getLogger("admin_app")
    panel.setLevel(level)
    if not panel.handlers:  # once per process, however many apps it builds
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        panel.addHandler(handler)


def configure_settings(app: Flask, overrides: dict | None) -> None:
    app.config.update(config_module.settings())
    if overrides:
        app.config.update(overrides)
    if app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
            app.config["SQLALCHEMY_DATABASE_URI"]
        )
    shared_database = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("postgresql")
    if shared_database and not app.config.get("SECRET_KEY") and not app.testing:
        # Several web processes must share one key, so it cannot be generated per process.
        raise RuntimeError("SECRET_KEY must be set when DATABASE_URL points at a shared database.")
    config_module.finalise(app.config, app.instance_path)
    configure_secret_keys(app)


def configure_secret_keys(app: Flask) -> None:
    from admin_app.secret_keys import RotatingSessionInterface, parse_old_keys

    app.config["OLD_SECRET_KEYS"] = parse_old_keys(app.config.get("OLD_SECRET_KEYS"))
    if app.config["OLD_SECRET_KEYS"] and not app.config.get("FIELD_ENCRYPTION_KEY"):
        # ID numbers are encrypted with a key derived from SECRET_KEY unless this is set: a new
        # SECRET_KEY alone would leave every stored ID number unreadable.
        raise RuntimeError(
            "OLD_SECRET_KEYS is set but FIELD_ENCRYPTION_KEY is not: set FIELD_ENCRYPTION_KEY "
            "to the SECRET_KEY the ID numbers were encrypted with (the oldest one) first."
        )
    app.session_interface = RotatingSessionInterface()


def configure_proxies(app: Flask) -> None:
    """Behind a load balancer the client's address and scheme come from its headers (as many
    hops as TRUSTED_PROXIES says, never more: a client could write the header itself)."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def configure_urls(app: Flask) -> None:
    """<int:…> in a URL is a record id: beyond the id column's range it names no record, so
    the URL does not match (404) instead of reaching the database."""
    from werkzeug.routing import IntegerConverter

    from admin_app.validation import MAX_RECORD_ID

    class RecordIdConverter(IntegerConverter):
        def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
            super().__init__(map, fixed_digits, min, MAX_RECORD_ID if max is None else max, signed)

    app.url_map.converters["int"] = RecordIdConverter


def configure_extensions(app: Flask) -> None:
    from admin_app.auth import user_load
    from admin_app.i18n import date_picker_locale, select_box_locale, select_locale

    db.init_app(app)
    with app.app_context():
        sqlite.configure(db.engine)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from admin_app import translations_cache
    from admin_app.panel import html_attributes

    translations_cache.install()
    html_attributes.install()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    login_manager.user_loader(user_load.load_staff)

    @app.context_processor
    def language_context():
        return {
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "date_picker_locale": date_picker_locale,
            "select_box_locale": select_box_locale,
        }


def configure_history(app: Flask) -> None:
    """Field history, numbers, and the statistics' monthly counts follow every flush."""
    from admin_app.services import history, numbering
    from admin_app.services.statistics import rollups

    history.install()
    numbering.install()
    rollups.install()


def configure_files(app: Flask) -> None:
    """Stored files: the bucket's objects follow the database's commits and rollbacks, and an
    attachment deleted (or purged with its record) takes its files along."""
    from admin_app.attachments import purge
    from admin_app.services import storage

    storage.install()
    purge.install()


def configure_reminders(app: Flask) -> None:
    """Reminders are written with every record change, and a new complaint is announced (two
    session listeners); the inbox count is in every page's navigation bar; without Redis the
    sweep runs in this process."""
    from admin_app.jobs import reminders as reminder_jobs
    from admin_app.services import handoffs, reminders
    from admin_app.views.inbox import unread_badge

    reminders.install()
    handoffs.install()
    app.context_processor(lambda: {"inbox_unread": unread_badge})
    if app.config.get("REMINDERS_IN_PROCESS"):
        # On the first request, not here: CLI commands (db upgrade, seed) build the app too.
        app.before_request(lambda: reminder_jobs.start_in_process(app))
    # Texts to residents: sent once the transaction that wrote them commits.
    from admin_app.resident_notices import outbox as resident_notices

    resident_notices.install()


def configure_blueprints(app: Flask) -> None:
    from admin_app import passes, payments, surveys, visitors, work_orders
    from admin_app.auth.views import bp as auth_bp
    from admin_app.auth.views import home_for
    from admin_app.health import bp as health_bp
    from admin_app.pwa import bp as pwa_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pwa_bp)
    work_orders.register_pages(app)
    passes.register_pages(app)
    payments.register_pages(app)
    surveys.register_pages(app)
    from admin_app import duty

    duty.register_pages(app)
    visitors.register_pages(app)
    from admin_app import lending

    lending.register_pages(app)
    from admin_app import api

    api.register_pages(app)

    @app.route("/")
    def root():
        if current_user.is_authenticated:
            return redirect(home_for(current_user))
        return redirect(url_for("auth.login"))


def configure_login_limit(app: Flask) -> None:
    from admin_app import surveys
    from admin_app.auth import throttle

    limiter = throttle.install(app)
    surveys.limit_pages(app, limiter)
    from admin_app import api

    api.limit_calls(app, limiter)


def configure_admin(app: Flask) -> None:
    from admin_app.admin import create_admin

    create_admin(app)


def configure_errors(app: Flask) -> None:
    def page(status: int):
        def handler(error):
            db.session.rollback()
            if getattr(error, "response", None) is not None:
                return error.response  # a page made for this refusal (the login limit's)
            return render_template("errors/error.html", status=status), status

        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, page(status))

    @app.errorhandler(DataError)
    def refused_by_the_database(error):
        # A value the database cannot hold that no check caught (an id beyond INTEGER in a
        # URL, say): the request is refused like any bad request, with nothing written.
        db.session.rollback()
        app.logger.warning("request refused by the database: %s", type(error.orig).__name__)
        return render_template("errors/error.html", status=400), 400

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/error.html", status=400, csrf=True), 400

    db_outage.install(app)


def configure_security_headers(app: Flask) -> None:
    from admin_app import content_policy

    app.jinja_env.globals["csp_nonce"] = content_policy.nonce

    @app.after_request
    def headers(response):
        content_policy.apply(response)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not is_static_file(request.endpoint):
            keep_out_of_caches(response)
        return response


def is_static_file(endpoint: str | None) -> bool:
    """The app's, Flask-Admin's and any blueprint's static files: the same for everyone."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def keep_out_of_caches(response) -> None:
    """Every page, export, print, photo, signature and JSON answer is one person's view of
    residents' data (and the login page carries a form token): neither the browser (its
    back button after logout, a shared front-desk PC) nor a proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"  # HTTP/1.0 proxies


def configure_cli(app: Flask) -> None:
    from admin_app.cli import register

    register(app)


def main() -> None:
    """Console entry `wuye-admin …`: the same commands as `flask --app wsgi …`."""
    from flask.cli import FlaskGroup

    FlaskGroup(create_app=create_app)()


# A plain `rq worker` imports a job's module, and so this package first: it learns here how to
# build the app (jobs/queue.py does not import this module, which imports it).
queue.use_app_factory(create_app)


def configure_portal(app: Flask) -> None:
    """The residents' own pages at /r/ (admin_app/portal/), and their sign-in's limits."""
    from admin_app import portal

    portal.register_pages(app)
    portal.limit_pages(app, app.extensions["login_limiter"])
