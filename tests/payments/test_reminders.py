"""Money held past the close of the next office day: the collector is warned that evening,
the estate's supervisor hears the next morning; a sheet handed in ends both."""

from __future__ import annotations

from datetime import timedelta

from admin_app.extensions import db
from admin_app.models import Reminder, ReminderStatus, Staff
from admin_app.payments import operations as payments

from ..reminders_support import inbox, office_time, staff_office, sweep_here
from .support import collect

TAKEN = office_time(2026, 11, 23, 15, 0)  # Monday afternoon
WARNED = office_time(2026, 11, 24, 18, 0)  # two hours before Tuesday's close (20:00)
ESCALATED = office_time(2026, 11, 25, 8, 0)  # the office opens again on Wednesday


def hand_in_notes(in_app, person):
    return [n for n in inbox(in_app, person, handoffs=False) if n[0] == "hand_in"]


def test_held_cash_warns_the_collector_then_the_supervisor_after_the_next_office_day(
    app, factories, in_app, time_machine
):
    time_machine.move_to(TAKEN, tick=False)
    o = staff_office(factories)
    payment_id = collect(factories, in_app, o.world.a, o.technician, "150", "cash")
    expected = ("hand_in", 0, "payment", payment_id)

    time_machine.move_to(WARNED - timedelta(minutes=1), tick=False)
    sweep_here(app)
    assert hand_in_notes(in_app, o.technician) == []
    time_machine.move_to(WARNED, tick=False)
    sweep_here(app)
    assert hand_in_notes(in_app, o.technician) == [expected]
    assert hand_in_notes(in_app, o.supervisor) == []

    # Past Tuesday's close the office is shut: the supervisor hears when it opens.
    time_machine.move_to(ESCALATED - timedelta(minutes=1), tick=False)
    sweep_here(app)
    assert hand_in_notes(in_app, o.supervisor) == []
    time_machine.move_to(ESCALATED, tick=False)
    sweep_here(app)
    assert hand_in_notes(in_app, o.supervisor) == [("hand_in", 1, "payment", payment_id)]
    assert hand_in_notes(in_app, o.supervisor_b) == []
    assert hand_in_notes(in_app, o.technician_b) == []


def test_handing_in_on_time_cancels_the_reminders(app, factories, in_app, time_machine):
    time_machine.move_to(TAKEN, tick=False)
    o = staff_office(factories)
    payment_id = collect(factories, in_app, o.world.a, o.technician, "150", "cash")
    with in_app():
        waiting = db.session.query(Reminder).filter_by(entity_type="payment").count()
        assert waiting == 3  # the warning and two escalations
    time_machine.move_to(office_time(2026, 11, 24, 9, 0), tick=False)
    with in_app():
        tech = db.session.get(Staff, o.technician.id)
        payments.hand_in(tech, collector=tech, estate_id=o.world.a.id)
        db.session.commit()
        statuses = {
            r.status
            for r in db.session.query(Reminder).filter_by(
                entity_type="payment", entity_id=payment_id
            )
        }
        assert statuses == {ReminderStatus.cancelled}
    time_machine.move_to(office_time(2026, 11, 30, 12, 0), tick=False)
    sweep_here(app)
    assert hand_in_notes(in_app, o.technician) == hand_in_notes(in_app, o.supervisor) == []
