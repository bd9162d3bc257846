"""Duty (值班) verbs: plan the rota, swap a shift (the supervisor decides), keep the duty log,
hand over to the next shift and acknowledge; and the reads the pages and the dashboard share.

The rules [000 守则 3.1.2, 值班 3.2, 3.4, 办公室 3.14]: staff are on duty by the rota and may
swap only with the supervisor's consent; someone named holds the 24-hour duty phone; what
happens on duty is written in the duty log; holiday duty is fixed before the holiday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload, lazyload, selectinload

from admin_app import clock
from admin_app.auth.permissions import may
from admin_app.auth.scope import estate_allowed, scoped
from admin_app.extensions import db
from admin_app.models import (
    DutyHoliday,
    DutyLogEntry,
    DutyShift,
    DutySwap,
    Estate,
    Role,
    Staff,
    SwapStatus,
    Ticket,
    staff_estate,
)
from admin_app.services import eager, handoffs, history
from admin_app.services.errors import ServiceError
from admin_app.services.reminders.handoff_kinds import (
    DUTY_HANDOVER,
    DUTY_SWAP_DECIDED,
    DUTY_SWAP_REQUESTED,
)
from admin_app.services.workflow import ACTION_LABELS, StateMachine, step

MAX_SHIFT = timedelta(hours=24)
MAX_HOLIDAY_DAYS = 31
# The rota and the holidays are planned up to about a year ahead.
MAX_AHEAD = timedelta(days=400)
TEXT_MAX = 2000
# The next shift may start a little before this one ends (an overlap to hand over in).
HANDOVER_OVERLAP = timedelta(hours=2)
# Continuous duty: the seeds set no limit, so the longest shift the rota allows (MAX_SHIFT) is
# also the longest stretch on end; shifts less than REST apart count as one stretch.
MAX_ON_DUTY = timedelta(hours=24)
REST = timedelta(hours=8)

S = SwapStatus
SWAP = StateMachine(
    "duty_swap",
    [
        step("approve", _l("Approve the swap"), {S.requested}, S.approved),
        step("refuse", _l("Refuse the swap"), {S.requested}, S.refused),
    ],
)

# How history names the other duty steps (the swap's are its machine's).
ACTION_LABELS.update(
    {
        ("duty_shift", "plan"): _l("Put on the rota"),
        ("duty_shift", "remove"): _l("Taken off the rota"),
        ("duty_shift", "hand_over"): _l("Handed over"),
        ("duty_shift", "acknowledge"): _l("Hand-over acknowledged"),
        ("duty_log_entry", "log"): _l("Written in the duty log"),
        ("duty_swap", "request"): _l("Swap requested"),
        ("duty_holiday", "plan"): _l("Holiday added"),
        ("duty_holiday", "remove"): _l("Holiday removed"),
    }
)


# ---- checks ---------------------------------------------------------------------------------
def _in_estate(actor, estate_id: int) -> None:
    if not estate_allowed(actor, estate_id):
        raise ServiceError(_l("This record is not yours to act on."))


def _may(actor, action: str) -> None:
    if not may(actor, action):
        raise ServiceError(_l("Your role may not do this."))


def _text(value: str | None, missing) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(missing)
    if len(text) > TEXT_MAX:
        raise ServiceError(_l("At most %(num)s characters, please.", num=TEXT_MAX))
    return text


def _member(estate_id: int, staff_id: int | None) -> Staff:
    """An active staff member of the estate (a company-wide director counts) who may be on
    duty: the office's people [000 值班 3.1: 客户服务部 arranges it], not the system
    administrator's account, which is nobody at the phone."""
    person = db.session.get(Staff, staff_id) if staff_id else None
    if person is None or not person.active:
        raise ServiceError(_l("Choose an active staff member."))
    if not (estate_id in person.estate_ids or person.all_estates):
        raise ServiceError(_l("%(name)s does not work at this estate.", name=person.name))
    if person.role is Role.admin:
        raise ServiceError(_l("The administrator's account is not put on duty."))
    return person


