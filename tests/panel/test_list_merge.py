"""A supervisor of several estates sees the same pages as before the list was read estate by
estate: every sort, both directions, page after page, each row once, in the one order of all
their estates' rows together (ties broken the same way), and nothing of another estate."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from admin_app.models import Role, TicketCategory, TicketStatus

START = datetime(2026, 11, 2, 9, 0)


def _ids_on(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(i) for i in re.findall(r"/details/\?id=(\d+)", response.get_data(as_text=True))]


@pytest.fixture
def three_estates_of_tickets(factories):
    """Tickets in three estates and one more the supervisor does not see, received in turns
    (estate 1, 2, 3, 1, …) with every other pair in the same minute, statuses in turns."""
    estates = [factories.estate() for _ in range(4)]
    statuses = [TicketStatus.open, TicketStatus.in_progress, TicketStatus.resolved]
    tickets = []
    for i in range(60):
        estate = estates[i % 4]
        ticket = factories.ticket(
            estate,
            category=TicketCategory.repair,
            received_at=START + timedelta(minutes=i // 2),
            status=statuses[i % 3],
        )
        tickets.append(
            (ticket.id, estate.id, ticket.number, ticket.status.value, ticket.received_at)
        )
    return estates, tickets


BY_NUMBER = lambda t: (t[2], t[4], t[0])  # noqa: E731 - number, then received, then id
BY_STATUS = lambda t: (t[3], t[4], t[0])  # noqa: E731 - status, then received, then id


@pytest.mark.parametrize(
    ("sort", "key", "descending"),
    [
        ("", lambda t: (t[4], t[0]), True),  # the default: newest first
        ("sort=0", BY_NUMBER, False),
        ("sort=0", BY_NUMBER, True),
        ("sort=3", BY_STATUS, False),
        ("sort=3", BY_STATUS, True),
    ],
)
def test_pages_of_several_estates_follow_one_order(
    sort, key, descending, three_estates_of_tickets, factories, login
):
    estates, tickets = three_estates_of_tickets
    c = login(factories.staff(Role.supervisor, estates=estates[:3]))
    mine = [t for t in tickets if t[1] != estates[3].id]
    expected = [t[0] for t in sorted(mine, key=key, reverse=descending)]
    url = f"/admin/ticket/?{sort}" + ("&desc=1" if descending and sort else "")

    pages = [_ids_on(c, f"{url}&page={page}") for page in range(3)]

    assert [len(p) for p in pages] == [25, 20, 0]
    assert [i for p in pages for i in p] == expected
