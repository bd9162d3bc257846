"""The office's screens that span domains: the dashboard, estates and units, staff, history,
reminders, failed jobs, the inbox, statistics and batch runs."""

from __future__ import annotations


def register(admin) -> None:
    """Units and estates under Property; the office's records; the inbox and statistics."""
    # Imported here, not above, as each domain does: importing one module of this package
    # does not pull in every screen.
    from flask_babel import lazy_gettext as _l

    from admin_app.extensions import db
    from admin_app.models import (
        AuditRecord,
        BatchRun,
        Estate,
        Reminder,
        ReminderDelivery,
        Staff,
        Unit,
    )
    from admin_app.panel.menu import PROPERTY, RECORDS
    from admin_app.views.audit import AuditRecordView
    from admin_app.views.batch_runs import BatchRunView
    from admin_app.views.estate import EstateView, UnitView
    from admin_app.views.failed_jobs import FailedJobsView
    from admin_app.views.inbox import InboxView
    from admin_app.views.reminders import ReminderDeliveryView, ReminderView
    from admin_app.views.staff import StaffView
    from admin_app.views.statistics import StatisticsView

    admin.add_view(UnitView(Unit, db, name=_l("Units"), category=PROPERTY, endpoint="unit"))
    admin.add_view(EstateView(Estate, db, name=_l("Estates"), category=PROPERTY, endpoint="estate"))
    admin.add_view(StaffView(Staff, db, name=_l("Staff"), category=RECORDS, endpoint="staff"))
    admin.add_view(
        AuditRecordView(
            AuditRecord, db, name=_l("History"), category=RECORDS, endpoint="audit_record"
        )
    )
    admin.add_view(
        ReminderView(Reminder, db, name=_l("Reminders"), category=RECORDS, endpoint="reminder")
    )
    admin.add_view(
        ReminderDeliveryView(
            ReminderDelivery,
            db,
            name=_l("Reminder deliveries"),
            category=RECORDS,
            endpoint="reminder_delivery",
        )
    )
    admin.add_view(
        FailedJobsView(
            name=_l("Failed jobs"), category=RECORDS, endpoint="failed_job", url="failed_jobs"
        )
    )
    admin.add_view(InboxView(name=_l("Inbox"), endpoint="inbox", url="inbox"))
    admin.add_view(
        StatisticsView(name=_l("Statistics"), endpoint="statistics", url="/admin/statistics")
    )
    admin.add_view(
        BatchRunView(BatchRun, db, name=_l("Batches"), category=RECORDS, endpoint="action_batch")
    )
    from admin_app.views.estate_settings import EstateSettingsView

    admin.add_view(
        EstateSettingsView(
            name=_l("Estate settings"),
            category=PROPERTY,
            endpoint="estate_settings",
            url="estate_settings",
        )
    )
