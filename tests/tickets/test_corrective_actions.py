"""Corrective actions: owned and dated, their department's head told, reminded before and after
the due date, queued per department, and verified before the complaint may close."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app.extensions import db
from admin_app.models import (
    ActionStatus,
    CorrectiveAction,
    Department,
    Estate,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.services.errors import ServiceError
from admin_app.tickets import complaints, corrective, departments

from ..reminders_support import OFFICE, inbox, staff_office, sweep_here

NOW = datetime(2026, 11, 23, 10, 0)
DUE = datetime(2026, 11, 25, 15, 0)


def at(moment: datetime):
    return time_machine.travel(moment.replace(tzinfo=OFFICE), tick=False)


@pytest.fixture
def office(factories, in_app):
    o = staff_office(factories)
    with in_app():
        o.engineering = Department(estate_id=o.world.a.id, name="工程部", head_id=o.technician.id)
        o.cleaning = Department(estate_id=o.world.a.id, name="保洁部")
        o.security_b = Department(estate_id=o.world.b.id, name="安保部", head_id=o.guard_b.id)
        db.session.add_all([o.engineering, o.cleaning, o.security_b])
        db.session.commit()
        for name in ("engineering", "cleaning", "security_b"):
            setattr(o, name, getattr(o, name).id)
    return o


def complaint(factories, office, status=TicketStatus.in_progress) -> int:
    return factories.ticket(
        office.world.a,
        category=TicketCategory.complaint,
        status=status,
        severity=Severity.ordinary,
        validity=Validity.valid,
        number=f"AA-T-{status.value}",
        result="已整改",
        handled_at=NOW,
        reported_back_at=NOW,
    ).id


def add(in_app, ticket_id, actor, *, department=None, owner=None, due=DUE, what="更换楼道灯具"):
    with in_app():
        try:
            action = corrective.add(
                db.session.get(Ticket, ticket_id),
                db.session.get(Staff, actor.id),
                what=what,
                due_at=due,
                owner=db.session.get(Staff, owner.id) if owner else None,
                department=db.session.get(Department, department) if department else None,
            )
            db.session.commit()
            return action.id
        except Exception:
            db.session.rollback()
            raise


def step(in_app, verb, action_id, actor, **kwargs):
    with in_app():
        verb(db.session.get(CorrectiveAction, action_id), db.session.get(Staff, actor.id), **kwargs)
        db.session.commit()


def test_an_action_handed_to_a_department_reaches_its_head_only(factories, in_app, office):
    ticket_id = complaint(factories, office)
    with at(NOW):
        action_id = add(in_app, ticket_id, office.supervisor, department=office.engineering)
    with in_app():
        action = db.session.get(CorrectiveAction, action_id)
        assert action.number == "AA-T-in_progress-A1" and action.status is ActionStatus.open
    assert inbox(in_app, office.technician) == [
        ("handoff_department", 0, "corrective_action", action_id)
    ]
    assert inbox(in_app, office.guard_b) == inbox(in_app, office.technician_b) == []


def test_a_complaint_handed_to_a_department_reaches_its_head_and_its_queue(
    factories, in_app, office
):
    ticket_id = factories.ticket(
        office.world.a,
        category=TicketCategory.complaint,
        status=TicketStatus.in_progress,
        severity=Severity.ordinary,
        validity=Validity.valid,
    ).id
    with in_app():
        complaints.record_handling(
            db.session.get(Ticket, ticket_id),
            db.session.get(Staff, office.supervisor.id),
            cause="灯具老化",
            corrective_action="更换",
            department=db.session.get(Department, office.engineering),
        )
        db.session.commit()
        queue = departments.queue(db.session.get(Department, office.engineering))
        assert [t.id for t in queue.complaints] == [ticket_id]
        assert db.session.get(Ticket, ticket_id).responsible_department == "工程部"
        assert departments.queue(db.session.get(Department, office.cleaning)).complaints == []
    assert ("handoff_department", 0, "ticket", ticket_id) in inbox(in_app, office.technician)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what": "  "}, "what is to be done"),
        ({"due": NOW - timedelta(hours=1)}, "future"),
        ({"department": None}, "who owns"),
        ({"department": "security_b"}, "another estate"),
        ({"owner": "supervisor_b", "department": None}, "does not work in this estate"),
    ],
)
def test_an_action_without_a_what_a_future_date_or_someone_here_is_refused(
    factories, in_app, office, change, message
):
    ticket_id = complaint(factories, office)
    kwargs = {"department": office.engineering}
    for key, value in change.items():
        if key == "department" and value is not None:
            value = getattr(office, value)
        if key == "owner":
            value = getattr(office, value)
        kwargs[key] = value
    with at(NOW), pytest.raises(ServiceError, match=message):
        add(in_app, ticket_id, office.supervisor, **kwargs)
    with in_app():
        assert db.session.query(CorrectiveAction).count() == 0


def test_the_receptionist_cannot_add_an_action(factories, in_app, office):
    ticket_id = complaint(factories, office)
    with at(NOW), pytest.raises(ServiceError, match="role"):
        add(in_app, ticket_id, office.receptionist, department=office.engineering)


def test_a_complaint_does_not_close_while_an_action_is_unverified(factories, in_app, office):
    ticket_id = complaint(factories, office, status=TicketStatus.resolved)
    with at(NOW):
        action_id = add(in_app, ticket_id, office.supervisor, owner=office.receptionist)

    def revisit():
        with in_app():
            try:
                complaints.revisit(
                    db.session.get(Ticket, ticket_id),
                    db.session.get(Staff, office.receptionist.id),
                    outcome="satisfied",
                    words="满意",
                )
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise

    with pytest.raises(ServiceError, match=r"AA-T-resolved-A1 is not yet verified"):
        revisit()
    step(in_app, corrective.mark_done, action_id, office.receptionist, note="已更换灯具")
    with pytest.raises(ServiceError, match="not yet verified"):
        revisit()
    with pytest.raises(ServiceError, match="how it was checked"):
        step(in_app, corrective.verify, action_id, office.supervisor, how="")
    step(in_app, corrective.verify, action_id, office.supervisor, how="现场查看，灯已亮")
    revisit()
    with in_app():
        action = db.session.get(CorrectiveAction, action_id)
        assert action.status is ActionStatus.verified
        assert (action.done_by_id, action.verified_by_id) == (
            office.receptionist.id,
            office.supervisor.id,
        )
        assert action.verification == "现场查看，灯已亮"
        assert db.session.get(Ticket, ticket_id).status is TicketStatus.closed
        assert db.session.get(Ticket, ticket_id).rounds[0].outcome.value == "satisfied"


def test_the_director_cannot_close_past_an_unverified_action_either(factories, in_app, office):
    ticket_id = complaint(factories, office)
    with in_app():
        db.session.get(Ticket, ticket_id).complaint_round = 2
        db.session.commit()
    with at(NOW):
        add(in_app, ticket_id, office.supervisor, department=office.cleaning)
    with in_app(), pytest.raises(ServiceError, match="not yet verified"):
        complaints.close_unsatisfied(
            db.session.get(Ticket, ticket_id),
            db.session.get(Staff, office.director.id),
            reason="已书面答复",
        )


def test_an_action_is_verified_only_once_done(factories, in_app, office):
    ticket_id = complaint(factories, office)
    with at(NOW):
        action_id = add(in_app, ticket_id, office.supervisor, department=office.cleaning)
    with pytest.raises(ServiceError, match="not possible now"):
        step(in_app, corrective.verify, action_id, office.supervisor, how="看过")


def test_the_owner_is_reminded_before_the_due_date_and_the_office_after(
    factories, in_app, office, app
):
    ticket_id = complaint(factories, office)
    with at(NOW):
        action_id = add(in_app, ticket_id, office.supervisor, owner=office.receptionist)

    def heard(person):
        return [
            (rule, level)
            for rule, level, kind, rid in inbox(in_app, person, handoffs=False)
            if (kind, rid) == ("corrective_action", action_id)
        ]

    with at(DUE - timedelta(days=1, minutes=1)):
        sweep_here(app)
    assert heard(office.receptionist) == []
    with at(DUE - timedelta(days=1) + timedelta(minutes=1)):
        sweep_here(app)
    assert heard(office.receptionist) == [("corrective_action", 0)]  # the day before
    assert heard(office.supervisor) == []
    with at(DUE + timedelta(minutes=1)):
        sweep_here(app)
    assert heard(office.supervisor) == [("corrective_action", 1)]  # overdue: the supervisors
    assert heard(office.director) == []
    with at(DUE + timedelta(days=2, minutes=1)):
        sweep_here(app)
    assert heard(office.director) == [("corrective_action", 2)]  # two days late: the director
    assert heard(office.supervisor_b) == heard(office.director_b) == []


def test_an_action_done_in_time_is_not_reminded_again(factories, in_app, office, app):
    ticket_id = complaint(factories, office)
    with at(NOW):
        action_id = add(in_app, ticket_id, office.supervisor, owner=office.receptionist)
        step(in_app, corrective.mark_done, action_id, office.receptionist, note="已完成")
    with at(DUE + timedelta(days=3)):
        sweep_here(app)
    for person in (office.receptionist, office.supervisor, office.director):
        assert inbox(in_app, person, handoffs=False) == []


def test_each_department_queues_its_open_and_overdue_actions(factories, in_app, office):
    ticket_id = complaint(factories, office)
    with at(NOW - timedelta(days=5)):
        late = add(
            in_app,
            ticket_id,
            office.supervisor,
            department=office.engineering,
            due=NOW - timedelta(days=1),
        )
        waiting = add(in_app, ticket_id, office.supervisor, department=office.engineering)
        done = add(in_app, ticket_id, office.supervisor, department=office.engineering)
        verified = add(in_app, ticket_id, office.supervisor, department=office.engineering)
        elsewhere = add(in_app, ticket_id, office.supervisor, department=office.cleaning)
    step(in_app, corrective.mark_done, done, office.receptionist, note="完成")
    step(in_app, corrective.mark_done, verified, office.receptionist, note="完成")
    step(in_app, corrective.verify, verified, office.supervisor, how="看过")
    with at(NOW), in_app():
        queue = departments.queue(db.session.get(Department, office.engineering))
        assert [a.id for a in queue.overdue_actions] == [late]
        assert sorted(a.id for a in queue.open_actions) == sorted([waiting, done])
        other = departments.queue(db.session.get(Department, office.cleaning))
        assert [a.id for a in other.open_actions] == [elsewhere]


def test_the_usual_departments_are_added_once(factories, in_app, office):
    with in_app():
        estate = db.session.get(Estate, office.world.a.id)
        added = departments.add_usual(estate)
        db.session.commit()
        assert sorted(d.name for d in added) == sorted(["安保部", "客服部"])  # 工程部, 保洁部 there
        assert departments.add_usual(estate) == []
