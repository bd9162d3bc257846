"""Home-visit bookings (上门服务预约) [002 篇3]: every request is registered (第七條) and answered
within one working day of the estate's calendar (第八條): a time agreed, with what to prepare,
or a refusal with its reason. A visit that cannot be kept is called off only with the applicant
told at least 8 hours before (第十條), recorded with who told whom and when; a later call-off is
refused. 30 minutes past the time with no contact, the booking is abandoned (第十一條): by the
staff, or by the sweep (`abandon_overdue`).

The visit is made in office hours on a working day (第二條: 上門服務時間為正常工作時間), read
from the estate's calendar (holidays, 调休 make-up days, its own days) and the office hours;
and someone goes: the desk names the staff member (001 (16): the desk dispatches home
services), who is told at once and reminded before the visit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import BookingStatus, HomeVisitBooking, Role, Staff
from admin_app.services import calendar, handoffs, history, household
from admin_app.services.errors import ServiceError
from admin_app.services.workflow import StateMachine, step

B = BookingStatus
ANSWER_WITHIN = 1  # working day
CALL_OFF_NOTICE = timedelta(hours=8)
ABANDONED_AFTER = timedelta(minutes=30)
OPEN = frozenset({B.requested, B.agreed})
MINUTES = "%Y-%m-%d %H:%M"
# Who may be sent: the front desk (客服), their supervisors, the technicians (维修).
VISITING_ROLES = frozenset({Role.receptionist, Role.supervisor, Role.technician})

BOOKING = StateMachine(
    "home_visit_booking",
    [
        step("agree", _l("Agree a time"), {B.requested}, B.agreed),
        step("refuse", _l("Refuse, with the reason"), {B.requested}, B.refused),
        step("call_off", _l("Call off (applicant told)"), {B.agreed}, B.called_off),
        step("abandon", _l("Abandoned: no contact"), {B.agreed}, B.abandoned),
        step("visit", _l("Visit done"), {B.agreed}, B.visited),
    ],
)


def answer_due(estate_id: int, requested_at: datetime) -> datetime:
    """By the close of the estate's next working day."""
    return calendar.by_close_of(estate_id, requested_at, ANSWER_WITHIN)


def carry_over_from_resident(booking: HomeVisitBooking) -> None:
    """A booking for a resident picked on the form takes the resident's name and phone where
    they were left empty: nothing the panel knows is typed twice. Typed values win (a relative
    calling for the resident, another number to call back on)."""
    if booking.resident is not None:
        household.take_contact(booking, booking.resident, "applicant_name", "applicant_phone")


def register(booking: HomeVisitBooking, actor=None) -> None:
    """A new request (from the form, the demo or a test): stamped and given its deadline."""
    if not (booking.applicant_name or "").strip():
        raise ServiceError(_l("Enter the applicant's name."))
    if not (booking.service or "").strip():
        raise ServiceError(_l("Enter what the applicant asks to be done."))
    booking.requested_at = booking.requested_at or clock.now()
    if booking.requested_at > clock.now() + timedelta(minutes=5):
        raise ServiceError(_l("A request cannot be received in the future."))
    if actor is not None and booking.received_by_id is None:
        booking.received_by_id = actor.id
    booking.answer_due_at = answer_due(booking.estate_id, booking.requested_at)


def visit_time_refusal(estate_id: int, at: datetime) -> str | None:
    """Why a visit cannot be made at `at` (not a working day of the estate, or outside office
    hours), in the reader's language; None when it can."""
    day = at.date()
    working = calendar.calendar_for(estate_id)
    if not working.is_working_day(day):
        if calendar.is_statutory_holiday(day):
            return str(_l("%(date)s is a public holiday, not a working day.", date=_day(day)))
        if day.weekday() >= 5:
            weekday = format_date(day, "EEEE", locale=get_locale())
            return str(
                _l("%(date)s is a %(weekday)s, not a working day.", date=_day(day), weekday=weekday)
            )
        return str(_l("%(date)s is a day off on this estate's calendar.", date=_day(day)))
    opens, closes = calendar.opening_time(), calendar.closing_time()
    if not opens <= at.time() < closes:
        return str(
            _l(
                "Home visits are made in office hours, %(opens)s to %(closes)s: %(time)s is "
                "outside them.",
                opens=opens.strftime("%H:%M"),
                closes=closes.strftime("%H:%M"),
                time=at.strftime("%H:%M"),
            )
        )
    return None


def _day(day: date) -> str:
    """12月12日 / Dec 12: the date as a person says it, in the reader's language."""
    return format_skeleton("MMMd", day, locale=get_locale())