def duty_staff(estate_id: int) -> list[Staff]:
    """Whom the rota and a swap offer: the estate's active staff who may be on duty."""
    members = db.session.query(staff_estate.c.staff_id).filter(
        staff_estate.c.estate_id == estate_id
    )
    return (
        db.session.query(Staff)
        .filter(Staff.active.is_(True), Staff.id.in_(members), Staff.role != Role.admin)
        .order_by(Staff.name, Staff.id)
        .all()
    )


def _overlapping(query, starts_at: datetime, ends_at: datetime):
    return query.filter(DutyShift.starts_at < ends_at, DutyShift.ends_at > starts_at)


def _busy(staff_id: int, starts_at: datetime, ends_at: datetime, but: int | None = None):
    """The person's own shift overlapping these times, in any estate (None: free)."""
    query = _overlapping(
        db.session.query(DutyShift).filter(DutyShift.staff_id == staff_id), starts_at, ends_at
    )
    if but is not None:
        query = query.filter(DutyShift.id != but)
    return query.order_by(DutyShift.starts_at).first()


def _refuse_busy(person: Staff, starts_at, ends_at, but: int | None = None) -> None:
    other = _busy(person.id, starts_at, ends_at, but)
    if other is not None:
        raise ServiceError(
            _l(
                "%(name)s is already on duty %(shift)s at %(estate)s.",
                name=person.name,
                shift=str(other),
                estate=other.estate.name,
            )
        )


def on_duty_stretch(
    staff_id: int, starts_at: datetime, ends_at: datetime, but: int | None = None
) -> tuple[datetime, datetime]:
    """From when to when the person would be on duty on end with a shift from `starts_at` to
    `ends_at`: their own shifts (any estate) chained to it with less than REST between them.
    `but`: a shift id left out."""
    begin, end = starts_at, ends_at
    while True:
        query = db.session.query(DutyShift.starts_at, DutyShift.ends_at).filter(
            DutyShift.staff_id == staff_id,
            DutyShift.starts_at < end + REST,
            DutyShift.ends_at > begin - REST,
        )
        if but is not None:
            query = query.filter(DutyShift.id != but)
        rows = query.all()
        wider = (min([begin, *(r.starts_at for r in rows)]), max([end, *(r.ends_at for r in rows)]))
        if wider == (begin, end):
            return begin, end
        begin, end = wider


def _moment(at: datetime) -> LazyString:
    """A moment as 12月7日 08:00 or Dec 7 08:00, in the language of whoever reads the message.
    Shown as stored, office wall-clock time: nothing to convert (clock.py)."""
    return LazyString(
        lambda: f"{format_skeleton('MMMd', at.date(), locale=get_locale() or 'en')} {at:%H:%M}"
    )


