"""A supervisor of several estates sees the same pages as before the list was read estate by
estate: every sort, both directions, page after page, each row once, in the one order of all
their estates' rows together (ties broken the same way), and nothing of another estate."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from admin_app.extensions import db
from admin_app.models import Resident, Role, TicketCategory, TicketStatus

from ..conftest import statements_run

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


def _statements_of(app, client, url: str) -> list[str]:
    with statements_run(app) as sent:
        assert client.get(url).status_code == 200
    return sent


def _merges(statements: list[str]) -> bool:
    """Whether the page was read as one range per estate (PostgreSQL: a LATERAL over the
    estates' list; SQLite: a UNION ALL of them)."""
    return any("merged_estates" in s or "UNION ALL" in s for s in statements)


def test_ranges_per_estate_only_where_an_index_leads_with_the_estate(app, factories, login, in_app):
    # Residents' sorts have no index led by the estate (their indexes are kept few for the
    # import): one range per estate would walk the move-in index once per estate. Such a page
    # is read in one walk, in the same order. Their default order (newest first) has one
    # (ix_resident_estate_list) and is merged, in the same order as one walk gives; so are
    # tickets.
    estates = [factories.estate() for _ in range(4)]
    residents = []
    for i in range(24):
        estate = estates[i % 4]
        unit = factories.unit(estate, room=f"{i:03d}")
        resident = factories.resident(unit, name=f"住户{i}", phone=f"139{i:08d}")
        residents.append((resident.id, estate.id, START.date() + timedelta(days=i // 3)))
        factories.ticket(estate)
    with in_app():
        for resident_id, _, move_in in residents:  # pairs moved in on the same day
            db.session.get(Resident, resident_id).move_in = move_in
        db.session.commit()
    c = login(factories.staff(Role.supervisor, estates=estates[:3]))
    mine = [r for r in residents if r[1] != estates[3].id]

    for descending in (False, True):
        url = "/admin/resident/?sort=" + str(_sort_index(app, "resident", "move_in"))
        url += "&desc=1" if descending else ""
        assert not _merges(_statements_of(app, c, url))
        expected = sorted(mine, key=lambda r: (r[2], r[0]), reverse=descending)
        assert _ids_on(c, url) == [r[0] for r in expected]
    assert _merges(_statements_of(app, c, "/admin/resident/"))
    assert _ids_on(c, "/admin/resident/") == sorted((r[0] for r in mine), reverse=True)
    assert _merges(_statements_of(app, c, "/admin/ticket/"))


def _sort_index(app, endpoint: str, column: str) -> int:
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    with app.test_request_context():
        shown = [name for name, _ in view.get_list_columns()]
    return shown.index(column)


def test_units_listed_estate_by_estate_in_register_order(app, factories, login):
    # A supervisor of several estates reads each estate's units together, as its register
    # reads: building, entrance, floor, room ("101" before "1001", not after it as text; not
    # "1栋 101" of every estate in turn), read in one walk of the estate's index; sorting by
    # building still orders all of them by building (equal ones by id, as before).
    estates = [factories.estate() for _ in range(3)]
    units = []
    for i in range(36):
        estate = estates[(i * 7) % 3]  # created in no particular order of estate or place
        building, entrance, floor = str(1 + i % 2), str(1 + (i // 2) % 2), 1 + (i * 5) % 12
        room = f"{floor}{i:02d}"  # 101 … 1235: as text, "1001" sorts before "101"
        unit = factories.unit(estate, building, room, entrance, floor)
        units.append((unit.id, estate.id, building, entrance, floor, room))
    c = login(factories.staff(Role.supervisor, estates=estates[:2]))
    mine = [u for u in units if u[1] != estates[2].id]

    pages = [_ids_on(c, f"/admin/unit/?page={page}") for page in range(2)]
    assert [i for p in pages for i in p] == [u[0] for u in sorted(mine, key=lambda u: u[1:])]
    assert not _merges(_statements_of(app, c, "/admin/unit/?page=1"))

    by_building = f"/admin/unit/?sort={_sort_index(app, 'unit', 'building')}"
    expected = sorted(mine, key=lambda u: (u[2], u[0]))
    assert _ids_on(c, by_building) == [u[0] for u in expected]
