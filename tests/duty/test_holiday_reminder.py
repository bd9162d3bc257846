"""Holiday duty is fixed before the holiday [000 办公室 3.14]: three days before a public
holiday that nobody is on the rota for, the estate's supervisors are told; at its start the
director; a holiday with a shift on the rota warns nobody, and the other estate hears nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from admin_app.duty import operations as duty
from admin_app.extensions import db
from admin_app.models import Staff

from ..reminders_support import inbox, office_time, staff_office, sweep_here

NOW = office_time(2026, 11, 23, 9, 0)  # a Monday morning
HOLIDAY = date(2026, 11, 30)  # the next Monday, two days long
WARNED = office_time(2026, 11, 27, 8, 0)  # three days before, when the office opens
ESCALATED = office_time(2026, 11, 30, 8, 0)  # the holiday's first morning


def add_holiday(app, estate, supervisor, first: date, name: str) -> int:
    with app.app_context():
        holiday = duty.add_holiday(
            db.session.get(Staff, supervisor.id),
            estate_id=estate.id,
            name=name,
            starts_on=first,
            ends_on=first + timedelta(days=1),
        )
        db.session.commit()
        return holiday.id


def test_empty_holiday_rota_warns_the_supervisors_then_the_director(
    app, factories, in_app, time_machine
):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    empty = add_holiday(app, office.world.a, office.supervisor, HOLIDAY, "感恩节调休")
    covered = add_holiday(app, office.world.a, office.supervisor, HOLIDAY + timedelta(7), "加班")
    with app.app_context():
        duty.add_shift(
            db.session.get(Staff, office.supervisor.id),
            estate_id=office.world.a.id,
            staff_id=office.guard.id,
            starts_at=datetime(2026, 12, 7, 8, 0),
            ends_at=datetime(2026, 12, 7, 20, 0),
        )
        db.session.commit()

    time_machine.move_to(WARNED - timedelta(minutes=1), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.supervisor, handoffs=False) == []
    time_machine.move_to(WARNED, tick=False)
    sweep_here(app)
    warned = [("holiday_rota", 0, "duty_holiday", empty)]
    assert inbox(in_app, office.supervisor, handoffs=False) == warned
    assert inbox(in_app, office.director, handoffs=False) == []
    time_machine.move_to(ESCALATED, tick=False)
    sweep_here(app)
    assert inbox(in_app, office.director, handoffs=False) == [
        ("holiday_rota", 1, "duty_holiday", empty)
    ]
    # Long after: the covered holiday never warned anyone; estate B heard nothing.
    time_machine.move_to(office_time(2026, 12, 10, 12, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.supervisor, handoffs=False) == warned
    assert covered not in {row[3] for row in inbox(in_app, office.director, handoffs=False)}
    for role in ("receptionist", "supervisor", "director", "technician", "guard"):
        assert inbox(in_app, getattr(office, f"{role}_b")) == []
