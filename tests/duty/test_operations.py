"""Duty: the rota and its duty phone, swaps the supervisor decides, the duty log with the
desk's tickets of the shift, the hand-over the next person acknowledges, and "on duty now".

The rules are written out here from the seed (000 守则 3.1.2, 值班 3.2/3.4, 办公室 3.14), not
read from the code."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest

from admin_app import clock
from admin_app.duty import operations as duty
from admin_app.extensions import db
from admin_app.models import (
    DutyHoliday,
    DutyLogEntry,
    DutyShift,
    DutySwap,
    Notification,
    Reminder,
    Role,
    Staff,
    SwapStatus,
)
from admin_app.services.errors import ServiceError

from ..reminders_support import office_time


@pytest.fixture
def office(factories):
    world = factories.two_estates()
    return SimpleNamespace(
        world=world,
        supervisor=factories.staff(Role.supervisor, estates=[world.a]),
        supervisor_b=factories.staff(Role.supervisor, estates=[world.b]),
        guard=factories.staff(Role.guard, estates=[world.a], name="夜班保安"),
        guard2=factories.staff(Role.guard, estates=[world.a], name="王保安"),
        receptionist=factories.staff(Role.receptionist, estates=[world.a]),
        guard_b=factories.staff(Role.guard, estates=[world.b]),
    )


def run(in_app, verb, actor, *args, **kwargs):
    """Run a verb as `actor` (args given as ids of their model) and commit, or roll back and
    raise."""
    with in_app():
        person = db.session.get(Staff, actor.id)
        loaded = [db.session.get(model, pk) for model, pk in args]
        try:
            result = verb(person, *loaded, **kwargs)
            db.session.commit()
            return getattr(result, "id", result)
        except Exception:
            db.session.rollback()
            raise


def get(in_app, model, pk):
    """The record as stored now (detached), or None."""
    with in_app():
        record = db.session.get(model, pk)
        db.session.expunge_all()
        return record


def tonight(hours_from_now: float = 2, hours: float = 12):
    start = clock.now().replace(second=0, microsecond=0) + timedelta(hours=hours_from_now)
    return start, start + timedelta(hours=hours)


# ---- rota -----------------------------------------------------------------------------------
def test_supervisor_puts_the_night_guard_on_the_rota_with_the_duty_phone(in_app, office):
    starts, ends = tonight()
    shift_id = run(
        in_app,
        duty.add_shift,
        office.supervisor,
        estate_id=office.world.a.id,
        staff_id=office.guard.id,
        starts_at=starts,
        ends_at=ends,
        holds_phone=True,
    )
    shift = get(in_app, DutyShift, shift_id)
    assert (shift.staff_id, shift.starts_at, shift.ends_at, shift.holds_phone) == (
        office.guard.id,
        starts,
        ends,
        True,
    )


@pytest.mark.parametrize(
    ("who", "staff", "estate", "message"),
    [
        ("guard", "guard2", "a", "Your role may not do this."),
        ("receptionist", "guard2", "a", "Your role may not do this."),
        ("supervisor_b", "guard", "a", "This record is not yours to act on."),
        ("supervisor", "guard_b", "a", "does not work at this estate"),
    ],
)
def test_only_a_supervisor_of_the_estate_plans_its_staff(
    in_app, office, who, staff, estate, message
):
    starts, ends = tonight()
    with pytest.raises(ServiceError, match=message):
        run(
            in_app,
            duty.add_shift,
            getattr(office, who),
            estate_id=getattr(office.world, estate).id,
            staff_id=getattr(office, staff).id,
            starts_at=starts,
            ends_at=ends,
        )
    with in_app():
        assert db.session.query(DutyShift).count() == 0


def test_nobody_is_on_two_shifts_at_once_and_one_person_holds_the_phone(in_app, factories, office):
    factories.duty_shift(office.world.a, office.guard, starts_in_hours=2, holds_phone=True)
    starts, ends = tonight(hours_from_now=8, hours=8)
    with pytest.raises(ServiceError, match="already on duty"):
        run(
            in_app,
            duty.add_shift,
            office.supervisor,
            estate_id=office.world.a.id,
            staff_id=office.guard.id,
            starts_at=starts,
            ends_at=ends,
        )
    with pytest.raises(ServiceError, match="already holds the duty phone"):
        run(
            in_app,
            duty.add_shift,
            office.supervisor,
            estate_id=office.world.a.id,
            staff_id=office.guard2.id,
            starts_at=starts,
            ends_at=ends,
            holds_phone=True,
        )
    # A second person on duty without the phone is fine.
    run(
        in_app,
        duty.add_shift,
        office.supervisor,
        estate_id=office.world.a.id,
        staff_id=office.guard2.id,
        starts_at=starts,
        ends_at=ends,
    )


@pytest.mark.parametrize(
    ("from_now", "hours", "message"),
    [
        (2, 0, "must end after it starts"),
        (2, -3, "must end after it starts"),
        (2, 25, "at most 24 hours"),
        (-30, 12, "already over"),
    ],
)
def test_bad_shift_times_are_refused(in_app, office, from_now, hours, message):
    starts, ends = tonight(from_now, hours)
    with pytest.raises(ServiceError, match=message):
        run(
            in_app,
            duty.add_shift,
            office.supervisor,
            estate_id=office.world.a.id,
            staff_id=office.guard.id,
            starts_at=starts,
            ends_at=ends,
        )


def test_a_started_shift_stays_on_the_rota(in_app, factories, office):
    started = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1)
    coming = factories.duty_shift(office.world.a, office.guard2, starts_in_hours=5)
    with pytest.raises(ServiceError, match="has started"):
        run(in_app, duty.remove_shift, office.supervisor, (DutyShift, started.id))
    run(in_app, duty.remove_shift, office.supervisor, (DutyShift, coming.id))
    assert get(in_app, DutyShift, coming.id) is None
    assert get(in_app, DutyShift, started.id) is not None


# ---- swaps ----------------------------------------------------------------------------------
def request(in_app, office, shift, colleague=None, actor=None):
    return run(
        in_app,
        duty.request_swap,
        actor or office.guard,
        (DutyShift, shift.id),
        colleague_id=(colleague or office.guard2).id,
        reason="家里有事",
    )


def notified(in_app, staff, rule):
    with in_app():
        return (
            db.session.query(Notification)
            .join(Reminder)
            .filter(Notification.staff_id == staff.id, Reminder.rule == rule)
            .count()
        )


def test_swap_approved_gives_the_shift_and_phone_to_the_colleague_and_tells_both(
    in_app, factories, office
):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=24, holds_phone=True)
    swap_id = request(in_app, office, shift)
    assert notified(in_app, office.supervisor, "handoff_duty_swap") == 1
    assert notified(in_app, office.supervisor_b, "handoff_duty_swap") == 0
    run(in_app, duty.approve_swap, office.supervisor, (DutySwap, swap_id))
    swap, moved = get(in_app, DutySwap, swap_id), get(in_app, DutyShift, shift.id)
    assert swap.status is SwapStatus.approved and swap.decided_by_id == office.supervisor.id
    assert (moved.staff_id, moved.holds_phone) == (office.guard2.id, True)
    for person in (office.guard, office.guard2):
        assert notified(in_app, person, "handoff_duty_swap_decided") == 1


def test_swap_refused_needs_a_reason_keeps_the_shift_and_tells_both(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=24)
    swap_id = request(in_app, office, shift)
    with pytest.raises(ServiceError, match="Say why"):
        run(in_app, duty.refuse_swap, office.supervisor, (DutySwap, swap_id), reason="  ")
    run(in_app, duty.refuse_swap, office.supervisor, (DutySwap, swap_id), reason="人手不足")
    swap = get(in_app, DutySwap, swap_id)
    assert (swap.status, swap.refusal_reason) == (SwapStatus.refused, "人手不足")
    assert get(in_app, DutyShift, shift.id).staff_id == office.guard.id
    for person in (office.guard, office.guard2):
        assert notified(in_app, person, "handoff_duty_swap_decided") == 1
    # Decided once: neither step runs again.
    with pytest.raises(ServiceError):
        run(in_app, duty.approve_swap, office.supervisor, (DutySwap, swap_id))


@pytest.mark.parametrize("who", ["guard", "guard2", "receptionist", "supervisor_b"])
def test_only_a_supervisor_of_the_estate_decides_a_swap(in_app, factories, office, who):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=24)
    swap_id = request(in_app, office, shift)
    with pytest.raises(ServiceError):
        run(in_app, duty.approve_swap, getattr(office, who), (DutySwap, swap_id))
    with pytest.raises(ServiceError):
        run(in_app, duty.refuse_swap, getattr(office, who), (DutySwap, swap_id), reason="不行")
    assert get(in_app, DutySwap, swap_id).status is SwapStatus.requested
    assert get(in_app, DutyShift, shift.id).staff_id == office.guard.id


def test_swap_refused_to_others_to_a_busy_or_foreign_colleague_and_twice(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=24)
    with pytest.raises(ServiceError, match="Only the person on this shift"):
        request(in_app, office, shift, actor=office.guard2, colleague=office.receptionist)
    with pytest.raises(ServiceError, match="does not work at this estate"):
        request(in_app, office, shift, colleague=office.guard_b)
    # The colleague is on duty elsewhere in the rota at an overlapping time.
    factories.duty_shift(office.world.a, office.guard2, starts_in_hours=30)
    with pytest.raises(ServiceError, match="already on duty"):
        request(in_app, office, shift)
    request(in_app, office, shift, colleague=office.receptionist)
    with pytest.raises(ServiceError, match="already awaiting approval"):
        request(in_app, office, shift, colleague=office.receptionist)
    started = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1)
    with pytest.raises(ServiceError, match="has started"):
        request(in_app, office, started, colleague=office.receptionist)


def test_a_colleague_who_became_busy_is_not_given_the_shift(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=24)
    swap_id = request(in_app, office, shift)
    factories.duty_shift(office.world.b, office.guard2, starts_in_hours=26)
    with pytest.raises(ServiceError, match="already on duty"):
        run(in_app, duty.approve_swap, office.supervisor, (DutySwap, swap_id))
    assert get(in_app, DutySwap, swap_id).status is SwapStatus.requested


# ---- continuous duty after a swap -----------------------------------------------------------
# No seed sets a limit on time on duty on end, so the app's own holds: at most 24 hours (the
# longest shift it allows); less than 8 hours between two shifts is no rest, one stretch.
SUNDAY = office_time(2026, 12, 6, 10, 0)


def at(day: int, hour: int, hours: float = 12) -> dict:
    """A shift in December 2026 as hours from SUNDAY (the factory counts from now)."""
    starts = (datetime(2026, 12, day, hour) - SUNDAY.replace(tzinfo=None)).total_seconds()
    return {"starts_in_hours": starts / 3600, "hours": hours}


def test_a_swap_that_keeps_the_colleague_on_duty_36_hours_is_refused_naming_it(
    in_app, factories, office, time_machine
):
    """The guard's night, Monday 20:00 to Tuesday 08:00, between 王保安's two day shifts."""
    time_machine.move_to(SUNDAY, tick=False)
    night = factories.duty_shift(office.world.a, office.guard, **at(7, 20))
    factories.duty_shift(office.world.a, office.guard2, **at(7, 8))
    factories.duty_shift(office.world.a, office.guard2, **at(8, 8))
    with pytest.raises(ServiceError) as refused:
        request(in_app, office, night)
    assert str(refused.value) == (
        "After the swap 王保安 would be on duty from Dec 7 08:00 to Dec 8 20:00 (36 hours) with "
        "less than 8 hours' rest between shifts: at most 24 hours on end."
    )
    with in_app():
        assert db.session.query(DutySwap).count() == 0


@pytest.mark.parametrize(
    ("before", "after", "refused"),
    [
        (at(7, 8), None, False),  # 08:00 to 08:00 the next day: 24 hours, the most
        (at(7, 7), None, True),  # 25 hours back to back
        (at(7, 4, hours=10), None, True),  # 4 hours' rest before the night is none
        (at(7, 0), None, False),  # 8 hours' rest before it: two stretches
        (None, at(8, 14, hours=4), False),  # 20 hours with the rest in between
        (at(7, 14, hours=4), at(8, 12, hours=4), True),  # two short gaps: 14:00 to 16:00
    ],
)
def test_rest_under_8_hours_between_shifts_counts_as_on_duty(
    in_app, factories, office, time_machine, before, after, refused
):
    time_machine.move_to(SUNDAY, tick=False)
    night = factories.duty_shift(office.world.a, office.guard, **at(7, 20))
    for shift in (before, after):
        if shift is not None:
            # The colleague's own shifts count in any estate.
            factories.duty_shift(office.world.b, office.guard2, **shift)
    if refused:
        with pytest.raises(ServiceError, match="at most 24 hours on end"):
            request(in_app, office, night)
    else:
        request(in_app, office, night)


def test_approval_checks_again_the_rota_may_have_changed(in_app, factories, office, time_machine):
    time_machine.move_to(SUNDAY, tick=False)
    night = factories.duty_shift(office.world.a, office.guard, **at(7, 20))
    swap_id = request(in_app, office, night)
    factories.duty_shift(office.world.a, office.guard2, **at(8, 10))  # planned since
    with pytest.raises(ServiceError, match=r"from Dec 7 20:00 to Dec 8 22:00 \(26 hours\)"):
        run(in_app, duty.approve_swap, office.supervisor, (DutySwap, swap_id))
    assert get(in_app, DutySwap, swap_id).status is SwapStatus.requested
    assert get(in_app, DutyShift, night.id).staff_id == office.guard.id


def test_planning_a_third_shift_on_end_is_refused_as_a_swap_would_be(
    in_app, factories, office, time_machine
):
    """The rota itself keeps the rule: day, night, then the next day for the same guard is
    36 hours on end."""
    time_machine.move_to(SUNDAY, tick=False)
    factories.duty_shift(office.world.a, office.guard2, **at(7, 8))
    factories.duty_shift(office.world.a, office.guard2, **at(7, 20))

    def plan(day: int, hour: int):
        return run(
            in_app,
            duty.add_shift,
            office.supervisor,
            estate_id=office.world.a.id,
            staff_id=office.guard2.id,
            starts_at=datetime(2026, 12, day, hour),
            ends_at=datetime(2026, 12, day, hour + 12),
        )

    with pytest.raises(ServiceError) as refused:
        plan(8, 8)
    assert str(refused.value) == (
        "With this shift 王保安 would be on duty from Dec 7 08:00 to Dec 8 20:00 (36 hours) with "
        "less than 8 hours' rest between shifts: at most 24 hours on end."
    )
    assert plan(9, 8) is not None  # a day's rest after the night: a new stretch


# ---- the duty log ---------------------------------------------------------------------------
def test_the_person_on_duty_writes_the_log_now_or_at_a_time_within_the_shift(
    in_app, factories, office
):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-3)
    first = run(in_app, duty.add_entry, office.guard, (DutyShift, shift.id), text="巡逻一圈，正常")
    with in_app():
        loaded = db.session.get(DutyShift, shift.id)
        earlier = duty.time_in_shift(loaded, (shift.starts_at + timedelta(minutes=30)).time())
    run(in_app, duty.add_entry, office.guard, (DutyShift, shift.id), text="3号楼漏水", at=earlier)
    with in_app():
        entries = db.session.get(DutyShift, shift.id).entries
        assert [(e.text, e.written_by_id) for e in entries] == [
            ("3号楼漏水", office.guard.id),
            ("巡逻一圈，正常", office.guard.id),
        ]
        assert entries[1].id == first


def test_a_night_shift_places_a_time_after_midnight_on_the_next_day(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard)
    with in_app():
        night = db.session.get(DutyShift, shift.id)
        night.starts_at = night.starts_at.replace(year=2026, month=12, day=1, hour=20, minute=0)
        night.ends_at = night.starts_at + timedelta(hours=12)
        assert duty.time_in_shift(night, time(2, 15)) == night.starts_at.replace(
            day=2, hour=2, minute=15
        )
        assert duty.time_in_shift(night, time(21, 0)) == night.starts_at.replace(hour=21)
        assert duty.time_in_shift(night, time(12, 0)) is None
        db.session.rollback()


@pytest.mark.parametrize(
    ("who", "starts", "text", "message"),
    [
        ("guard2", -1, "看到", "Only the person on duty"),
        ("guard_b", -1, "看到", "not yours"),
        ("guard", 3, "提前写", "not started yet"),
        ("guard", -1, "   ", "Write what happened"),
        ("guard", -1, "长" * 2001, "At most 2000"),
    ],
)
def test_log_entries_refused(in_app, factories, office, who, starts, text, message):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=starts)
    with pytest.raises(ServiceError, match=message):
        run(in_app, duty.add_entry, getattr(office, who), (DutyShift, shift.id), text=text)
    with in_app():
        assert db.session.query(DutyLogEntry).count() == 0


def test_a_time_outside_the_shift_or_in_the_future_is_refused(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-2)
    for at in (shift.starts_at - timedelta(minutes=5), clock.now() + timedelta(minutes=30)):
        with pytest.raises(ServiceError, match="within the shift"):
            run(in_app, duty.add_entry, office.guard, (DutyShift, shift.id), text="x", at=at)


def test_the_shift_lists_the_tickets_logged_while_it_ran(in_app, factories, office):
    shift = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-3, hours=6)
    during = factories.ticket(office.world.a, received_at=shift.starts_at + timedelta(hours=1))
    factories.ticket(office.world.a, received_at=shift.starts_at - timedelta(minutes=1))
    factories.ticket(office.world.a, received_at=shift.ends_at)
    factories.ticket(office.world.b, received_at=shift.starts_at + timedelta(hours=1))
    with in_app():
        listed = duty.tickets_in_shift(db.session.get(DutyShift, shift.id))
        assert [t.id for t in listed] == [during.id]


# ---- hand-over ------------------------------------------------------------------------------
def test_hand_over_closes_the_log_tells_the_next_person_who_acknowledges(in_app, factories, office):
    night = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-11, hours=12)
    day = factories.duty_shift(office.world.a, office.guard2, starts_in_hours=1, hours=12)
    with pytest.raises(ServiceError, match="not handed over yet"):
        run(in_app, duty.acknowledge, office.guard2, (DutyShift, night.id))
    with pytest.raises(ServiceError, match="hand-over note"):
        run(in_app, duty.hand_over, office.guard, (DutyShift, night.id), note=" ")
    with pytest.raises(ServiceError, match="Only the person on duty"):
        run(in_app, duty.hand_over, office.guard2, (DutyShift, night.id), note="交班")
    run(in_app, duty.hand_over, office.guard, (DutyShift, night.id), note="3号楼漏水待维修")
    assert notified(in_app, office.guard2, "handoff_duty_handover") == 1
    with pytest.raises(ServiceError, match="handed over"):
        run(in_app, duty.add_entry, office.guard, (DutyShift, night.id), text="补记")
    with pytest.raises(ServiceError, match="already handed over"):
        run(in_app, duty.hand_over, office.guard, (DutyShift, night.id), note="再交")
    with in_app():
        waiting = duty.handed_to(office.guard2.id, db.session.get(DutyShift, day.id))
        assert waiting is not None and waiting.id == night.id
    for other in (office.guard, office.supervisor, office.guard_b):
        with pytest.raises(ServiceError):
            run(in_app, duty.acknowledge, other, (DutyShift, night.id))
    run(in_app, duty.acknowledge, office.guard2, (DutyShift, night.id))
    acknowledged = get(in_app, DutyShift, night.id)
    assert acknowledged.handover_note == "3号楼漏水待维修"
    assert acknowledged.acknowledged_by_id == office.guard2.id
    with pytest.raises(ServiceError, match="already acknowledged"):
        run(in_app, duty.acknowledge, office.guard2, (DutyShift, night.id))


def test_the_person_on_duty_now_sees_their_shift_until_handed_over(in_app, factories, office):
    ended = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-13, hours=12)
    with in_app():
        assert duty.current_shift(db.session.get(Staff, office.guard.id)).id == ended.id
    run(in_app, duty.hand_over, office.guard, (DutyShift, ended.id), note="无事")
    with in_app():
        assert duty.current_shift(db.session.get(Staff, office.guard.id)) is None


# ---- on duty now ----------------------------------------------------------------------------
def test_dashboard_names_who_is_on_duty_now_and_the_phone_holder_per_estate(
    in_app, factories, office
):
    now_a = factories.duty_shift(office.world.a, office.guard, starts_in_hours=-1, holds_phone=True)
    factories.duty_shift(office.world.a, office.guard2, starts_in_hours=-1)
    factories.duty_shift(office.world.a, office.receptionist, starts_in_hours=2)  # later
    factories.duty_shift(office.world.b, office.guard_b, starts_in_hours=-1, holds_phone=True)
    with in_app():
        seen = duty.on_duty_now(db.session.get(Staff, office.supervisor.id))
        assert len(seen) == 1
        estate, shifts, holder = seen[0]
        assert estate.id == office.world.a.id
        assert {s.staff_id for s in shifts} == {office.guard.id, office.guard2.id}
        assert holder.id == now_a.id


# ---- holidays -------------------------------------------------------------------------------
def test_holiday_duty_is_fixed_while_a_shift_covers_it(in_app, factories, office):
    first = clock.today() + timedelta(days=10)
    holiday_id = run(
        in_app,
        duty.add_holiday,
        office.supervisor,
        estate_id=office.world.a.id,
        name="元旦",
        starts_on=first,
        ends_on=first + timedelta(days=2),
    )
    assert get(in_app, DutyHoliday, holiday_id).rota_fixed_at is None
    start = clock.now().replace(second=0, microsecond=0)
    start = start.replace(year=first.year, month=first.month, day=first.day, hour=8, minute=0)
    shift_id = run(
        in_app,
        duty.add_shift,
        office.supervisor,
        estate_id=office.world.a.id,
        staff_id=office.guard.id,
        starts_at=start,
        ends_at=start + timedelta(hours=12),
    )
    assert get(in_app, DutyHoliday, holiday_id).rota_fixed_at is not None
    run(in_app, duty.remove_shift, office.supervisor, (DutyShift, shift_id))
    assert get(in_app, DutyHoliday, holiday_id).rota_fixed_at is None


@pytest.mark.parametrize(
    ("name", "start", "days", "message"),
    [
        ("", 5, 1, "Name the holiday"),
        ("国庆", 5, -1, "on or after its first day"),
        ("国庆", 5, 40, "at most 31 days"),
        ("国庆", -5, 1, "already over"),
    ],
)
def test_bad_holidays_are_refused(in_app, office, name, start, days, message):
    first = clock.today() + timedelta(days=start)
    with pytest.raises(ServiceError, match=message):
        run(
            in_app,
            duty.add_holiday,
            office.supervisor,
            estate_id=office.world.a.id,
            name=name,
            starts_on=first,
            ends_on=first + timedelta(days=days),
        )


def test_the_administrators_account_is_not_put_on_duty(in_app, factories, office):
    admin = factories.staff(Role.admin, estates=[office.world.a])
    starts, ends = tonight()
    with pytest.raises(ServiceError, match="administrator's account is not put on duty"):
        run(
            in_app,
            duty.add_shift,
            office.supervisor,
            estate_id=office.world.a.id,
            staff_id=admin.id,
            starts_at=starts,
            ends_at=ends,
        )
