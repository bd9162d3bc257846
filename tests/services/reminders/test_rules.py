"""Every deadline rule, with time travel: the warning arrives at its time to the right person,
escalations follow the deadline to the supervisor and the director, nothing arrives early,
and nobody in the other estate hears of it.

The expected times are written out here from the office's procedures (DOMAIN.md), not read
from the rules table, so a change to a rule must be made in both places on purpose.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from admin_app.models import (
    PassStatus,
    RenovationStatus,
    Severity,
    TicketCategory,
    TicketStatus,
    Validity,
    WorkOrderKind,
    WorkOrderStatus,
)

from ...reminders_support import all_notifications, inbox, office_time, staff_office, sweep_here

NOW = office_time(2026, 11, 23, 9, 0)  # a Monday morning
D = datetime(2026, 11, 25, 14, 0)  # the deadline, Wednesday afternoon
EXPIRY_DAY = date(2026, 11, 27)  # passes and permits valid through this day


def ticket(fields):
    return lambda f, o: ("ticket", f.ticket(o.world.a, **fields(o)))


def work_order(fields):
    return lambda f, o: ("work_order", f.work_order(o.world.a, **fields(o)))


def renovation(fields):
    return lambda f, o: ("renovation", f.renovation(o.world.a, **fields(o)))


def complaint(validity, severity, owner):
    return ticket(
        lambda o: dict(
            category=TicketCategory.complaint,
            status=TicketStatus.in_progress,
            validity=validity,
            severity=severity,
            complaint_due_at=D,
            owner_id=getattr(o, owner).id,
        )
    )


# rule -> (make the record, [(when, who, level)]) — who is a person of estate A by role.
CASES = {
    "callback": (
        ticket(
            lambda o: dict(
                category=TicketCategory.inquiry,
                callback_due_at=D,
                assignee_id=o.receptionist.id,
            )
        ),
        [
            (D - timedelta(minutes=10), "receptionist", 0),
            (D, "supervisor", 1),
            (D + timedelta(hours=2), "director", 2),
        ],
    ),
    "complaint_invalid": (
        complaint(Validity.invalid, Severity.ordinary, "supervisor"),
        [
            (D - timedelta(hours=4), "supervisor", 0),
            (D, "supervisor", 1),
            (D + timedelta(days=1), "director", 2),
        ],
    ),
    "complaint_valid": (
        complaint(Validity.valid, Severity.ordinary, "supervisor"),
        [
            (D - timedelta(days=1), "supervisor", 0),
            (D, "supervisor", 1),
            (D + timedelta(days=1), "director", 2),
        ],
    ),
    "complaint_serious": (
        complaint(Validity.valid, Severity.serious, "director"),
        # 12 hours before is 02:00: a serious complaint is no emergency, it waits for 08:00.
        [(datetime(2026, 11, 25, 8, 0), "director", 0), (D, "director", 1)],
    ),
    "complaint_unjudged": (
        complaint(Validity.pending, None, "supervisor"),
        [
            (D - timedelta(hours=4), "supervisor", 0),
            (D, "supervisor", 1),
            (D + timedelta(days=1), "director", 2),
        ],
    ),
    "emergency_arrival": (
        work_order(
            lambda o: dict(
                is_emergency=True,
                status=WorkOrderStatus.dispatched,
                technician_id=o.technician.id,
                arrive_by=D,
            )
        ),
        [
            (D - timedelta(minutes=5), "technician", 0),
            (D, "supervisor", 1),
            (D + timedelta(minutes=15), "director", 2),
        ],
    ),
    # Reported at D - 5 minutes and nobody dispatched it: the desk three minutes after the
    # report, the supervisors five, the director a quarter of an hour after it.
    "emergency_dispatch": (
        work_order(
            lambda o: dict(
                is_emergency=True, status=WorkOrderStatus.new, created_at=D - timedelta(minutes=5)
            )
        ),
        [
            (D - timedelta(minutes=2), "receptionist", 0),
            (D, "supervisor", 1),
            (D + timedelta(minutes=10), "director", 2),
        ],
    ),
    "appointment": (
        work_order(
            lambda o: dict(
                kind=WorkOrderKind.home_repair_paid,
                status=WorkOrderStatus.dispatched,
                technician_id=o.technician.id,
                appointment_at=D,
            )
        ),
        [
            (D - timedelta(minutes=30), "technician", 0),
            (D + timedelta(minutes=30), "supervisor", 1),
            (D + timedelta(hours=2), "director", 2),
        ],
    ),
    "home_visit": (
        work_order(
            lambda o: dict(
                kind=WorkOrderKind.home_visit,
                status=WorkOrderStatus.dispatched,
                technician_id=o.technician.id,
                appointment_at=D,
            )
        ),
        [
            (D - timedelta(days=1), "technician", 0),
            (D + timedelta(minutes=30), "supervisor", 1),
            (D + timedelta(hours=2), "director", 2),
        ],
    ),
    "next_visit": (
        work_order(
            lambda o: dict(
                status=WorkOrderStatus.next_visit,
                technician_id=o.technician.id,
                next_visit_at=D,
            )
        ),
        [
            (D - timedelta(hours=1), "technician", 0),
            (D + timedelta(minutes=30), "supervisor", 1),
            (D + timedelta(days=1), "director", 2),
        ],
    ),
    "revisit": (
        work_order(
            lambda o: dict(
                status=WorkOrderStatus.closed,
                technician_id=o.technician.id,
                dispatched_by_id=o.receptionist.id,
                revisit_due_at=D,
            )
        ),
        [
            (D - timedelta(hours=1), "receptionist", 0),
            (D + timedelta(days=1), "supervisor", 1),
            (D + timedelta(days=2), "director", 2),
        ],
    ),
    # Valid through 27 November: it lapses at midnight; the office hears at 08:00.
    "worker_pass_expiry": (
        lambda f, o: (
            "worker_pass",
            f.worker_pass(o.world.a, status=PassStatus.approved, valid_until=EXPIRY_DAY),
        ),
        [
            (datetime(2026, 11, 27, 8, 0), "receptionist", 0),
            (datetime(2026, 11, 29, 8, 0), "supervisor", 1),
        ],
    ),
    "vehicle_pass_expiry": (
        lambda f, o: (
            "vehicle_pass",
            f.vehicle_pass(o.world.a, status=PassStatus.approved, valid_until=EXPIRY_DAY),
        ),
        [
            (datetime(2026, 11, 25, 8, 0), "receptionist", 0),
            (datetime(2026, 11, 29, 8, 0), "supervisor", 1),
        ],
    ),
    "permit_expiry": (
        renovation(
            lambda o: dict(status=RenovationStatus.in_progress, permit_valid_until=EXPIRY_DAY)
        ),
        [
            (datetime(2026, 11, 25, 8, 0), "receptionist", 0),
            (datetime(2026, 11, 28, 8, 0), "supervisor", 1),
            (datetime(2026, 12, 1, 8, 0), "director", 2),
        ],
    ),
    "patrol": (
        renovation(lambda o: dict(status=RenovationStatus.in_progress, next_patrol_due_at=D)),
        [
            (D - timedelta(hours=2), "guard", 0),
            (D + timedelta(hours=4), "supervisor", 1),
            (D + timedelta(days=2), "director", 2),
        ],
    ),
    # Completion inspection requested Tuesday 14:00: overdue three days later.
    "completion_inspection": (
        renovation(
            lambda o: dict(
                status=RenovationStatus.inspection,
                completion_requested_at=D - timedelta(days=1),
            )
        ),
        [
            (D + timedelta(days=1), "supervisor", 0),
            (D + timedelta(days=2), "director", 1),
        ],
    ),
}


@pytest.mark.parametrize("rule", list(CASES))
def test_rule_warns_then_escalates_on_time(app, factories, in_app, time_machine, rule):
    time_machine.move_to(NOW, tick=False)
    office = staff_office(factories)
    make, steps = CASES[rule]
    entity_type, record = make(factories, office)
    expected: dict[str, list] = {}
    for when, who, level in steps:
        time_machine.move_to(office_time(*when.timetuple()[:6]) - timedelta(minutes=1), tick=False)
        sweep_here(app)
        assert inbox(in_app, getattr(office, who), handoffs=False) == expected.get(who, []), (
            f"{who} heard of level {level} before {when}"
        )
        time_machine.move_to(office_time(*when.timetuple()[:6]), tick=False)
        sweep_here(app)
        expected.setdefault(who, []).append((rule, level, entity_type, record.id))
        assert inbox(in_app, getattr(office, who), handoffs=False) == expected[who]
    # Long after: nothing more, nothing twice, and estate B never heard of it. (A new
    # complaint is also announced at once: tests/services/test_handoffs.py.)
    time_machine.move_to(office_time(2026, 12, 10, 12, 0), tick=False)
    sweep_here(app)
    assert all_notifications(in_app, handoffs=False) == len(steps)
    for role in ("receptionist", "supervisor", "director", "technician", "guard"):
        assert inbox(in_app, getattr(office, f"{role}_b")) == []
