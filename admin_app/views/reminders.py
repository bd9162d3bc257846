"""The reminder outbox and every delivery attempt, read-only, for supervisors and up."""

from __future__ import annotations

from collections import defaultdict

from flask import g, url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from admin_app.extensions import db
from admin_app.models import Reminder, ReminderDelivery, Role
from admin_app.panel.base import SecureModelView
from admin_app.panel.filters import estate_filter
from admin_app.panel.labels import LABELS, RECORD_TYPES
from admin_app.services.reminders import messages
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS
from admin_app.services.reminders.rules import RULES_BY_NAME

SUBJECTS = {
    **{name: rule.subject for name, rule in RULES_BY_NAME.items()},
    **{name: kind.subject for name, kind in HANDOFF_KINDS.items()},
}


def rule_subject(view, context, model, name) -> str:
    subject = SUBJECTS.get(model.rule)
    return str(subject) if subject else model.rule


def level_text(view, context, model, name) -> str:
    if model.rule in HANDOFF_KINDS:
        return gettext("Hand-off")
    if model.level == 0:
        return gettext("Warning")
    return gettext("Escalation %(level)s", level=model.level)


def role_text(view, context, model, name) -> str:
    try:
        return str(Role(model.recipient_role).label) if model.recipient_role else ""
    except ValueError:
        return model.recipient_role


def _reminder(model) -> Reminder:
    return model if isinstance(model, Reminder) else model.reminder


def record_labels(reminders) -> dict[tuple[str, int], str]:
    """The readable numbers (HY-T2611-0007) of the records these reminders are about."""
    wanted = defaultdict(set)
    for reminder in reminders:
        wanted[reminder.entity_type].add(reminder.entity_id)
    conn = db.session.connection()
    return {
        (kind, entity_id): label
        for kind, ids in wanted.items()
        for entity_id, label in messages.record_labels(conn, kind, ids).items()
    }


def record_link(view, context, model, name):
    reminder = _reminder(model)
    key = (reminder.entity_type, reminder.entity_id)
    labels = g.get("reminder_record_labels") or {}
    label = labels.get(key) or record_labels([reminder])[key]
    url = url_for(f"{reminder.entity_type}.details_view", id=reminder.entity_id)
    return Markup('<a href="{}">{} {}</a>').format(
        url, view.record_types.get(reminder.entity_type, reminder.entity_type), label
    )


class RecordLabelsPerPage:
    """Fetch the numbers of a page's records in one query per record type, not per row."""

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):
            g.reminder_record_labels = record_labels(_reminder(row) for row in rows)
        return count, rows


def error_text(view, context, model, name) -> str:
    return messages.error_text(model.last_error)


RULE_OPTIONS = tuple(SUBJECTS.items())


class ReminderView(RecordLabelsPerPage, SecureModelView):
    resource = "reminder"
    show_history = False
    record_types = RECORD_TYPES
    column_labels = {
        **LABELS,
        "entity_id": _l("Record"),
        "rule": _l("Reminder about"),
        "due_at": _l("Planned for"),
    }
    column_list = (
        "rule",
        "entity_id",
        "level",
        "recipient",
        "recipient_role",
        "deadline_at",
        "due_at",
        "status",
        "sent_at",
        "last_error",
    )
    column_details_list = column_list + ("estate", "attempts", "queued_at", "created_at")
    column_default_sort = ("due_at", True)
    column_sortable_list = ("rule", "due_at", "deadline_at", "status")
    column_filters = (
        estate_filter(Reminder),
        "status",
        FilterEqual(Reminder.rule, _l("Reminder about"), options=RULE_OPTIONS),
        "due_at",
    )
    column_formatters = {
        "rule": rule_subject,
        "entity_id": record_link,
        "level": level_text,
        "recipient_role": role_text,
        "last_error": error_text,
    }
    column_formatters_detail = column_formatters
    column_formatters_export = {
        "rule": rule_subject,
        "level": level_text,
        "recipient_role": role_text,
        "last_error": error_text,
    }


class ReminderDeliveryView(RecordLabelsPerPage, SecureModelView):
    """Every message sent, or tried, per person and channel: failures are seen here."""

    resource = "reminder_delivery"
    show_history = False
    record_types = RECORD_TYPES
    column_labels = {
        **LABELS,
        "reminder": _l("Record"),
        "address": _l("Sent to"),
        "channel": _l("Sent by"),
    }
    column_list = (
        "created_at",
        "reminder",
        "staff",
        "channel",
        "address",
        "status",
        "attempts",
        "last_attempt_at",
        "last_error",
    )
    column_default_sort = ("created_at", True)
    column_sortable_list = ("created_at", "channel", "status", "last_attempt_at")
    column_filters = (
        estate_filter(ReminderDelivery),
        "status",
        "channel",
        "created_at",
    )
    column_formatters = {"reminder": record_link, "last_error": error_text}
    column_formatters_detail = column_formatters
    column_formatters_export = {"last_error": error_text}
