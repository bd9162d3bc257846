"""Registers every admin view under /admin/, grouped in the menu the way the office works."""

from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_app import passes, renovations, residents, tickets, work_orders
from admin_app.extensions import db
from admin_app.models import (
    ActionBatch,
    AuditRecord,
    Estate,
    Reminder,
    ReminderDelivery,
    Staff,
    Unit,
)
from admin_app.translations_build import TRANSLATIONS
from admin_app.views import rows
from admin_app.views.audit import AuditRecordView
from admin_app.views.batches import ActionBatchView, register
from admin_app.views.estate import EstateView, UnitView
from admin_app.views.failed_jobs import FailedJobsView
from admin_app.views.inbox import InboxView
from admin_app.views.index import HomeView
from admin_app.views.labels import action_label
from admin_app.views.reminders import ReminderDeliveryView, ReminderView
from admin_app.views.staff import StaffView
from admin_app.views.statistics import StatisticsView


def create_admin(app) -> Admin:
    admin = Admin(
        app,
        name=_l("Property Office"),
        url="/admin",
        index_view=HomeView(name=_l("Home"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/wuye/master.html", fluid=True),
        # Flask-Admin's messages: its own .po compiled with ours filling its gaps
        # (translations_build.compile_flask_admin_catalogs).
        translations_path=str(TRANSLATIONS),
    )
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals.update(row_renderer=rows.row_renderer, cached_menu=rows.cached_menu)
    property_ = _l("Property")
    records = _l("Records")
    s = db
    tickets.register(admin)
    work_orders.register(admin)
    passes.register(admin)
    renovations.register(admin)
    residents.register(admin)
    admin.add_view(UnitView(Unit, s, name=_l("Units"), category=property_, endpoint="unit"))
    admin.add_view(EstateView(Estate, s, name=_l("Estates"), category=property_, endpoint="estate"))
    admin.add_view(StaffView(Staff, s, name=_l("Staff"), category=records, endpoint="staff"))
    admin.add_view(
        AuditRecordView(
            AuditRecord, s, name=_l("History"), category=records, endpoint="audit_record"
        )
    )
    admin.add_view(
        ReminderView(Reminder, s, name=_l("Reminders"), category=records, endpoint="reminder")
    )
    admin.add_view(
        ReminderDeliveryView(
            ReminderDelivery,
            s,
            name=_l("Reminder deliveries"),
            category=records,
            endpoint="reminder_delivery",
        )
    )
    admin.add_view(
        FailedJobsView(
            name=_l("Failed jobs"), category=records, endpoint="failed_job", url="failed_jobs"
        )
    )
    admin.add_view(InboxView(name=_l("Inbox"), endpoint="inbox", url="inbox"))
    admin.add_view(
        StatisticsView(name=_l("Statistics"), endpoint="statistics", url="/admin/statistics")
    )
    admin.add_view(
        ActionBatchView(
            ActionBatch, s, name=_l("Batches"), category=records, endpoint="action_batch"
        )
    )
    for view in admin._views:
        if getattr(view, "record_actions", None):
            register(view)
    return admin