def visitor_refusal(estate_id: int, visitor: Staff | None) -> str | None:
    """Why this staff member cannot be sent to the visit; None when he can."""
    if visitor is None:
        return str(_l("Choose who goes to the visit."))
    if not visitor.is_active:
        return str(_l("%(name)s's account is disabled.", name=visitor.name))
    if not (visitor.all_estates or estate_id in visitor.estate_ids):
        return str(_l("%(name)s does not work in this estate.", name=visitor.name))
    if visitor.role not in VISITING_ROLES:
        return str(
            _l(
                "%(name)s does not make home visits: the front desk, the supervisors and the "
                "technicians do.",
                name=visitor.name,
            )
        )
    return None


def agree(
    booking, actor, *, appointment_at: datetime, visitor: Staff | None, materials: str = ""
) -> None:
    """A time agreed with the applicant, in office hours on a working day; what they must have
    ready (一次性告知); and who goes, who hears of it at once."""
    if appointment_at is None or appointment_at <= clock.now():
        raise ServiceError(_l("The appointment must be a time still ahead."))
    with BOOKING.transition(booking, "agree", actor):
        refused = visit_time_refusal(booking.estate_id, appointment_at) or visitor_refusal(
            booking.estate_id, visitor
        )
        if refused:
            raise ServiceError(refused)
        booking.appointment_at = appointment_at
        booking.visitor_id = visitor.id
        booking.materials = (materials or "").strip() or None
        _answered(booking, actor)
    handoffs.visit_booked(booking, actor)


def refuse(booking, actor, *, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Explain to the applicant why the visit cannot be made."))
    with BOOKING.transition(booking, "refuse", actor):
        booking.refusal_reason = reason
        _answered(booking, actor)


def _answered(booking, actor) -> None:
    booking.answered_at = clock.now()
    booking.answered_by_id = actor.id


def call_off_refusal(booking, told_at: datetime) -> str | None:
    """Why a call-off told at `told_at` is too late, or None when it is in time."""
    if booking.appointment_at is None or booking.appointment_at - told_at >= CALL_OFF_NOTICE:
        return None
    left = int(max(booking.appointment_at - told_at, timedelta(0)).total_seconds()) // 60
    at, when = booking.appointment_at.strftime(MINUTES), told_at.strftime(MINUTES)
    return str(
        _l(
            "Too late to call it off: the applicant must be told at least 8 hours before the "
            "visit (%(at)s), and %(when)s is only %(hours)s h %(minutes)s min before. Keep the "
            "appointment.",
            at=at,
            when=when,
            hours=left // 60,
            minutes=left % 60,
        )
    )


def call_off(booking, actor, *, told_whom: str, reason: str, told_at: datetime | None = None):
    """The visit cannot be kept: the applicant was told (by `actor`, at `told_at`)."""
    now = clock.now()
    told_at = told_at or now
    told_whom, reason = (told_whom or "").strip(), (reason or "").strip()
    if told_at > now:
        raise ServiceError(_l("The applicant cannot have been told in the future."))
    if not told_whom:
        raise ServiceError(_l("Enter whom you told (the applicant, or who took the message)."))
    if not reason:
        raise ServiceError(_l("Enter the reason given to the applicant."))
    with BOOKING.transition(booking, "call_off", actor):
        too_late = call_off_refusal(booking, told_at)
        if too_late:
            raise ServiceError(too_late)
        booking.told_at, booking.told_by_id = told_at, actor.id
        booking.told_whom, booking.call_off_reason = told_whom, reason


def abandon(booking, actor, *, notes: str = "") -> None:
    """30 minutes past the time, the applicant neither there nor reachable."""
    with BOOKING.transition(booking, "abandon", actor):
        _check_abandon(booking, clock.now())
        booking.abandoned_at = clock.now()
        booking.abandoned_by_id = actor.id
        booking.outcome_notes = (notes or "").strip() or None


def _check_abandon(booking, now: datetime) -> None:
    if booking.appointment_at is None or now < booking.appointment_at + ABANDONED_AFTER:
        raise ServiceError(
            _l("A booking counts as abandoned only 30 minutes after the appointment time.")
        )


def visit(booking, actor, *, notes: str = "") -> None:
    with BOOKING.transition(booking, "visit", actor):
        booking.visited_at = clock.now()
        booking.outcome_notes = (notes or "").strip() or None


def abandon_overdue(now: datetime | None = None) -> int:
    """The sweep: agreed bookings 30 minutes past their time with nothing recorded become
    abandoned (no one's doing: `abandoned_by` stays empty)."""
    now = now or clock.now()
    overdue = (
        db.session.query(HomeVisitBooking)
        .filter(
            HomeVisitBooking.status == B.agreed,
            HomeVisitBooking.appointment_at <= now - ABANDONED_AFTER,
        )
        .with_for_update(skip_locked=True)
        .all()
    )
    with history.action("abandon"):
        for booking in overdue:
            booking.status = B.abandoned
            booking.abandoned_at = now
        db.session.flush()
    return len(overdue)
