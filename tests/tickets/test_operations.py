"""Tickets and complaints: each category's path, deadlines, and refusals that change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    ComplaintCode,
    Role,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.services.errors import ServiceError
from admin_app.tickets import complaints
from admin_app.tickets import operations as tickets

T = TicketStatus
C = TicketCategory
WORKING = {T.open, T.in_progress, T.escalated}

# (step, categories that take it, states it starts from, state it ends in) — written out here.
RULES = {
    "start": (set(C), {T.open}, T.in_progress),
    "answer": ({C.inquiry}, {T.open, T.in_progress}, T.closed),
    "promise_callback": ({C.inquiry}, {T.open, T.in_progress}, T.in_progress),
    "escalate": (set(C), {T.open, T.in_progress}, T.escalated),
    "resolve": ({C.inquiry, C.help, C.suggestion, C.repair}, WORKING, T.resolved),
    "close": ({C.inquiry, C.help, C.suggestion, C.repair}, {T.resolved}, T.closed),
    "cancel": (set(C), WORKING, T.cancelled),
    "classify": ({C.complaint}, WORKING, T.in_progress),
    "report_back": ({C.complaint}, {T.in_progress}, T.resolved),
    "revisit_complaint": ({C.complaint}, {T.resolved}, T.closed),
}


def call(name, ticket, actor):
    soon = clock.now() + timedelta(hours=1)
    verbs = {
        "start": lambda: tickets.start(ticket, actor),
        "answer": lambda: tickets.answer(ticket, actor, result="物业费可在前台或APP缴纳"),
        "promise_callback": lambda: tickets.promise_callback(ticket, actor, callback_due_at=soon),
        "escalate": lambda: tickets.escalate(ticket, actor, note="请主管处理"),
        "resolve": lambda: tickets.resolve(ticket, actor, result="已安排"),
        "close": lambda: tickets.close(ticket, actor),
        "cancel": lambda: tickets.cancel(ticket, actor, reason="重复登记"),
        "classify": lambda: complaints.classify(
            ticket, actor, severity=Severity.ordinary, validity=Validity.valid
        ),
        "report_back": lambda: complaints.report_back(ticket, actor, result="已整改"),
        "revisit_complaint": lambda: complaints.revisit(
            ticket, actor, outcome="satisfied", words="业主满意"
        ),
    }
    verbs[name]()


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.director = factories.staff(Role.director, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    return w


CASES = [(name, cat, state) for name in RULES for cat in C for state in T]


@pytest.mark.parametrize(("name", "category", "state"), CASES)
def test_ticket_paths(factories, in_app, world, name, category, state):
    extra = (
        {"result": "已处理", "handled_at": clock.now()}
        if state is T.resolved or name == "report_back"
        else {}
    )
    if category is C.complaint and state is not T.open:
        extra.update(severity=Severity.ordinary, validity=Validity.valid, handled_at=clock.now())
    ticket = factories.ticket(world.a, category=category, status=state, **extra)
    categories, sources, target = RULES[name]
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        # Escalating passes a ticket up to the supervisors: the desk's step, not a director's.
        who = world.reception if name == "escalate" else world.director
        actor = db.session.get(Staff, who.id)
        if category in categories and state in sources:
            call(name, record, actor)
            db.session.commit()
            assert db.session.get(Ticket, ticket.id).status is target
        else:
            with pytest.raises(ServiceError):
                call(name, record, actor)
            db.session.rollback()
            assert db.session.get(Ticket, ticket.id).status is state
            assert (
                db.session.query(AuditRecord).filter_by(entity_type="ticket", action=name).count()
                == 0
            )


def run(in_app, verb, ticket_id, actor_id, **kwargs):
    with in_app():
        try:
            verb(db.session.get(Ticket, ticket_id), db.session.get(Staff, actor_id), **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    with in_app():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def test_closing_without_a_result_is_refused(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.help, status=T.resolved, result=None)
    with pytest.raises(ServiceError, match="Record the result"):
        run(in_app, tickets.close, ticket.id, world.reception.id)
    with pytest.raises(ServiceError, match="Write down the result"):
        run(
            in_app,
            tickets.resolve,
            factories.ticket(world.a, category=C.help).id,
            world.reception.id,
            result="   ",
        )


def test_inquiry_answered_at_once_is_closed_and_informed(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.inquiry)
    done = run(
        in_app, tickets.answer, ticket.id, world.reception.id, result="周一至周五 9:00-18:00"
    )
    assert done.status is T.closed and done.resident_informed_at and done.result


def test_promised_callback_becomes_the_deadline(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.inquiry)
    due = clock.now().replace(second=0) + timedelta(minutes=30)
    done = run(in_app, tickets.promise_callback, ticket.id, world.reception.id, callback_due_at=due)
    assert done.callback_due_at == due and done.assignee_id == world.reception.id
    with pytest.raises(ServiceError, match="future"):
        run(
            in_app,
            tickets.promise_callback,
            factories.ticket(world.a, category=C.inquiry).id,
            world.reception.id,
            callback_due_at=clock.now() - timedelta(minutes=1),
        )


RECEIVED = datetime(2026, 11, 2, 10, 0)


@pytest.mark.parametrize(
    ("severity", "validity", "due", "owner"),
    [
        (Severity.ordinary, Validity.invalid, RECEIVED + timedelta(days=1), "supervisor"),
        (Severity.ordinary, Validity.valid, RECEIVED + timedelta(days=3), "supervisor"),
        (Severity.serious, Validity.valid, RECEIVED + timedelta(hours=48), "director"),
    ],
)
def test_complaint_deadline_and_owner_follow_the_classification(
    factories, in_app, world, severity, validity, due, owner
):
    ticket = factories.ticket(world.a, category=C.complaint, received_at=RECEIVED)
    done = run(
        in_app,
        complaints.classify,
        ticket.id,
        world.supervisor.id,
        severity=severity,
        validity=validity,
        complaint_code=ComplaintCode.security,
    )
    assert done.complaint_due_at == due
    assert done.owner_id == getattr(world, owner).id
    assert done.complaint_code is ComplaintCode.security and done.status is T.in_progress


def test_serious_and_invalid_is_refused(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.complaint)
    with pytest.raises(ServiceError, match="cannot be invalid"):
        run(
            in_app,
            complaints.classify,
            ticket.id,
            world.supervisor.id,
            severity=Severity.serious,
            validity=Validity.invalid,
        )


def test_serious_complaints_are_the_directors(factories, in_app, world):
    ticket = factories.ticket(
        world.a,
        category=C.complaint,
        status=T.in_progress,
        severity=Severity.serious,
        validity=Validity.valid,
    )
    handling = {"cause": "电梯维保不到位", "corrective_action": "更换维保单位"}
    with pytest.raises(ServiceError, match="director"):
        run(in_app, complaints.record_handling, ticket.id, world.supervisor.id, **handling)
    done = run(in_app, complaints.record_handling, ticket.id, world.director.id, **handling)
    assert done.handled_at and done.cause == "电梯维保不到位"


def test_complaint_full_path(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.complaint)
    run(
        in_app,
        complaints.classify,
        ticket.id,
        world.supervisor.id,
        severity=Severity.ordinary,
        validity=Validity.valid,
    )
    with pytest.raises(ServiceError, match="handling before"):
        run(in_app, complaints.report_back, ticket.id, world.supervisor.id, result="已处理")
    with pytest.raises(ServiceError, match="corrective action"):
        run(in_app, complaints.record_handling, ticket.id, world.supervisor.id, cause="噪音")
    run(
        in_app,
        complaints.record_handling,
        ticket.id,
        world.supervisor.id,
        cause="装修噪音",
        responsible_department="工程部",
        responsible_person="王工",
        corrective_action="限定施工时间",
    )
    run(in_app, complaints.report_back, ticket.id, world.supervisor.id, result="已约谈施工方")
    done = run(
        in_app,
        complaints.revisit,
        ticket.id,
        world.reception.id,
        outcome="satisfied",
        words="业主表示满意",
    )
    assert done.status is T.closed and done.revisited_by_id == world.reception.id
    with in_app():
        actions = [
            r.action
            for r in db.session.query(AuditRecord)
            .filter_by(entity_type="ticket", entity_id=ticket.id)
            .order_by(AuditRecord.id)
        ]
    assert actions == ["create", "classify", "record_handling", "report_back", "revisit_complaint"]


def test_receptionist_cannot_classify(factories, in_app, world):
    ticket = factories.ticket(world.a, category=C.complaint)
    with pytest.raises(ServiceError, match="role"):
        run(
            in_app,
            complaints.classify,
            ticket.id,
            world.reception.id,
            severity=Severity.ordinary,
            validity=Validity.valid,
        )


def test_other_estate_ticket_is_refused(factories, in_app, world):
    ticket = factories.ticket(world.b, category=C.help)
    with pytest.raises(ServiceError, match="not yours"):
        run(in_app, tickets.start, ticket.id, world.reception.id)


def test_assign_only_to_front_desk_of_the_estate(factories, in_app, world):
    tech = factories.staff(Role.technician, estates=[world.a])
    stranger = factories.staff(Role.receptionist, estates=[world.b])
    ticket = factories.ticket(world.a, category=C.help)
    for person, message in ((tech, "front-desk"), (stranger, "does not work in this estate")):
        with pytest.raises(ServiceError, match=message):
            run(
                in_app,
                lambda t, a, p=person: tickets.assign(t, a, assignee=db.session.get(Staff, p.id)),
                ticket.id,
                world.supervisor.id,
            )
    done = run(
        in_app,
        lambda t, a: tickets.assign(t, a, assignee=db.session.get(Staff, world.reception.id)),
        ticket.id,
        world.supervisor.id,
    )
    assert done.assignee_id == world.reception.id


def test_callback_deadline_respects_time_travel(factories, in_app, world):
    moment = datetime(2026, 11, 23, 9, 0)
    with time_machine.travel(moment.replace(tzinfo=clock.office_zone()), tick=False):
        ticket = factories.ticket(world.a, category=C.inquiry)
        with pytest.raises(ServiceError, match="within a week"):
            run(
                in_app,
                tickets.promise_callback,
                ticket.id,
                world.reception.id,
                callback_due_at=moment + timedelta(days=8),
            )
