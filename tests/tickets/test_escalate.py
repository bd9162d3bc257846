"""Passing a ticket up through the panel: the receptionist's "escalate" button on a complaint
(and on any other ticket), the supervisors told, and the complaint procedure going on."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Ticket, TicketCategory, TicketStatus

from ..reminders_support import inbox

C, T = TicketCategory, TicketStatus


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.other_supervisor = factories.staff(Role.supervisor, estates=[w.b])
    w.director = factories.staff(Role.director, estates=[w.a])
    return w


def test_a_receptionist_passes_a_complaint_up_and_the_supervisor_classifies_it(
    login, factories, world, in_app
):
    ticket = factories.ticket(world.a, category=C.complaint, description="物业费收费不透明")
    desk = login(world.reception)
    details = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-escalate"' in details
    response = desk.post(
        f"/admin/ticket/act/escalate/?id={ticket.id}", {"note": "业主要求主管回电"}
    )
    assert response.status_code == 302
    response = desk.post(
        f"/admin/ticket/act/escalate/?id={ticket.id}", {"note": "业主要求主管回电"}
    )
    assert response.status_code == 200  # a double submit: refused, nothing twice
    with in_app():
        assert db.session.get(Ticket, ticket.id).status is T.escalated
    assert inbox(in_app, world.supervisor) == [
        ("handoff_complaint", 0, "ticket", ticket.id),
        ("handoff_escalated", 0, "ticket", ticket.id),
    ]
    assert inbox(in_app, world.other_supervisor) == inbox(in_app, world.director) == []
    assert inbox(in_app, world.reception) == []

    boss = login(world.supervisor)
    details = boss.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert 'id="action-classify"' in details
    classified = boss.post(
        f"/admin/ticket/act/classify/?id={ticket.id}",
        {"severity": "ordinary", "validity": "valid", "complaint_code": "fees"},
    )
    assert classified.status_code == 302
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        assert record.status is T.in_progress and record.complaint_due_at is not None


@pytest.mark.parametrize("category", list(C))
def test_every_ticket_offers_the_receptionist_the_escalate_button(
    login, factories, world, category
):
    ticket = factories.ticket(world.a, category=category)
    page = login(world.reception).get(f"/admin/ticket/details/?id={ticket.id}")
    assert 'id="action-escalate"' in page.get_data(as_text=True)


def test_the_desks_note_on_escalating_stays_the_desks_never_the_residents_words(
    login, factories, world, in_app
):
    ticket = factories.ticket(
        world.a, category=C.complaint, description="物业费收费不透明", request="公示收费明细"
    )
    desk = login(world.reception, lang="zh-CN")
    response = desk.post(
        f"/admin/ticket/act/escalate/?id={ticket.id}", {"note": "住户情绪激动，请主管回电"}
    )
    assert response.status_code == 302
    with in_app():
        record = db.session.get(Ticket, ticket.id)
        assert (record.description, record.request) == ("物业费收费不透明", "公示收费明细")
    page = desk.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    handling = page[page.index("前台上报说明") :]
    assert "住户情绪激动，请主管回电" in handling[: handling.index("</tr>")]
    history = page[page.index('id="history"') :]
    assert "上报客服主管" in history and "住户情绪激动，请主管回电" in history
    # The printed complaint record keeps the resident's request apart from the desk's note.
    printed = desk.get(f"/admin/ticket/print/complaint/?id={ticket.id}").get_data(as_text=True)
    request_row = printed[printed.index("公示收费明细") :]
    assert "住户情绪激动" not in request_row[: request_row.index("</tr>")]
