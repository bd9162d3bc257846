"""Home-visit bookings [002 篇3]: the answer within one working day (reminded, escalated), the
8-hour rule for calling a visit off, abandoned at +30 minutes (by the staff or the sweep), and
the monthly statistics."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from admin_app.extensions import db
from admin_app.home_visits import operations as home_visits
from admin_app.models import AuditRecord, BookingStatus, HomeVisitBooking, Role, Staff
from admin_app.services.errors import ServiceError
from admin_app.services.statistics import home_visits as statistics
from admin_app.services.statistics.periods import parse_period

from ..reminders_support import inbox, office_time, staff_office, sweep_here

B = BookingStatus

# The expected rules, written out independently of the service's table.
ALLOWED_FROM = {
    "agree": {B.requested},
    "refuse": {B.requested},
    "call_off": {B.agreed},
    "abandon": {B.agreed},
    "visit": {B.agreed},
}
TARGET = {
    "agree": B.agreed,
    "refuse": B.refused,
    "call_off": B.called_off,
    "abandon": B.abandoned,
    "visit": B.visited,
}


@pytest.fixture
def world(factories):
    estate, other = factories.estate(), factories.estate()
    return SimpleNamespace(
        a=estate,
        b=other,
        desk=factories.staff(Role.receptionist, estates=[estate], name="前台小王"),
        supervisor=factories.staff(Role.supervisor, estates=[estate]),
        desk_b=factories.staff(Role.receptionist, estates=[other]),
        guard=factories.staff(Role.guard, estates=[estate]),
    )


def act(in_app, verb, booking_id, actor_id, **kwargs):
    with in_app():
        booking = db.session.get(HomeVisitBooking, booking_id)
        if "visitor_id" in kwargs:
            kwargs["visitor"] = db.session.get(Staff, kwargs.pop("visitor_id"))
        try:
            verb(booking, db.session.get(Staff, actor_id), **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise


def read(in_app, booking_id) -> HomeVisitBooking:
    with in_app():
        booking = db.session.get(HomeVisitBooking, booking_id)
        db.session.expunge(booking)
        return booking


def call(name, booking, actor, now):
    verbs = {
        "agree": lambda: home_visits.agree(
            booking,
            actor,
            appointment_at=now + timedelta(days=1),
            visitor=actor,
            materials="身份证",
        ),
        "refuse": lambda: home_visits.refuse(booking, actor, reason="不属于上门服务范围"),
        "call_off": lambda: home_visits.call_off(
            booking, actor, told_whom="刘阿姨本人", reason="工作人员临时出差"
        ),
        "abandon": lambda: home_visits.abandon(booking, actor),
        "visit": lambda: home_visits.visit(booking, actor, notes="已办理"),
    }
    verbs[name]()


@pytest.mark.parametrize("name", sorted(ALLOWED_FROM))
def test_transition_table(factories, in_app, world, time_machine, name):
    """From every state: the step runs (with its history) or is refused with nothing changed.
    The appointments lie a day ahead, so a call-off is in time; an abandon a day back."""
    now = datetime(2026, 11, 24, 10, 0)
    time_machine.move_to(office_time(2026, 11, 24, 10, 0), tick=False)
    ahead = now - timedelta(days=1) if name == "abandon" else now + timedelta(days=1)
    records = {
        state: factories.home_visit_booking(world.a, status=state, appointment_at=ahead)
        for state in B
    }
    for state, booking in records.items():
        case = f"{name} from {state.value}"
        with in_app():
            record = db.session.get(HomeVisitBooking, booking.id)
            actor = db.session.get(Staff, world.desk.id)
            if state in ALLOWED_FROM[name]:
                call(name, record, actor, now)
                db.session.commit()
                assert db.session.get(HomeVisitBooking, booking.id).status is TARGET[name], case
                history = db.session.query(AuditRecord).filter_by(
                    entity_type="home_visit_booking", entity_id=booking.id, action=name
                )
                assert history.count() == 1, case
            else:
                with pytest.raises(ServiceError, match="not possible now"):
                    call(name, record, actor, now)
                db.session.rollback()
                assert db.session.get(HomeVisitBooking, booking.id).status is state, case


def test_a_request_on_a_friday_is_answered_by_monday_evening(
    factories, in_app, world, time_machine
):
    time_machine.move_to(office_time(2026, 11, 27, 17, 0), tick=False)
    booking = factories.home_visit_booking(world.a, received_by_id=world.desk.id)
    assert read(in_app, booking.id).answer_due_at == datetime(2026, 11, 30, 20, 0)


def test_agreeing_records_who_answered_and_when_and_needs_a_time_ahead(
    factories, in_app, world, time_machine
):
    time_machine.move_to(office_time(2026, 11, 24, 10, 0), tick=False)
    booking = factories.home_visit_booking(world.a)
    with pytest.raises(ServiceError, match="still ahead"):
        act(
            in_app,
            home_visits.agree,
            booking.id,
            world.desk.id,
            appointment_at=datetime(2026, 11, 24, 9, 0),
            visitor_id=world.desk.id,
        )
    assert read(in_app, booking.id).status is B.requested
    act(
        in_app,
        home_visits.agree,
        booking.id,
        world.desk.id,
        appointment_at=datetime(2026, 11, 25, 9, 0),
        visitor_id=world.desk.id,
        materials="身份证原件",
    )
    row = read(in_app, booking.id)
    assert (row.status, row.appointment_at, row.materials) == (
        B.agreed,
        datetime(2026, 11, 25, 9, 0),
        "身份证原件",
    )
    assert (row.answered_at, row.answered_by_id) == (datetime(2026, 11, 24, 10, 0), world.desk.id)


def test_a_refusal_needs_its_reason_and_another_estate_may_not_answer(factories, in_app, world):
    booking = factories.home_visit_booking(world.a)
    with pytest.raises(ServiceError, match="why the visit cannot be made"):
        act(in_app, home_visits.refuse, booking.id, world.desk.id, reason="  ")
    with pytest.raises(ServiceError, match="not yours"):
        act(in_app, home_visits.refuse, booking.id, world.desk_b.id, reason="x")
    with pytest.raises(ServiceError, match="role may not"):
        act(in_app, home_visits.refuse, booking.id, world.guard.id, reason="x")
    act(in_app, home_visits.refuse, booking.id, world.desk.id, reason="需本人到窗口办理")
    row = read(in_app, booking.id)
    assert (row.status, row.refusal_reason) == (B.refused, "需本人到窗口办理")


# ---- the answer's deadline: reminded, then escalated ----------------------------------------
def test_an_unanswered_request_warns_the_desk_then_the_supervisor_then_the_director(
    app, factories, in_app, time_machine
):
    time_machine.move_to(office_time(2026, 11, 27, 16, 0), tick=False)  # a Friday
    o = staff_office(factories)
    booking = factories.home_visit_booking(o.world.a, received_by_id=o.receptionist.id)
    note = ("home_visit_answer", 0, "home_visit_booking", booking.id)

    def answer_notes(person):
        return [n for n in inbox(in_app, person, handoffs=False) if n[0] == "home_visit_answer"]

    # Due Monday 20:00 (the weekend is no working day): the desk hears two hours before.
    time_machine.move_to(office_time(2026, 11, 30, 17, 59), tick=False)
    sweep_here(app)
    assert answer_notes(o.receptionist) == []
    time_machine.move_to(office_time(2026, 11, 30, 18, 0), tick=False)
    sweep_here(app)
    assert answer_notes(o.receptionist) == [note]
    # Past the deadline (the office shut at 20:00): the supervisor when it opens.
    time_machine.move_to(office_time(2026, 12, 1, 8, 0), tick=False)
    sweep_here(app)
    assert answer_notes(o.supervisor) == [
        ("home_visit_answer", 1, "home_visit_booking", booking.id)
    ]
    assert answer_notes(o.supervisor_b) == [] and answer_notes(o.receptionist_b) == []
    # A day later, the director.
    time_machine.move_to(office_time(2026, 12, 1, 20, 0), tick=False)
    sweep_here(app)
    time_machine.move_to(office_time(2026, 12, 2, 8, 0), tick=False)
    sweep_here(app)
    assert [n[1] for n in answer_notes(o.director)] == [2]


def test_answering_in_time_ends_the_reminders(app, factories, in_app, time_machine):
    time_machine.move_to(office_time(2026, 11, 27, 16, 0), tick=False)
    o = staff_office(factories)
    booking = factories.home_visit_booking(o.world.a, received_by_id=o.receptionist.id)
    time_machine.move_to(office_time(2026, 11, 30, 9, 0), tick=False)
    act(
        in_app,
        home_visits.agree,
        booking.id,
        o.receptionist.id,
        appointment_at=datetime(2026, 12, 2, 9, 0),
        visitor_id=o.receptionist.id,
    )
    time_machine.move_to(office_time(2026, 12, 2, 8, 0), tick=False)
    sweep_here(app)
    for person in (o.receptionist, o.supervisor, o.director):
        assert [n for n in inbox(in_app, person) if n[0] == "home_visit_answer"] == []


# ---- calling off: the applicant told at least 8 hours before ---------------------------------
def agreed(factories, world, at):
    return factories.home_visit_booking(world.a, status=B.agreed, appointment_at=at)


def test_a_call_off_eight_hours_ahead_records_who_told_whom_when(
    factories, in_app, world, time_machine
):
    visit = datetime(2026, 11, 25, 17, 0)
    time_machine.move_to(office_time(2026, 11, 25, 9, 0), tick=False)
    booking = agreed(factories, world, visit)
    act(
        in_app,
        home_visits.call_off,
        booking.id,
        world.desk.id,
        told_whom="刘阿姨本人（电话）",
        reason="工作人员临时出差",
    )
    row = read(in_app, booking.id)
    assert (row.status, row.told_at, row.told_by_id, row.told_whom, row.call_off_reason) == (
        B.called_off,
        datetime(2026, 11, 25, 9, 0),
        world.desk.id,
        "刘阿姨本人（电话）",
        "工作人员临时出差",
    )


def test_a_call_off_later_than_eight_hours_before_is_refused_with_the_reason(
    factories, in_app, world, time_machine
):
    visit = datetime(2026, 11, 25, 17, 0)
    time_machine.move_to(office_time(2026, 11, 25, 9, 1), tick=False)
    booking = agreed(factories, world, visit)
    with pytest.raises(ServiceError) as refused:
        act(
            in_app,
            home_visits.call_off,
            booking.id,
            world.desk.id,
            told_whom="刘阿姨",
            reason="临时有事",
        )
    message = str(refused.value)
    assert "at least 8 hours before" in message
    assert "2026-11-25 17:00" in message and "7 h 59 min" in message
    row = read(in_app, booking.id)
    assert (row.status, row.told_at, row.told_whom) == (B.agreed, None, None)


def test_a_call_off_told_earlier_counts_from_when_the_applicant_was_told(
    factories, in_app, world, time_machine
):
    visit = datetime(2026, 11, 25, 17, 0)
    time_machine.move_to(office_time(2026, 11, 25, 10, 0), tick=False)
    booking = agreed(factories, world, visit)
    with pytest.raises(ServiceError, match="in the future"):
        act(
            in_app,
            home_visits.call_off,
            booking.id,
            world.desk.id,
            told_whom="刘阿姨",
            reason="临时有事",
            told_at=datetime(2026, 11, 25, 11, 0),
        )
    act(
        in_app,
        home_visits.call_off,
        booking.id,
        world.desk.id,
        told_whom="刘阿姨",
        reason="临时有事",
        told_at=datetime(2026, 11, 24, 18, 0),
    )
    assert read(in_app, booking.id).told_at == datetime(2026, 11, 24, 18, 0)


# ---- abandoned at +30 minutes ----------------------------------------------------------------
def test_staff_mark_abandoned_only_thirty_minutes_past_the_time(
    factories, in_app, world, time_machine
):
    visit = datetime(2026, 11, 25, 14, 0)
    booking = agreed(factories, world, visit)
    time_machine.move_to(office_time(2026, 11, 25, 14, 29), tick=False)
    with pytest.raises(ServiceError, match="30 minutes after"):
        act(in_app, home_visits.abandon, booking.id, world.desk.id)
    assert read(in_app, booking.id).status is B.agreed
    time_machine.move_to(office_time(2026, 11, 25, 14, 30), tick=False)
    act(in_app, home_visits.abandon, booking.id, world.desk.id, notes="电话无人接听")
    row = read(in_app, booking.id)
    assert (row.status, row.abandoned_at, row.abandoned_by_id, row.outcome_notes) == (
        B.abandoned,
        datetime(2026, 11, 25, 14, 30),
        world.desk.id,
        "电话无人接听",
    )


def test_the_sweep_abandons_bookings_thirty_minutes_past_with_nothing_recorded(
    factories, in_app, world
):
    visit = datetime(2026, 11, 25, 14, 0)
    due = agreed(factories, world, visit)
    later = agreed(factories, world, visit + timedelta(minutes=1))
    visited = factories.home_visit_booking(world.a, status=B.visited, appointment_at=visit)
    with in_app():
        assert home_visits.abandon_overdue(datetime(2026, 11, 25, 14, 29)) == 0
        assert home_visits.abandon_overdue(datetime(2026, 11, 25, 14, 30)) == 1
        db.session.commit()
    row = read(in_app, due.id)
    assert (row.status, row.abandoned_at, row.abandoned_by_id) == (
        B.abandoned,
        datetime(2026, 11, 25, 14, 30),
        None,
    )
    assert read(in_app, later.id).status is B.agreed
    assert read(in_app, visited.id).status is B.visited


# ---- the monthly statistics ----------------------------------------------------------------
def test_monthly_statistics_count_each_outcome_with_abandoned_on_its_own_line(
    factories, in_app, world, time_machine
):
    time_machine.move_to(office_time(2026, 12, 1, 9, 0), tick=False)
    nov = datetime(2026, 11, 10, 9, 0)
    make = factories.home_visit_booking
    make(world.a, requested_at=nov)  # still awaiting (and overdue)
    make(world.a, requested_at=nov, status=B.refused, answered_at=nov + timedelta(hours=2))
    make(
        world.a,
        requested_at=nov,
        status=B.visited,
        answered_at=nov + timedelta(days=5),  # answered late
        appointment_at=nov + timedelta(days=6),
    )
    for by in (world.desk.id, None):  # once by the staff, once by the sweep
        make(
            world.a,
            requested_at=nov,
            status=B.abandoned,
            answered_at=nov + timedelta(hours=1),
            appointment_at=nov + timedelta(days=1),
            abandoned_by_id=by,
        )
    make(world.a, requested_at=datetime(2026, 10, 30, 9, 0), status=B.called_off)
    make(world.b, requested_at=nov, status=B.abandoned)  # another estate's
    with in_app():
        report = statistics.monthly([world.a.id], parse_period("2026-11"))
        quarter = statistics.monthly([world.a.id], parse_period("2026-Q4"))
    assert report["months"] == [
        {
            "month": "2026-11",
            "requested": 5,
            "answered_in_time": 3,
            "answered_late": 1,
            "awaiting": 1,
            "agreed": 3,
            "refused": 1,
            "called_off": 0,
            "abandoned": 2,
            "abandoned_by_sweep": 1,
            "visited": 1,
        }
    ]
    assert [m["month"] for m in quarter["months"]] == ["2026-10", "2026-11"]
    assert quarter["total"]["requested"] == 6 and quarter["total"]["called_off"] == 1


def test_without_redis_the_in_process_sweep_abandons_them_too(app, factories, in_app, world):
    from admin_app.home_visits.jobs import run_in_process

    booking = agreed(factories, world, datetime(2020, 1, 1, 9, 0))
    assert run_in_process(app) == 1
    assert read(in_app, booking.id).status is B.abandoned
