"""A work order's event becomes a text to its household, written in the event's own
transaction (so a rolled-back step sends nothing) and sent once that transaction commits: at
once by a background job (rq worker, or a thread of this process), or by the next reminder
sweep, which also retries what failed (jobs.py)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy.orm import Session

from admin_app.extensions import db, listen_once
from admin_app.models import LinkPurpose, NoticeEvent, ResidentNotice, WorkOrder
from admin_app.resident_notices import links, messages, settings
from admin_app.surveys.operations import contact_phone

_WRITTEN = "resident_notices_written"
PHONE = re.compile(r"^\+?\d{7,15}$")


def _stamp(at: datetime | None) -> str:
    return f"{at:%Y%m%d%H%M%S}" if at else "-"


def _occasion(event: NoticeEvent, order: WorkOrder) -> str:
    """Names the one event a text is about: the same step submitted twice sends one text; a new
    technician or appointment, a second arrival, sends another."""
    if event is NoticeEvent.dispatched:
        return f"{order.technician_id}:{_stamp(order.appointment_at or order.arrive_by)}"
    if event is NoticeEvent.arrived:
        return _stamp(order.arrived_at)
    if event is NoticeEvent.done:
        return _stamp(order.work_done_at)
    return _stamp(order.closed_at)


def phone_of(order: WorkOrder) -> str | None:
    """Whom the household's texts go to: who reported it, else the household's contact."""
    resident_phone = order.resident.phone if order.resident else None
    for phone in (order.contact_phone, resident_phone, contact_phone(order.unit_id)):
        phone = (phone or "").replace(" ", "").replace("-", "")
        if PHONE.match(phone):
            return phone
    return None


def work_order_event(order: WorkOrder, event: NoticeEvent) -> ResidentNotice | None:
    """Write the event's text to the household, when the estate texts about this event, the
    household has not opted out and a phone is known; None otherwise."""
    if order.unit_id is None or event not in settings.estate_events(order.estate_id):
        return None
    if settings.opted_out(order.unit_id):
        return None
    phone = phone_of(order)
    if phone is None:
        return None
    key = f"{event.value}:{order.id}:{_occasion(event, order)}"
    if db.session.query(ResidentNotice.id).filter_by(dedupe_key=key).first():
        return None
    link = None
    if event is NoticeEvent.rating:
        token = links.issue(
            LinkPurpose.rate, estate_id=order.estate_id, unit_id=order.unit_id, record_id=order.id
        )
        link = absolute(links.path_for(token))
    with force_locale(settings.language_of(order.unit_id)):
        text = messages.text_for(event, order, link)
    notice = ResidentNotice(
        estate_id=order.estate_id,
        unit_id=order.unit_id,
        work_order_id=order.id,
        event=event,
        phone=phone,
        text=text,
        dedupe_key=key,
        attempts=0,
    )
    db.session.add(notice)
    db.session.flush()
    db.session.info.setdefault(_WRITTEN, []).append(notice.id)
    return notice


def absolute(path: str) -> str:
    """The address a phone opens: PUBLIC_BASE_URL when set (a job has no request), else the
    request's own host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    return f"{base}{path}"


def _after_commit(session: Session) -> None:
    session.info.pop(settings.KNOWN_EVENTS, None)
    written = session.info.pop(_WRITTEN, None)
    if not written or not current_app.config.get("RESIDENT_NOTICES_AT_ONCE", True):
        return
    if current_app.config.get("JOBS_INLINE"):
        return  # a job cannot run inside a commit: the next sweep sends them
    from admin_app.jobs.queue import submit
    from admin_app.resident_notices.jobs import QUEUE, deliver_notices

    try:
        submit(deliver_notices, list(written), queue_name=QUEUE)
    except Exception:  # the texts wait in the outbox: the next sweep sends them
        current_app.logger.exception("could not start sending residents' texts")


def _after_rollback(session: Session) -> None:
    session.info.pop(settings.KNOWN_EVENTS, None)
    session.info.pop(_WRITTEN, None)


def install() -> None:
    listen_once(Session, "after_commit", _after_commit)
    listen_once(Session, "after_rollback", _after_rollback)
