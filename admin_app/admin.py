"""The panel at /admin/: builds the Admin, then asks each domain to add its screens, in the
order the office works (the menu follows it)."""

from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_app import (
    content_policy,
    duty,
    home_visits,
    lending,
    moving,
    passes,
    payments,
    prices,
    renovations,
    residents,
    staff_messages,
    surveys,
    tickets,
    views,
    visitors,
    work_orders,
    workdays,
)
from admin_app.panel import flask_admin_private as private
from admin_app.panel import inline_free, rows
from admin_app.panel.formatters import gist
from admin_app.panel.labels import action_label
from admin_app.translations_build import TRANSLATIONS
from admin_app.views.index import HomeView

# Front desk, fees, passes, property, then the records and pages that span domains.
DOMAINS = (tickets, work_orders, prices, payments, passes, renovations, residents, views, surveys)
DOMAINS += (duty,)
DOMAINS += (home_visits, workdays)
DOMAINS += (moving,)
DOMAINS += (visitors, lending, staff_messages)
from admin_app import api  # noqa: E402

DOMAINS += (api,)


def create_admin(app) -> Admin:
    admin = Admin(
        app,
        name=_l("Property Office"),
        url="/admin",
        index_view=HomeView(name=_l("Home"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/wuye/master.html", fluid=True),
        # Flask-Admin's messages: its own .po compiled with ours filling its gaps and
        # rewording what reads wrong for an office (translations_build), read alone.
        translations_path=str(TRANSLATIONS),
        # Flask-Admin's own inline scripts, where a feature has them (modals), may run.
        csp_nonce_generator=content_policy.nonce,
    )
    private.admin_messages_only_from(str(TRANSLATIONS))
    inline_free.install(app)
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals.update(
        row_renderer=rows.row_renderer,
        cached_menu=rows.cached_menu,
        static_url=rows.static_url,
        gist=gist,  # what a record is about, in a few words (a card's or a list's line)
    )
    for domain in DOMAINS:
        domain.register(admin)
    return admin
