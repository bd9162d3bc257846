"""Reminders follow the record: written with it, moved with its deadline, cancelled when it is
fixed in time, and never written twice. Office hours hold back non-emergencies at night."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from admin_app.extensions import db
from admin_app.models import (
    PassStatus,
    ReminderStatus,
    Ticket,
    TicketCategory,
    TicketStatus,
    VehiclePass,
    WorkOrder,
    WorkOrderStatus,
)

from ...reminders_support import (
    all_notifications,
    inbox,
    office_time,
    reminders_of,
    staff_office,
    sweep_here,
    waiting,
)

NOW = office_time(2026, 11, 23, 9, 0)
D = datetime(2026, 11, 23, 15, 0)


def callback_ticket(factories, office, due=D):
    return factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=due,
        assignee_id=office.receptionist.id,
    )


def test_saving_a_record_writes_its_reminders_once(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    planned = [(r.level, r.due_at, r.status) for r in reminders_of(in_app, "ticket", ticket.id)]
    assert planned == [
        (0, D - timedelta(minutes=10), ReminderStatus.pending),
        (1, D, ReminderStatus.pending),
        (2, D + timedelta(hours=2), ReminderStatus.pending),
    ]
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        row.description = "改了描述"  # not a watched column
        row.location = "3 栋"
        db.session.commit()
        row.callback_due_at = D  # the same value again
        db.session.commit()
    assert len(reminders_of(in_app, "ticket", ticket.id)) == 3


def test_fixed_before_the_deadline_cancels_everything(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    time_machine.move_to(NOW + timedelta(hours=2), tick=False)
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        row.status = TicketStatus.resolved
        row.resolved_at = datetime(2026, 11, 23, 11, 0)
        db.session.commit()
    assert waiting(in_app, "ticket", ticket.id) == []
    for hour in (15, 18, 23):
        time_machine.move_to(office_time(2026, 11, 23, hour, 0), tick=False)
        sweep_here(app)
    assert all_notifications(in_app) == 0


def test_fixed_after_the_warning_stops_the_escalation(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    order = factories.work_order(
        office.world.a,
        is_emergency=True,
        status=WorkOrderStatus.dispatched,
        technician_id=office.technician.id,
        arrive_by=datetime(2026, 11, 23, 9, 15),
    )
    time_machine.move_to(office_time(2026, 11, 23, 9, 10), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.technician) == [("emergency_arrival", 0, "work_order", order.id)]
    with in_app():
        row = db.session.get(WorkOrder, order.id)
        row.status = WorkOrderStatus.arrived
        row.arrived_at = datetime(2026, 11, 23, 9, 13)
        db.session.commit()
    time_machine.move_to(office_time(2026, 11, 23, 10, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.supervisor) == []
    assert inbox(in_app, office.director) == []
    statuses = [r.status for r in reminders_of(in_app, "work_order", order.id)]
    assert statuses == [ReminderStatus.sent, ReminderStatus.cancelled, ReminderStatus.cancelled]


def test_a_moved_deadline_replaces_the_old_reminders(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    later = datetime(2026, 11, 23, 17, 0)
    with in_app():
        db.session.get(Ticket, ticket.id).callback_due_at = later
        db.session.commit()
    assert [r.deadline_at for r in waiting(in_app, "ticket", ticket.id)] == [later] * 3
    time_machine.move_to(office_time(2026, 11, 23, 16, 0), tick=False)
    sweep_here(app)  # past the old deadline and its escalation: nothing
    assert all_notifications(in_app) == 0
    time_machine.move_to(office_time(2026, 11, 23, 16, 50), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    # Moved back to the original, now past, time: its cancelled escalations come back
    # (no new copies) and go out at once; the late warning does not.
    with in_app():
        db.session.get(Ticket, ticket.id).callback_due_at = D
        db.session.commit()
    assert len(reminders_of(in_app, "ticket", ticket.id)) == 6
    sweep_here(app)
    assert inbox(in_app, office.supervisor) == [("callback", 1, "ticket", ticket.id)]
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]


def test_reassigning_warns_the_new_assignee(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    colleague = factories.staff("receptionist", estates=[office.world.a])
    with in_app():
        db.session.get(Ticket, ticket.id).assignee_id = colleague.id
        db.session.commit()
    time_machine.move_to(office_time(2026, 11, 23, 14, 50), tick=False)
    sweep_here(app)
    assert inbox(in_app, colleague) == [("callback", 0, "ticket", ticket.id)]
    assert inbox(in_app, office.receptionist) == []


def test_a_deleted_record_takes_its_reminders_with_it(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    with in_app():
        db.session.delete(db.session.get(Ticket, ticket.id))
        db.session.commit()
    assert waiting(in_app, "ticket", ticket.id) == []


def test_bulk_sql_that_fixed_the_record_is_caught_at_delivery(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    vehicle = factories.vehicle_pass(
        office.world.a, status=PassStatus.approved, valid_until=datetime(2026, 11, 24).date()
    )
    with in_app():  # a batch job revokes passes with one UPDATE, bypassing the session
        db.session.execute(
            update(VehiclePass).where(VehiclePass.id == vehicle.id).values(status="revoked")
        )
        db.session.commit()
    time_machine.move_to(office_time(2026, 11, 26, 9, 0), tick=False)
    sweep_here(app)
    assert all_notifications(in_app) == 0
    assert waiting(in_app, "vehicle_pass", vehicle.id) == []


def test_rebuild_command_replans_after_bulk_sql(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office)
    with in_app():
        db.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(callback_due_at=datetime(2026, 11, 23, 18, 0))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "rebuild"])
    assert result.exit_code == 0, result.output
    assert {r.deadline_at for r in waiting(in_app, "ticket", ticket.id)} == {
        datetime(2026, 11, 23, 18, 0)
    }


def test_at_night_a_non_emergency_waits_for_the_morning(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office, due=datetime(2026, 11, 23, 21, 30))
    time_machine.move_to(office_time(2026, 11, 23, 23, 59), tick=False)
    sweep_here(app)
    assert all_notifications(in_app) == 0
    time_machine.move_to(office_time(2026, 11, 24, 7, 59), tick=False)
    sweep_here(app)
    assert all_notifications(in_app) == 0
    time_machine.move_to(office_time(2026, 11, 24, 8, 0), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]
    assert inbox(in_app, office.supervisor) == [("callback", 1, "ticket", ticket.id)]
    assert inbox(in_app, office.director) == [("callback", 2, "ticket", ticket.id)]


def test_an_emergency_at_night_does_not_wait(app, factories, in_app, time_machine):
    time_machine.move_to(office_time(2026, 11, 23, 23, 0), tick=False)
    office = staff_office(factories)
    order = factories.work_order(
        office.world.a,
        is_emergency=True,
        status=WorkOrderStatus.dispatched,
        technician_id=office.technician.id,
        arrive_by=datetime(2026, 11, 23, 23, 15),
    )
    time_machine.move_to(office_time(2026, 11, 23, 23, 10), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.technician) == [("emergency_arrival", 0, "work_order", order.id)]
    time_machine.move_to(office_time(2026, 11, 23, 23, 30), tick=False)
    sweep_here(app)
    assert inbox(in_app, office.supervisor) == [("emergency_arrival", 1, "work_order", order.id)]
    assert inbox(in_app, office.director) == [("emergency_arrival", 2, "work_order", order.id)]


def test_overdue_when_recorded_warns_no_more_but_escalates(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    ticket = callback_ticket(factories, office, due=datetime(2026, 11, 23, 8, 30))
    sweep_here(app)
    assert inbox(in_app, office.receptionist) == []
    assert inbox(in_app, office.supervisor) == [("callback", 1, "ticket", ticket.id)]


def test_an_inactive_assignee_is_replaced_by_the_role(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    leaver = factories.staff("receptionist", estates=[office.world.a], active=False)
    ticket = factories.ticket(
        office.world.a,
        category=TicketCategory.inquiry,
        callback_due_at=D,
        assignee_id=leaver.id,
    )
    time_machine.move_to(office_time(2026, 11, 23, 14, 50), tick=False)
    sweep_here(app)
    assert inbox(in_app, leaver) == []
    assert inbox(in_app, office.receptionist) == [("callback", 0, "ticket", ticket.id)]


def test_company_wide_director_hears_of_every_estate(app, factories, in_app, time_machine):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    chief = factories.staff("director", all_estates=True)
    ticket = callback_ticket(factories, office, due=datetime(2026, 11, 23, 9, 30))
    time_machine.move_to(office_time(2026, 11, 23, 11, 30), tick=False)
    sweep_here(app)
    assert inbox(in_app, chief) == [("callback", 2, "ticket", ticket.id)]
    assert inbox(in_app, office.director_b) == []


def test_an_emergency_dispatched_in_time_tells_nobody_it_waited(
    app, factories, in_app, time_machine
):
    """A resident's emergency reported at night and dispatched within three minutes: the
    waiting chain ends; the technician's own 15 minutes start."""
    time_machine.move_to(office_time(2026, 11, 23, 23, 0), tick=False)
    office = staff_office(factories)
    order = factories.work_order(office.world.a, is_emergency=True, status=WorkOrderStatus.new)
    time_machine.move_to(office_time(2026, 11, 23, 23, 2), tick=False)
    with in_app():
        row = db.session.get(WorkOrder, order.id)
        row.status = WorkOrderStatus.dispatched
        row.technician_id = office.technician.id
        row.arrive_by = datetime(2026, 11, 23, 23, 17)
        db.session.commit()
    time_machine.move_to(office_time(2026, 11, 23, 23, 16), tick=False)  # past all three
    sweep_here(app)
    for person in (office.receptionist, office.supervisor, office.director):
        assert inbox(in_app, person) == []
    assert inbox(in_app, office.technician) == [("emergency_arrival", 0, "work_order", order.id)]
