"""The verbs of messages taken for a staff member who is out (留言转告): take one — the person
hears of it at once, by text too — and mark it done once they have called back. Each checks,
changes, writes history and flushes; the caller commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from admin_app import clock, validation
from admin_app.auth.checks import check_may
from admin_app.auth.permissions import SUPERVISORS, may
from admin_app.auth.scope import estate_allowed
from admin_app.extensions import db
from admin_app.models import MessageStatus, Resident, Role, Staff, StaffMessage, Unit
from admin_app.models.staff import staff_estate
from admin_app.services import handoffs, history, household, inbox
from admin_app.services.errors import ServiceError

NAME_MAX, TEXT_MAX, NOTE_MAX = 50, 500, 200


def who_may_be_asked_for(estate_ids, actor=None) -> list[Staff]:
    """The active staff of these estates a caller may ask for, by name: never the
    administrator's account (no person), nor whoever takes the message."""
    works_here = or_(
        Staff.all_estates.is_(True),
        Staff.id.in_(
            select(staff_estate.c.staff_id).where(staff_estate.c.estate_id.in_(estate_ids))
        ),
    )
    query = db.session.query(Staff).filter(
        Staff.active.is_(True), Staff.role != Role.admin, works_here
    )
    if actor is not None:
        query = query.filter(Staff.id != actor.id)
    return query.order_by(Staff.name).all()


def take(
    actor,
    *,
    estate_id: int,
    for_staff: Staff | None,
    text: str,
    caller_name: str | None = None,
    caller_phone: str | None = None,
    unit: Unit | None = None,
    resident: Resident | None = None,
    call_back: bool = True,
) -> StaffMessage:
    """A caller asks for someone who is out: who called, how to reach them, what they want.
    A resident picked gives the name, phone and unit not typed."""
    check_may(actor, "staff_message.take", estate_id)
    if for_staff is None or not for_staff.is_active or for_staff.role is Role.admin:
        raise ServiceError(_l("Choose whom the message is for."))
    if for_staff.id == actor.id:
        raise ServiceError(_l("A message for yourself needs no passing on."))
    if not (for_staff.all_estates or estate_id in for_staff.estate_ids):
        raise ServiceError(_l("%(name)s does not work in this estate."), name=for_staff.name)
    for record in (resident, unit):
        if record is not None and record.estate_id != estate_id:
            raise ServiceError(_l("The caller's unit is not in this estate."))
    household.check_lives_in(resident, unit)
    if resident is not None:
        unit = unit or resident.unit
        caller_name = caller_name or resident.name
        caller_phone = caller_phone or resident.phone
    name = validation.one_line(caller_name, NAME_MAX)
    if not name:
        raise ServiceError(_l("Enter the caller's name."))
    words = (text or "").strip()[:TEXT_MAX]
    if not words:
        raise ServiceError(_l("Write down what the caller wants."))
    phone = validation.checked_phone(caller_phone)
    if call_back and phone is None:
        raise ServiceError(_l("Enter the number to call back on."))
    message = StaffMessage(
        estate_id=estate_id,
        for_staff_id=for_staff.id,
        caller_name=name,
        caller_phone=phone,
        unit_id=unit.id if unit is not None else None,
        resident_id=resident.id if resident is not None else None,
        text=words,
        call_back=call_back,
        taken_at=clock.now(),
        taken_by_id=actor.id,
    )
    with history.action("message_taken", actor=actor):
        db.session.add(message)
        db.session.flush()
    handoffs.message_taken(message)
    return message


def may_close(message: StaffMessage, actor) -> bool:
    """The person it is for; a supervisor for someone who is away or has left."""
    return (
        may(actor, "staff_message.done")
        and estate_allowed(actor, message.estate_id)
        and (message.for_staff_id == actor.id or actor.role in SUPERVISORS)
    )


def mark_done(message: StaffMessage, actor, *, note: str | None = None) -> None:
    """Called back (or nothing to do): the message is dealt with, its inbox entry read, and
    whoever took it told."""
    if not may_close(message, actor):
        raise ServiceError(_l("This message is not yours to close."))
    if message.status is MessageStatus.done:
        raise ServiceError(
            _l("%(name)s already dealt with this message at %(time)s."),
            name=message.done_by.name if message.done_by else "",
            time=f"{message.done_at:%Y-%m-%d %H:%M}",
        )
    with history.action("message_done", actor=actor):
        message.status = MessageStatus.done
        message.done_at = clock.now()
        message.done_by_id = actor.id
        message.done_note = validation.one_line(note, NOTE_MAX) or None
        db.session.flush()
    inbox.read_about(message, actor.id)
    handoffs.message_done(message, actor)
