"""Tickets recorded after the fact (先處理後補辦手續): deadlines run from the real time of the
event, and the mark is refused for times that cannot be."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, Severity, Staff, Ticket, TicketCategory, TicketStatus, Validity
from admin_app.services import worklists
from admin_app.services.errors import ServiceError
from admin_app.tickets import complaints
from admin_app.tickets import operations as tickets

NIGHT = datetime(2026, 11, 20, 2, 0)  # the burst pipe, handled by the guard at once
MORNING = datetime(2026, 11, 20, 10, 0)  # typed in when the office opened


def travel(moment):
    return time_machine.travel(moment.replace(tzinfo=clock.office_zone()), tick=False)


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.director = factories.staff(Role.director, estates=[w.a])
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    return w


def act(in_app, ticket_id, actor_id, verb, **kwargs):
    with in_app():
        verb(db.session.get(Ticket, ticket_id), db.session.get(Staff, actor_id), **kwargs)
        db.session.commit()


def overdue(in_app) -> list[int]:
    with in_app():
        query = db.session.query(Ticket.id).filter(worklists.clause_for("overdue_complaints"))
        return [i for (i,) in query]


def test_a_serious_complaint_recorded_after_is_due_48_hours_after_the_event(
    factories, in_app, world
):
    with travel(MORNING):
        ticket = factories.ticket(world.a, category=TicketCategory.complaint)
        act(in_app, ticket.id, world.desk.id, tickets.record_after_the_fact, occurred_at=NIGHT)
        act(
            in_app,
            ticket.id,
            world.director.id,
            complaints.classify,
            severity=Severity.serious,
            validity=Validity.valid,
        )
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        assert row.after_the_fact and row.occurred_at == NIGHT
        assert row.complaint_due_at == NIGHT + timedelta(hours=48)
    # 49 hours after the event but only 41 after it was typed in: already late.
    with travel(NIGHT + timedelta(hours=49)):
        assert overdue(in_app) == [ticket.id]
    with travel(NIGHT + timedelta(hours=47)):
        assert overdue(in_app) == []


def test_marking_a_classified_complaint_moves_its_deadline(factories, in_app, world):
    with travel(MORNING):
        ticket = factories.ticket(world.a, category=TicketCategory.complaint)
        act(
            in_app,
            ticket.id,
            world.director.id,
            complaints.classify,
            severity=Severity.ordinary,
            validity=Validity.invalid,
        )
        with in_app():
            assert db.session.get(Ticket, ticket.id).complaint_due_at == MORNING + timedelta(days=1)
        act(in_app, ticket.id, world.desk.id, tickets.record_after_the_fact, occurred_at=NIGHT)
    with in_app():
        assert db.session.get(Ticket, ticket.id).complaint_due_at == NIGHT + timedelta(days=1)


def test_an_ordinary_ticket_keeps_its_receipt_as_start(factories, in_app, world):
    ticket = factories.ticket(world.a, category=TicketCategory.complaint, received_at=MORNING)
    with in_app():
        assert tickets.deadline_start(db.session.get(Ticket, ticket.id)) == MORNING


@pytest.mark.parametrize(
    ("occurred", "message"),
    [
        (MORNING + timedelta(minutes=1), "before it was recorded"),
        (MORNING - timedelta(days=8), "within a week"),
    ],
)
def test_impossible_times_are_refused(factories, in_app, world, occurred, message):
    ticket = factories.ticket(world.a, category=TicketCategory.help, received_at=MORNING)
    with pytest.raises(ServiceError, match=message):
        act(in_app, ticket.id, world.desk.id, tickets.record_after_the_fact, occurred_at=occurred)
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        assert not row.after_the_fact and row.occurred_at is None


def test_the_desk_marks_it_from_the_record_page(factories, login, in_app, world):
    with travel(MORNING):
        ticket = factories.ticket(
            world.a, category=TicketCategory.help, status=TicketStatus.closed, result="已关阀"
        )
        desk = login(world.desk)
        url = f"/admin/ticket/act/record_after_the_fact/?id={ticket.id}"
        details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
        assert "action-record_after_the_fact" in details
        assert "When it really happened" in desk.get(url).get_data(as_text=True)
        response = desk.post(url, {"ids": ticket.id, "occurred_at": "2026-11-20 02:00"})
        assert response.status_code == 302
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        assert row.after_the_fact and row.occurred_at == NIGHT
        assert row.status is TicketStatus.closed  # the mark changes no state
    with travel(MORNING):
        desk = login(world.desk)
        details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
        assert "action-record_after_the_fact" not in details  # marked once


def test_a_call_closed_long_ago_is_not_offered_the_mark(factories, login, world):
    """A week after the call the mark is no news: a closed inquiry of last month shows no such
    button (it was the only one on its page)."""
    with travel(MORNING - timedelta(days=30)):
        old = factories.ticket(world.a, category=TicketCategory.inquiry, status=TicketStatus.closed)
    with travel(MORNING):
        details = login(world.desk).get(f"/admin/ticket/details/?id={old.id}")
        assert "action-record_after_the_fact" not in details.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "button", "state"),
    [
        ("en", "Mark as handled before it was recorded", "Recorded after handling"),
        ("zh-CN", "标为先处理后补登记", ">先处理后补登记<"),
    ],
)
def test_the_mark_reads_as_a_step_not_as_the_calls_state(
    factories, login, world, lang, button, state
):
    """On a closed inquiry it is often the only button: named for what it does, and not the
    dark button of a main step."""
    with travel(MORNING):
        ticket = factories.ticket(
            world.a, category=TicketCategory.inquiry, status=TicketStatus.closed
        )
        page = login(world.desk, lang=lang).get(f"/admin/ticket/details/?id={ticket.id}")
        html = page.get_data(as_text=True)
    start = html.index('id="action-record_after_the_fact"')
    tag = html[html.rindex("<a", 0, start) : html.index("</a>", start)]
    assert button in tag and state not in tag
    assert "btn-outline-secondary" in tag
