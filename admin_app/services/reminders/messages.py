"""How a reminder reads: its title in the reader's language, the record it is about, and the
link to that record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import Role
from admin_app.models.base import has_own_text, model_for_table
from admin_app.services.reminders.handoff_kinds import HANDOFF_KINDS
from admin_app.services.reminders.manual import MANUAL
from admin_app.services.reminders.rules import MODELS, RULES_BY_NAME
from admin_app.text import GIST_FIELDS, one_line

# Reasons stored in Reminder.last_error / ReminderDelivery.last_error by code, shown translated.
ERRORS = {
    "no_recipient": _l("Nobody to tell: no active staff member of this role in the estate."),
    "interrupted": _l("The worker stopped while sending; it is not sent again."),
    "no_address": _l("The staff member has no address for this channel."),
    "no_provider": _l("No SMS provider is configured."),
}


TECHNICIANS_LIST = "tech.my_orders"  # work_orders/technician.py: a card per order, #order-<id>
CLAIM = "claim:"  # an e-mail or text being sent carries its attempt's token (delivery.py)


def error_text(code: str | None) -> str:
    if not code or code.startswith(CLAIM):
        return ""
    return str(ERRORS[code]) if code in ERRORS else code


def title(
    rule_name: str, level: int, deadline_at: datetime, record: str, items: int | None = None
) -> str:
    """`items`: how many records a batch's hand-off to one person announces (when several)."""
    if rule_name == MANUAL:
        return gettext("A supervisor asks you to look at %(record)s now.", record=record)
    handoff = HANDOFF_KINDS.get(rule_name)
    if handoff is not None:
        text = handoff.many if items and handoff.many is not None else handoff.title
        deadline = f"{deadline_at:%Y-%m-%d %H:%M}"
        return str(text) % {"record": record, "deadline": deadline, "count": items}
    rule = RULES_BY_NAME.get(rule_name)
    params = {
        "subject": str(rule.subject) if rule else rule_name,
        "record": record,
        "deadline": f"{deadline_at:%Y-%m-%d %H:%M}",
    }
    if level == 0:
        return gettext("%(subject)s: %(record)s, due %(deadline)s", **params)
    return gettext("Overdue since %(deadline)s: %(subject)s — %(record)s", **params)


def record_labels(conn, entity_type: str, ids, *, told: bool = False) -> dict[int, str]:
    """Each record's readable number (HY-T2611-0007); for a kind without numbers, its own
    text (a duty shift's times, a swap's people: "值班班次 #9" told nobody which); #id for a
    record that is gone. `told`: as the person the reminder is for reads it (a message taken
    for him names the caller's number, which the reminder lists do not show)."""
    labels = {i: f"#{i}" for i in ids}
    model = MODELS.get(entity_type) or model_for_table(entity_type)
    if model is None or not ids:
        return labels
    table = model.__table__
    if "number" in table.c:
        labels, _ = _numbered(conn, table, ids)
    elif has_own_text(model):
        with Session(bind=conn) as session:
            found = session.scalars(select(model).where(model.id.in_(list(ids))))
            name = _told_as if told else str
            labels.update({record.id: name(record) or f"#{record.id}" for record in found})
    return labels


def labels_and_gists(conn, entity_type: str, ids, limit: int) -> tuple[dict, dict]:
    """As told to their reader (record_labels), each record's label, and what it is about:
    its description's first `limit` characters on one line ("" said of none). A numbered
    record's both in one statement."""
    model = MODELS.get(entity_type) or model_for_table(entity_type)
    columns = model.__table__.c if model is not None else {}
    about = next((columns[name] for name in GIST_FIELDS if name in columns), None)
    if about is None or "number" not in columns:
        return record_labels(conn, entity_type, ids, told=True), {}
    return _numbered(conn, model.__table__, ids, about, limit)


def _numbered(conn, table, ids, about=None, limit: int = 0) -> tuple[dict, dict]:
    """A numbered table's records by number (#id for one gone or without), and with `about`,
    that column's first `limit` characters on one line, in the same statement."""
    labels, gists = {i: f"#{i}" for i in ids}, {}
    columns = [table.c.id, table.c.number, *([about] if about is not None else [])]
    for record_id, number, *text in conn.execute(select(*columns).where(table.c.id.in_(list(ids)))):
        labels[record_id] = number or f"#{record_id}"
        if text and text[0]:
            gists[record_id] = one_line(text[0], limit)
    return labels, gists


def _told_as(record) -> str:
    told = getattr(record, "inbox_label", None)
    return told() if told is not None else str(record)


def link(reminder, reader=None) -> str:
    """Where a reminder (a row or a Reminder) leads `reader`: its record's page, or for a
    batch's hand-offs told at once, the page that lists them for the person; a technician's
    work order, its card on his phone page, where its steps are."""
    get = reminder.get if isinstance(reminder, Mapping) else lambda name: getattr(reminder, name)
    handoff = HANDOFF_KINDS.get(get("rule"))
    if get("items") and handoff is not None and handoff.many_endpoint:
        return _path(handoff.many_endpoint) + handoff.many_query
    if get("entity_type") == "work_order" and getattr(reader, "role", None) is Role.technician:
        return f"{_path(TECHNICIANS_LIST)}#order-{int(get('entity_id'))}"
    return record_path(get("entity_type"), get("entity_id"))


def _path(endpoint: str) -> str:
    """An endpoint's path, built without a request (jobs have none), once per application."""
    paths = current_app.extensions.setdefault("record_paths", {})
    path = paths.get(endpoint)
    if path is None:
        adapter = current_app.url_map.bind(
            "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
        )
        path = paths[endpoint] = adapter.build(endpoint)
    return path


def record_path(entity_type: str, entity_id: int) -> str:
    """The record's details page, built without a request (jobs have none). The page's path
    is built once per kind and application: a batch chunk asks for hundreds of them."""
    return f"{_path(f'{entity_type}.details_view')}?id={int(entity_id)}"


def email_body(text: str, path: str) -> str:
    url = (current_app.config.get("PANEL_URL") or "").rstrip("/") + path
    return "\n\n".join(
        [
            text,
            gettext("Open the record: %(url)s", url=url),
            gettext("Sent by the property office panel; see your inbox there."),
        ]
    )