def refuse_too_long_on_duty(
    person: Staff, starts_at: datetime, ends_at: datetime, *, but: int | None = None, swap: bool
) -> None:
    """The one rule on how long someone may be on duty on end, checked wherever a person takes
    on a shift: planned on the rota, or taken over from someone else (asking for the swap and
    approving it). `but`: the shift taken over, not counted twice."""
    begin, end = on_duty_stretch(person.id, starts_at, ends_at, but=but)
    if end - begin <= MAX_ON_DUTY:
        return
    facts = {
        "name": person.name,
        "start": _moment(begin),
        "end": _moment(end),
        "hours": f"{round((end - begin).total_seconds() / 3600, 1):g}",
        "rest": int(REST.total_seconds() // 3600),
        "limit": int(MAX_ON_DUTY.total_seconds() // 3600),
    }
    if swap:
        raise ServiceError(
            _l(
                "After the swap %(name)s would be on duty from %(start)s to %(end)s "
                "(%(hours)s hours) with less than %(rest)s hours' rest between shifts: "
                "at most %(limit)s hours on end.",
                **facts,
            )
        )
    raise ServiceError(
        _l(
            "With this shift %(name)s would be on duty from %(start)s to %(end)s "
            "(%(hours)s hours) with less than %(rest)s hours' rest between shifts: "
            "at most %(limit)s hours on end.",
            **facts,
        )
    )


# ---- the rota -------------------------------------------------------------------------------
def add_shift(
    actor,
    *,
    estate_id: int,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    holds_phone: bool = False,
) -> DutyShift:
    """Put someone on the rota; at most one person holds the duty phone at any time."""
    _may(actor, "duty_shift.plan")
    _in_estate(actor, estate_id)
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ServiceError(_l("The shift must end after it starts."))
    if ends_at - starts_at > MAX_SHIFT:
        raise ServiceError(_l("A shift lasts at most 24 hours."))
    if ends_at <= clock.now():
        raise ServiceError(_l("This shift is already over: plan shifts still to come."))
    if starts_at > clock.now() + MAX_AHEAD:
        raise ServiceError(_l("Plan at most a year ahead."))
    person = _member(estate_id, staff_id)
    _refuse_busy(person, starts_at, ends_at)
    refuse_too_long_on_duty(person, starts_at, ends_at, swap=False)
    if holds_phone:
        holder = _phone_holder(estate_id, starts_at, ends_at)
        if holder is not None:
            raise ServiceError(
                _l(
                    "%(name)s already holds the duty phone %(shift)s.",
                    name=holder.staff.name,
                    shift=str(holder),
                )
            )
    shift = DutyShift(
        estate_id=estate_id,
        staff_id=person.id,
        starts_at=starts_at,
        ends_at=ends_at,
        holds_phone=bool(holds_phone),
        planned_by_id=actor.id,
    )
    with history.action("plan", actor=actor):
        db.session.add(shift)
        db.session.flush()
    refresh_holidays(estate_id)
    return shift


def remove_shift(actor, shift: DutyShift) -> None:
    """Take a shift that has not started off the rota."""
    _may(actor, "duty_shift.plan")
    _in_estate(actor, shift.estate_id)
    if shift.starts_at <= clock.now():
        raise ServiceError(_l("This shift has started: it stays on the rota with its log."))
    estate_id = shift.estate_id
    with history.action("remove", actor=actor):
        db.session.query(DutySwap).filter(DutySwap.shift_id == shift.id).delete()
        db.session.delete(shift)
        db.session.flush()
    refresh_holidays(estate_id)


def _phone_holder(estate_id: int, starts_at: datetime, ends_at: datetime):
    query = db.session.query(DutyShift).filter(
        DutyShift.estate_id == estate_id, DutyShift.holds_phone.is_(True)
    )
    return _overlapping(query, starts_at, ends_at).order_by(DutyShift.starts_at).first()


def rota(actor, estate_id: int, start: date, days: int = 7) -> list[DutyShift]:
    """The estate's shifts touching the `days` days from `start`, in order."""
    _in_estate(actor, estate_id)
    begin = datetime.combine(start, time())
    query = db.session.query(DutyShift).filter(DutyShift.estate_id == estate_id)
    query = _overlapping(query, begin, begin + timedelta(days=days))
    return query.order_by(DutyShift.starts_at, DutyShift.id).all()


def rota_days(shifts, start: date, days: int = 7) -> list[tuple[date, list[DutyShift]]]:
    """The rota as a paper roster reads it: each shift under the day it starts (a night shift
    from Monday 20:00 to Tuesday 08:00 is Monday's night, not Tuesday's), one entry per day
    from `start`. A shift begun before `start` and still running into it is listed first, under
    its own day, rather than under `start`."""
    by_day: dict[date, list[DutyShift]] = {start + timedelta(days=n): [] for n in range(days)}
    for shift in shifts:
        by_day.setdefault(shift.starts_at.date(), []).append(shift)
    return sorted(by_day.items())


def phone_gaps(shifts, begin: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The spans from `begin` to `end` when no shift of the rota holds the duty phone: the
    24-hour line is always someone's [000 值班 3.4], so the supervisor sees where it is not."""
    gaps, covered_to = [], begin
    for shift in sorted((s for s in shifts if s.holds_phone), key=lambda s: s.starts_at):
        if shift.starts_at > covered_to:
            gaps.append((covered_to, min(shift.starts_at, end)))
        covered_to = max(covered_to, shift.ends_at)
        if covered_to >= end:
            break
    gaps.append((covered_to, end))
    return [(a, b) for a, b in gaps if a < b]


# ---- public holidays ------------------------------------------------------------------------
def add_holiday(actor, *, estate_id: int, name: str, starts_on: date, ends_on: date):
    """A public holiday of the estate; the supervisors are reminded while its rota is empty."""
    _may(actor, "duty_shift.plan")
    _in_estate(actor, estate_id)
    name = _text(name, _l("Name the holiday."))[:80]
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ServiceError(_l("The holiday must end on or after its first day."))
    if (ends_on - starts_on).days >= MAX_HOLIDAY_DAYS:
        raise ServiceError(_l("A holiday lasts at most %(num)s days.", num=MAX_HOLIDAY_DAYS))
    if ends_on < clock.today():
        raise ServiceError(_l("This holiday is already over."))
    if starts_on > clock.today() + MAX_AHEAD:
        raise ServiceError(_l("Plan at most a year ahead."))
    clash = (
        db.session.query(DutyHoliday)
        .filter(
            DutyHoliday.estate_id == estate_id,
            DutyHoliday.starts_on <= ends_on,
            DutyHoliday.ends_on >= starts_on,
        )
        .first()
    )
    if clash is not None:
        raise ServiceError(_l("These days are already the holiday %(name)s.", name=clash.number))
    holiday = DutyHoliday(
        estate_id=estate_id,
        number=f"{starts_on:%Y-%m-%d} {name}",
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    with history.action("plan", actor=actor):
        db.session.add(holiday)
        db.session.flush()
        refresh_holidays(estate_id)
    return holiday


def remove_holiday(actor, holiday: DutyHoliday) -> None:
    _may(actor, "duty_shift.plan")
    _in_estate(actor, holiday.estate_id)
    with history.action("remove", actor=actor):
        db.session.delete(holiday)
        db.session.flush()


def holiday_span(holiday: DutyHoliday) -> tuple[datetime, datetime]:
    begin = datetime.combine(holiday.starts_on, time())
    return begin, datetime.combine(holiday.ends_on + timedelta(days=1), time())


def refresh_holidays(estate_id: int) -> None:
    """Mark each coming holiday of the estate as fixed while a shift covers it (this ends its
    reminder), or open again when its last shift is removed."""
    now = clock.now()
    holidays = (
        db.session.query(DutyHoliday)
        .filter(DutyHoliday.estate_id == estate_id, DutyHoliday.ends_on >= now.date())
        .all()
    )
    for holiday in holidays:
        begin, end = holiday_span(holiday)
        covered = _overlapping(
            db.session.query(DutyShift.id).filter(DutyShift.estate_id == estate_id), begin, end
        ).first()
        if covered and holiday.rota_fixed_at is None:
            holiday.rota_fixed_at = now
        elif not covered and holiday.rota_fixed_at is not None:
            holiday.rota_fixed_at = None
    db.session.flush()


def holidays(actor, estate_id: int) -> list[DutyHoliday]:
    _in_estate(actor, estate_id)
    return (
        db.session.query(DutyHoliday)
        .filter(DutyHoliday.estate_id == estate_id, DutyHoliday.ends_on >= clock.today())
        .order_by(DutyHoliday.starts_on)
        .all()
    )


# ---- swaps ----------------------------------------------------------------------------------
def request_swap(actor, shift: DutyShift, *, colleague_id: int, reason: str) -> DutySwap:
    """Ask the supervisor to let a colleague take one's coming shift."""
    _may(actor, "duty_swap.request")
    _in_estate(actor, shift.estate_id)
    if shift.staff_id != actor.id:
        raise ServiceError(_l("Only the person on this shift may ask to swap it."))
    if shift.starts_at <= clock.now():
        raise ServiceError(_l("This shift has started: it can no longer be swapped."))
    reason = _text(reason, _l("Say why you need the swap."))
    if colleague_id == actor.id:
        raise ServiceError(_l("Choose a colleague other than yourself."))
    colleague = _member(shift.estate_id, colleague_id)
    _refuse_busy(colleague, shift.starts_at, shift.ends_at)
    refuse_too_long_on_duty(colleague, shift.starts_at, shift.ends_at, but=shift.id, swap=True)
    pending = (
        db.session.query(DutySwap.id)
        .filter(DutySwap.shift_id == shift.id, DutySwap.status == S.requested)
        .first()
    )
    if pending is not None:
        raise ServiceError(_l("A swap of this shift is already awaiting approval."))
    swap = DutySwap(
        estate_id=shift.estate_id,
        shift_id=shift.id,
        requested_by_id=actor.id,
        colleague_id=colleague.id,
        reason=reason,
        status=S.requested,
    )
    with history.action("request", actor=actor):
        db.session.add(swap)
        db.session.flush()
    handoffs.tell(swap, DUTY_SWAP_REQUESTED, "requested", role=Role.supervisor)
    return swap


def approve_swap(actor, swap: DutySwap) -> None:
    """The colleague takes the shift (and the duty phone with it, if it holds it)."""
    with SWAP.transition(swap, "approve", actor):
        shift = swap.shift
        if shift.starts_at <= clock.now():
            raise ServiceError(_l("This shift has started: it can no longer be swapped."))
        colleague = _member(shift.estate_id, swap.colleague_id)
        _refuse_busy(colleague, shift.starts_at, shift.ends_at, but=shift.id)
        # The rota may have changed since it was asked.
        refuse_too_long_on_duty(colleague, shift.starts_at, shift.ends_at, but=shift.id, swap=True)
        shift.staff_id = colleague.id
        swap.decided_by_id = actor.id
        swap.decided_at = clock.now()
    _tell_decided(swap)


def refuse_swap(actor, swap: DutySwap, *, reason: str) -> None:
    reason = _text(reason, _l("Say why the swap is refused."))
    with SWAP.transition(swap, "refuse", actor):
        swap.refusal_reason = reason
        swap.decided_by_id = actor.id
        swap.decided_at = clock.now()
    _tell_decided(swap)


def _tell_decided(swap: DutySwap) -> None:
    for person_id in (swap.requested_by_id, swap.colleague_id):
        handoffs.tell(swap, DUTY_SWAP_DECIDED, f"decided:{person_id}", person_id=person_id)


def pending_swaps(actor, estate_id: int) -> list[DutySwap]:
    _in_estate(actor, estate_id)
    return (
        db.session.query(DutySwap)
        .filter(DutySwap.estate_id == estate_id, DutySwap.status == S.requested)
        .order_by(DutySwap.created_at)
        .all()
    )


# ---- the duty log ---------------------------------------------------------------------------
def _on_shift_or_supervisor(actor, shift: DutyShift) -> None:
    _in_estate(actor, shift.estate_id)
    if shift.staff_id != actor.id and not may(actor, "duty_shift.plan"):
        raise ServiceError(_l("Only the person on duty writes this shift's log."))


def time_in_shift(shift: DutyShift, clock_time: time) -> datetime | None:
    """The moment of the shift showing `clock_time` (a night shift spans two dates)."""
    day = shift.starts_at.date()
    while day <= shift.ends_at.date():
        at = datetime.combine(day, clock_time)
        if shift.starts_at <= at <= shift.ends_at:
            return at
        day += timedelta(days=1)
    return None


def add_entry(actor, shift: DutyShift, *, text: str, at: datetime | None = None):
    """One line in the duty log: what happened, at `at` (now when not given)."""
    _may(actor, "duty_shift.write_log")
    _on_shift_or_supervisor(actor, shift)
    now = clock.now()
    if shift.starts_at > now:
        raise ServiceError(_l("This shift has not started yet."))
    if shift.handed_over_at is not None:
        raise ServiceError(_l("This shift is handed over: its log is closed."))
    text = _text(text, _l("Write what happened."))
    at = at or min(now, shift.ends_at)
    if not shift.starts_at <= at <= min(now, shift.ends_at):
        raise ServiceError(_l("The time must fall within the shift, and not in the future."))
    entry = DutyLogEntry(
        estate_id=shift.estate_id, shift_id=shift.id, at=at, text=text, written_by_id=actor.id
    )
    with history.action("log", actor=actor):
        db.session.add(entry)
        db.session.flush()
    return entry


def load_entries(shift: DutyShift) -> None:
    """The shift's log with who wrote each line (a supervisor's among the guard's), in one
    query."""
    eager.load_into(
        shift,
        selectinload(DutyShift.entries).options(
            lazyload("*"), joinedload(DutyLogEntry.written_by).lazyload("*")
        ),
    )


def shift_window(shift: DutyShift) -> tuple[datetime, datetime]:
    """From when to when the shift was on duty: its start to its end, or to its hand-over when
    handed over early (what comes after is the next person's, and the log is closed)."""
    end = shift.ends_at
    if shift.handed_over_at is not None:
        end = min(end, shift.handed_over_at)
    return shift.starts_at, end


def tickets_in_shift(shift: DutyShift) -> list[Ticket]:
    """Every call, visit or report the desk logged for the estate while the shift was on duty
    (its own columns: the log names each by number, category and state)."""
    begin, end = shift_window(shift)
    return (
        db.session.query(Ticket)
        .options(lazyload("*"))
        .filter(
            Ticket.estate_id == shift.estate_id,
            Ticket.received_at >= begin,
            Ticket.received_at < end,
        )
        .order_by(Ticket.received_at, Ticket.id)
        .all()
    )


def next_shift(shift: DutyShift) -> DutyShift | None:
    """The shift this one hands over to: the estate's next one to start."""
    return (
        db.session.query(DutyShift)
        .filter(
            DutyShift.estate_id == shift.estate_id,
            DutyShift.id != shift.id,
            DutyShift.starts_at > shift.starts_at,
            DutyShift.starts_at >= shift.ends_at - HANDOVER_OVERLAP,
        )
        .order_by(DutyShift.starts_at, DutyShift.id)
        .first()
    )


def hand_over(actor, shift: DutyShift, *, note: str) -> None:
    """End one's shift with a note for the next person, who is told at once."""
    _may(actor, "duty_shift.hand_over")
    _in_estate(actor, shift.estate_id)
    if shift.staff_id != actor.id:
        raise ServiceError(_l("Only the person on duty hands this shift over."))
    if shift.starts_at > clock.now():
        raise ServiceError(_l("This shift has not started yet."))
    if shift.handed_over_at is not None:
        raise ServiceError(_l("This shift is already handed over."))
    note = _text(note, _l("Write the hand-over note for the next shift."))
    with history.action("hand_over", actor=actor):
        shift.handover_note = note
        shift.handed_over_at = clock.now()
        db.session.flush()
    following = next_shift(shift)
    if following is not None:
        handoffs.tell(shift, DUTY_HANDOVER, "handover", person_id=following.staff_id)


def acknowledge(actor, shift: DutyShift) -> None:
    """The next person has read the hand-over note."""
    _may(actor, "duty_shift.acknowledge")
    _in_estate(actor, shift.estate_id)
    if shift.handed_over_at is None:
        raise ServiceError(_l("This shift is not handed over yet."))
    if shift.acknowledged_at is not None:
        raise ServiceError(_l("This hand-over is already acknowledged."))
    following = next_shift(shift)
    if following is None or following.staff_id != actor.id:
        raise ServiceError(_l("Only the person on the next shift acknowledges the hand-over."))
    with history.action("acknowledge", actor=actor):
        shift.acknowledged_at = clock.now()
        shift.acknowledged_by_id = actor.id
        db.session.flush()


def handed_to(staff_id: int, shift: DutyShift) -> DutyShift | None:
    """The hand-over waiting for this shift's person: the estate's shift before, handed over
    and not yet acknowledged."""
    before = (
        db.session.query(DutyShift)
        .filter(
            DutyShift.estate_id == shift.estate_id,
            DutyShift.id != shift.id,
            DutyShift.handed_over_at.is_not(None),
            DutyShift.acknowledged_at.is_(None),
            DutyShift.starts_at < shift.starts_at,
        )
        .order_by(DutyShift.starts_at.desc(), DutyShift.id.desc())
        .first()
    )
    if before is None or shift.staff_id != staff_id:
        return None
    following = next_shift(before)
    return before if following is not None and following.id == shift.id else None


# ---- whose duty is it -----------------------------------------------------------------------
def my_shifts(staff, *, days: int = 14) -> list[DutyShift]:
    """The person's shift running now, then those coming in the next `days` days."""
    now = clock.now()
    return (
        db.session.query(DutyShift)
        .filter(
            DutyShift.staff_id == staff.id,
            DutyShift.ends_at > now - HANDOVER_OVERLAP,
            DutyShift.starts_at <= now + timedelta(days=days),
        )
        .order_by(DutyShift.starts_at)
        .all()
    )


def current_shift(staff) -> DutyShift | None:
    """The shift the person is on now, or the one just ended and not yet handed over."""
    now = clock.now()
    candidates = [s for s in my_shifts(staff, days=0) if s.starts_at <= now]
    running = [s for s in candidates if s.ends_at > now]
    late = [s for s in candidates if s.ends_at <= now and s.handed_over_at is None]
    found = running or late
    return found[0] if found else None


def on_duty(running: list[DutyShift]) -> tuple[list[DutyShift], DutyShift | None]:
    """Of the shifts whose times cover now: who is on duty, and who holds the duty phone. A
    shift handed over is no longer on duty, even before its end; once its hand-over is
    acknowledged, the next shift's person is, early, and the phone went with the hand-over."""
    here: dict[int, DutyShift] = {}
    phone_taken_over: set[int] = set()
    for shift in running:
        if shift.handed_over_at is None:
            here.setdefault(shift.id, shift)
        elif shift.acknowledged_at is not None:
            following = next_shift(shift)
            if following is not None:
                here.setdefault(following.id, following)
                if shift.holds_phone:
                    phone_taken_over.add(following.id)
    found = sorted(here.values(), key=lambda s: (s.starts_at, s.id))
    holder = next((s for s in found if s.holds_phone or s.id in phone_taken_over), None)
    return found, holder


def on_duty_now(user) -> list[tuple[Estate, list[DutyShift], DutyShift | None]]:
    """For each of the user's estates: who is on duty now, and who holds the duty phone."""
    now = clock.now()
    estates = scoped(db.session.query(Estate), Estate, user).order_by(Estate.name).all()
    if not estates:
        return []
    shifts = (
        db.session.query(DutyShift)
        .filter(
            DutyShift.estate_id.in_([e.id for e in estates]),
            and_(DutyShift.starts_at <= now, DutyShift.ends_at > now),
        )
        .order_by(DutyShift.starts_at, DutyShift.id)
        .all()
    )
    return [
        (estate, *on_duty([s for s in shifts if s.estate_id == estate.id])) for estate in estates
    ]


def visible_shift(actor, shift_id: int) -> DutyShift | None:
    """A shift the actor may read (its estate), else None."""
    shift = db.session.get(DutyShift, shift_id)
    if shift is None or not estate_allowed(actor, shift.estate_id):
        return None
    return shift


def visible_swap(actor, swap_id: int) -> DutySwap | None:
    swap = db.session.get(DutySwap, swap_id)
    if swap is None or not estate_allowed(actor, swap.estate_id):
        return None
    return swap


def involved_swaps(staff) -> list[DutySwap]:
    """The person's swap requests, asked by them or naming them, latest first."""
    return (
        db.session.query(DutySwap)
        .filter(or_(DutySwap.requested_by_id == staff.id, DutySwap.colleague_id == staff.id))
        .order_by(DutySwap.created_at.desc(), DutySwap.id.desc())
        .limit(10)
        .all()
    )
