"""A supervisor hands calls to a receptionist in a batch: she hears once ("3 tickets are
assigned to you. See your list."), linking to the list of the calls she sees through, and
her dashboard has a card of them — those assigned to her and those she took that nobody else
was given; the promised callback first, red once one is past it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.models import Role, TicketCategory, TicketStatus

from .test_batch_handoffs import told

T = TicketStatus
NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def desk(factories):
    """Estate A with a supervisor and two receptionists; three open calls, one closed."""
    w = factories.two_estates()
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    w.receptionist = factories.staff(Role.receptionist, estates=[w.a])
    w.colleague = factories.staff(Role.receptionist, estates=[w.a])

    def call(hours, **fields):
        return factories.ticket(
            w.a,
            category=TicketCategory.inquiry,
            status=fields.pop("status", T.open),
            callback_due_at=NOW + timedelta(hours=hours),
            **fields,
        ).id

    w.calls = [call(5), call(2), call(9)]
    w.closed = call(1, status=T.closed)
    return w


@pytest.fixture(autouse=True)
def at_ten():
    with time_machine.travel(NOW.replace(tzinfo=clock.office_zone()), tick=False):
        yield


def assign(login, desk, ids, to):
    url = f"/admin/ticket/act/assign/?ids={','.join(map(str, ids))}"
    return login(desk.supervisor).post(url, {"assignee": to.id})


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r"details/\?id=(\d+)&", html)]


def test_a_batch_assignment_is_told_once_and_links_to_her_list(login, desk, in_app):
    assert assign(login, desk, desk.calls, desk.receptionist).status_code == 302
    assert told(in_app, desk.receptionist) == [("handoff_assigned", "action_batch", 3)]
    assert told(in_app, desk.colleague) == []

    her = login(desk.receptionist)
    inbox = her.get("/admin/inbox/").get_data(as_text=True)
    assert "3 tickets are assigned to you. See your list." in inbox
    entry = re.search(r'action="(/admin/inbox/\d+/open)"', inbox).group(1)
    link = her.post(entry).headers["Location"]
    assert link.endswith("/admin/ticket/?flt0_queue=assigned_to_you")
    assert sorted(listed(her.get(link).get_data(as_text=True))) == sorted(desk.calls)
    zh = login(desk.receptionist, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)
    assert "3 件来电来访已指派给您，请看您的列表。" in zh


def test_one_call_in_a_batch_is_told_as_itself(login, desk, in_app):
    assign(login, desk, desk.calls[:1], desk.receptionist)
    assert told(in_app, desk.receptionist) == [("handoff_assigned", "ticket", None)]


def card(html: str) -> str | None:
    found = re.search(
        r'<div class="[^"]*" id="queue-assigned_to_you">.*?card-body.*?</div>\s*</div>', html, re.S
    )
    return found.group(0) if found else None


def test_her_dashboard_lists_what_is_assigned_to_her_callback_first(login, desk, factories):
    assign(login, desk, [*desk.calls, desk.closed], desk.receptionist)
    factories.ticket(desk.a, category=TicketCategory.inquiry, assignee_id=desk.colleague.id)
    home = login(desk.receptionist).get("/admin/").get_data(as_text=True)
    mine = card(home)
    assert re.search(r"queue-count[^>]*>(\d+)", mine).group(1) == "3"
    second, first, third = desk.calls
    assert [int(i) for i in re.findall(r"details/\?id=(\d+)", mine)] == [first, second, third]
    assert "border-danger" not in mine  # every callback still ahead

    later = NOW + timedelta(hours=3)
    with time_machine.travel(later.replace(tzinfo=clock.office_zone()), tick=False):
        mine = card(login(desk.receptionist).get("/admin/").get_data(as_text=True))
    assert "border-danger" in mine and mine.count("queue-pressing") == 1


def test_the_calls_she_took_are_hers_until_someone_else_is_given_them(login, desk, factories):
    """首问负责制: the first person asked sees the call through."""
    taken = factories.ticket(
        desk.a, category=TicketCategory.inquiry, received_by_id=desk.receptionist.id
    ).id
    handed_on = factories.ticket(
        desk.a,
        category=TicketCategory.inquiry,
        received_by_id=desk.receptionist.id,
        assignee_id=desk.colleague.id,
    ).id
    factories.ticket(
        desk.a,
        category=TicketCategory.inquiry,
        status=T.closed,
        received_by_id=desk.receptionist.id,
    )
    mine = card(login(desk.receptionist).get("/admin/").get_data(as_text=True))
    assert [int(i) for i in re.findall(r"details/\?id=(\d+)", mine)] == [taken]
    theirs = card(login(desk.colleague).get("/admin/").get_data(as_text=True))
    assert [int(i) for i in re.findall(r"details/\?id=(\d+)", theirs)] == [handed_on]


def test_the_card_is_for_whom_calls_are_handed_to(login, desk, factories):
    # (With nothing assigned, the list is on the dashboard's "nothing waiting" line.)
    for role in (Role.supervisor, Role.director):
        someone = factories.staff(role, estates=[desk.a])
        assert 'id="queue-assigned_to_you"' in login(someone).get("/admin/").get_data(as_text=True)
    guard = factories.staff(Role.guard, estates=[desk.a])
    assert 'id="queue-assigned_to_you"' not in login(guard).get("/admin/").get_data(as_text=True)
