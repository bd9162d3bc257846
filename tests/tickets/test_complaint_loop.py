"""The complaint's end: each revisit ends a round; unsatisfied reopens it one level up with a
new deadline, satisfied closes it, and only the director closes it while still unsatisfied."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app.extensions import db
from admin_app.models import (
    ComplaintRound,
    Reminder,
    ReminderStatus,
    Role,
    Severity,
    Staff,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)
from admin_app.services import statistics as stats
from admin_app.services.errors import ServiceError
from admin_app.tickets import complaints

from ..reminders_support import OFFICE, inbox

T = TicketStatus
RECEIVED = datetime(2026, 11, 2, 10, 0)
REVISIT = datetime(2026, 11, 4, 15, 0)


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.director = factories.staff(Role.director, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.director_b = factories.staff(Role.director, estates=[w.b])
    return w


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
        rounds = [(r.number, r.outcome.value, r.resident_words) for r in ticket.rounds]
        db.session.expunge(ticket)
        ticket.round_list = rounds
        return ticket


def handled_and_reported(in_app, ticket_id, actor_id):
    """One round's work: the handling recorded and the department's report back."""
    run(
        in_app,
        complaints.record_handling,
        ticket_id,
        actor_id,
        cause="保洁员漏扫楼道",
        corrective_action="加强巡查",
    )
    return run(in_app, complaints.report_back, ticket_id, actor_id, result="已重新清扫")


def awaiting_revisit(factories, in_app, world) -> int:
    ticket = factories.ticket(
        world.a, category=TicketCategory.complaint, received_at=RECEIVED, description="楼道脏"
    )
    run(
        in_app,
        complaints.classify,
        ticket.id,
        world.supervisor.id,
        severity=Severity.ordinary,
        validity=Validity.valid,
    )
    handled_and_reported(in_app, ticket.id, world.supervisor.id)
    return ticket.id


def at(moment: datetime):
    return time_machine.travel(moment.replace(tzinfo=OFFICE), tick=False)


def test_an_unsatisfied_revisit_reopens_the_complaint_one_level_up_with_a_new_deadline(
    factories, in_app, world
):
    ticket_id = awaiting_revisit(factories, in_app, world)
    with at(REVISIT):
        done = run(
            in_app,
            complaints.revisit,
            ticket_id,
            world.reception.id,
            outcome="unsatisfied",
            words="楼道还是脏，没人来过",
        )
    assert done.status is T.in_progress
    assert done.complaint_round == 2
    assert done.owner_id == world.director.id  # the supervisor's round failed: the director's
    assert done.complaint_due_at == REVISIT + timedelta(days=3)  # valid: 3 days, from now
    assert done.handled_at is None and done.reported_back_at is None
    assert done.round_list == [(1, "unsatisfied", "楼道还是脏，没人来过")]
    assert inbox(in_app, world.director)[-1] == ("handoff_reopened", 0, "ticket", ticket_id)
    assert inbox(in_app, world.director_b) == []
    with in_app():  # the new round's deadline is reminded afresh
        deadlines = {
            r.deadline_at
            for r in db.session.query(Reminder).filter_by(
                entity_id=ticket_id, rule="complaint_valid", status=ReminderStatus.pending
            )
        }
    assert deadlines == {REVISIT + timedelta(days=3)}


def test_the_second_round_is_the_directors_and_a_satisfied_revisit_closes_it(
    factories, in_app, world
):
    ticket_id = awaiting_revisit(factories, in_app, world)
    run(
        in_app,
        complaints.revisit,
        ticket_id,
        world.reception.id,
        outcome="unsatisfied",
        words="不满意",
    )
    with pytest.raises(ServiceError, match="handled by"):
        handled_and_reported(in_app, ticket_id, world.supervisor.id)
    handled_and_reported(in_app, ticket_id, world.director.id)
    done = run(
        in_app,
        complaints.revisit,
        ticket_id,
        world.reception.id,
        outcome="basically",
        words="基本满意，希望保持",
    )
    assert done.status is T.closed and done.closed_at is not None
    assert done.round_list == [(1, "unsatisfied", "不满意"), (2, "basically", "基本满意，希望保持")]


def test_a_satisfied_first_revisit_closes_the_complaint_in_one_round(factories, in_app, world):
    ticket_id = awaiting_revisit(factories, in_app, world)
    done = run(
        in_app, complaints.revisit, ticket_id, world.reception.id, outcome="satisfied", words="满意"
    )
    assert (done.status, done.complaint_round) == (T.closed, 1)
    assert done.round_list == [(1, "satisfied", "满意")]
    assert done.revisit_note == "满意" and done.revisited_by_id == world.reception.id


def test_the_loop_repeats_and_stays_with_the_director(factories, in_app, world):
    ticket_id = awaiting_revisit(factories, in_app, world)
    for _ in range(2):
        run(
            in_app,
            complaints.revisit,
            ticket_id,
            world.reception.id,
            outcome="unsatisfied",
            words="还是不行",
        )
        handled_and_reported(in_app, ticket_id, world.director.id)
    with in_app():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.complaint_round == 3 and ticket.owner_id == world.director.id
        assert db.session.query(ComplaintRound).filter_by(ticket_id=ticket_id).count() == 2


def test_the_director_closes_a_still_unsatisfied_complaint_with_a_written_reason(
    factories, in_app, world
):
    ticket_id = awaiting_revisit(factories, in_app, world)
    with pytest.raises(ServiceError, match="does not apply"):  # round 1: revisit it first
        run(in_app, complaints.close_unsatisfied, ticket_id, world.director.id, reason="x")
    run(
        in_app,
        complaints.revisit,
        ticket_id,
        world.reception.id,
        outcome="unsatisfied",
        words="要求赔偿",
    )
    for person in (world.reception, world.supervisor):
        with pytest.raises(ServiceError, match="role"):
            run(in_app, complaints.close_unsatisfied, ticket_id, person.id, reason="已尽力")
    with pytest.raises(ServiceError, match="why"):
        run(in_app, complaints.close_unsatisfied, ticket_id, world.director.id, reason="  ")
    done = run(
        in_app,
        complaints.close_unsatisfied,
        ticket_id,
        world.director.id,
        reason="赔偿要求超出合同约定，已书面答复",
    )
    assert done.status is T.closed
    assert done.closing_reason == "赔偿要求超出合同约定，已书面答复"


def test_another_estates_director_cannot_close_it(factories, in_app, world):
    ticket_id = awaiting_revisit(factories, in_app, world)
    run(in_app, complaints.revisit, ticket_id, world.reception.id, outcome="unsatisfied", words="x")
    with pytest.raises(ServiceError, match="not yours"):
        run(in_app, complaints.close_unsatisfied, ticket_id, world.director_b.id, reason="无理")


def test_a_revisit_needs_the_residents_words(factories, in_app, world):
    ticket_id = awaiting_revisit(factories, in_app, world)
    with pytest.raises(ServiceError, match="complainant said"):
        run(
            in_app, complaints.revisit, ticket_id, world.reception.id, outcome="satisfied", words=""
        )
    with in_app():
        assert db.session.get(Ticket, ticket_id).status is T.resolved


def test_statistics_count_the_complaints_needing_more_than_one_round_per_month(
    factories, in_app, world
):
    reopened = awaiting_revisit(factories, in_app, world)
    run(in_app, complaints.revisit, reopened, world.reception.id, outcome="unsatisfied", words="x")
    awaiting_revisit(factories, in_app, world)  # still in its first round
    factories.ticket(  # December's: another month
        world.a,
        category=TicketCategory.complaint,
        received_at=datetime(2026, 12, 1, 9),
        complaint_round=2,
    )
    with in_app():
        report = stats.report([world.a.id], stats.parse_period("2026-Q4"), fresh=True)
    months = {
        row["month"]: (row["complaints"], row["reopened"]) for row in report["rounds_by_month"]
    }
    assert months["2026-10"] == (0, 0)
    assert months["2026-11"] == (2, 1)
    assert months["2026-12"] == (1, 1)
    assert report["complaints"]["reopened"] == 2


@pytest.mark.parametrize(
    ("owner_role", "next_role"),
    [
        (Role.receptionist, Role.supervisor),
        (Role.supervisor, Role.director),
        (Role.director, Role.director),
    ],
)
def test_each_new_round_goes_one_level_up(factories, in_app, world, owner_role, next_role):
    owners = {
        Role.receptionist: world.reception,
        Role.supervisor: world.supervisor,
        Role.director: world.director,
    }
    ticket_id = awaiting_revisit(factories, in_app, world)
    with in_app():
        db.session.get(Ticket, ticket_id).owner_id = owners[owner_role].id
        db.session.commit()
    done = run(
        in_app, complaints.revisit, ticket_id, world.reception.id, outcome="unsatisfied", words="x"
    )
    assert done.owner_id == owners[next_role].id
