"""A details page costs the same queries whether the record has one change in its history or
two hundred: the latest changes are shown (older ones on demand), their actors come with the
entries, and the records the changes name (a technician, a unit…) are read once per kind.

Every entry here is by a staff member of its own and names a unit and a staff member of its
own, so a lookup per entry would show up as more queries. Counted, not timed.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import AuditRecord, Role, Staff, Unit

from ..conftest import picked, statements_run

MANY = 200
_calls = itertools.count()
# (resource, the foreign keys its history names: column -> the model's table)
PAGES = [
    ("ticket", {"assignee_id": Staff, "unit_id": Unit}),
    ("work_order", {"technician_id": Staff, "unit_id": Unit}),
]


def _staff_and_units(estate_id: int, count: int) -> tuple[list[int], list[int]]:
    """`count` staff members and units, written in one statement each (no password hashing)."""
    tag = f"h{next(_calls)}"
    db.session.execute(
        insert(Staff),
        [
            {
                "username": f"{tag}-{i}",
                "password_hash": "-",
                "name": f"师傅{i}",
                "role": Role.technician,
                "session_token": f"{i:032d}",
            }
            for i in range(count)
        ],
    )
    db.session.execute(
        insert(Unit),
        [
            {"estate_id": estate_id, "building": tag, "entrance": "1", "room": f"{i}", "floor": 1}
            for i in range(count)
        ],
    )
    staff = db.session.scalars(select(Staff.id).where(Staff.username.like(f"{tag}-%"))).all()
    units = db.session.scalars(
        select(Unit.id).where(Unit.estate_id == estate_id, Unit.building == tag)
    ).all()
    return list(staff), list(units)


def _history(app, resource: str, record_id: int, estate_id: int, links: dict, count: int):
    """`count` changes of the record, each by a different person, each naming a different
    staff member and unit (the one before it as the old value)."""
    with app.app_context():
        staff, units = _staff_and_units(estate_id, count + 1)
        staff_field, unit_field = links
        start = clock.now() - timedelta(days=1)
        db.session.execute(
            insert(AuditRecord),
            [
                {
                    "at": start + timedelta(minutes=i),
                    "actor_id": staff[i],
                    "action": "update",
                    "entity_type": resource,
                    "entity_id": record_id,
                    "estate_id": estate_id,
                    "changes": {
                        staff_field: [staff[i], staff[i + 1]],
                        unit_field: [units[i], units[i + 1]],
                        "description": [f"第{i}次", f"第{i + 1}次"],
                    },
                }
                for i in range(count)
            ],
        )
        db.session.commit()


def _queries_for(app, c, url: str) -> tuple[int, str]:
    statements, page = _statements_for(app, c, url)
    return len(statements), page


def _statements_for(app, c, url: str) -> tuple[list[str], str]:
    with statements_run(app) as statements:
        response = c.get(url)
        page = response.get_data(as_text=True)
    assert response.status_code == 200, url
    return statements, page


def _record(factories, resource: str, estate):
    if resource == "ticket":
        return factories.ticket(estate)
    return factories.work_order(estate)


def _entries(page: str) -> int:
    body = page.split('class="table table-sm table-striped history-table"')[1]
    return body.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")


@pytest.mark.parametrize(("resource", "links"), PAGES)
def test_a_details_page_costs_the_same_with_1_or_200_changes(
    resource, links, app, factories, login
):
    estate = factories.estate()
    c = login(factories.staff(Role.supervisor, estates=[estate]))
    short, long = _record(factories, resource, estate), _record(factories, resource, estate)
    _history(app, resource, short.id, estate.id, links, 1)
    _history(app, resource, long.id, estate.id, links, MANY)
    url = f"/admin/{resource}/details/?id={{}}"
    c.get(url.format(short.id))  # warm: translations and menus are cached per process

    one, one_page = _queries_for(app, c, url.format(short.id))
    latest, latest_page = _queries_for(app, c, url.format(long.id))
    every, every_page = _queries_for(app, c, url.format(long.id) + f"&history={MANY + 20}")

    created = _entries(one_page) - 1  # the record's creation is in its history too
    assert _entries(latest_page) == 20  # the latest page of changes
    assert 'id="history-more"' in latest_page and 'id="history-more"' not in one_page
    assert _entries(every_page) == MANY + created
    assert "师傅200 (" in every_page  # the staff member the last change names, by name
    assert one == latest == every, f"{resource}: {one}, {latest} and {every} queries"


def test_older_changes_are_shown_on_demand_newest_first(app, factories, login):
    estate = factories.estate()
    c = login(factories.staff(Role.supervisor, estates=[estate]))
    ticket = factories.ticket(estate)
    _history(app, "ticket", ticket.id, estate.id, PAGES[0][1], 45)
    page = c.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    more = re.search(r'id="history-more" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "history=40" in more

    older = c.get(more).get_data(as_text=True)
    shown = re.findall(r"第(\d+)次 → 第\d+次", older)
    # the 40 latest, newest first: the record being created (now), then changes 44 to 6
    assert [int(n) for n in shown] == list(range(44, 5, -1))
    everything = c.get(more.replace("history=40", "history=60")).get_data(as_text=True)
    assert 'id="history-more"' not in everything
    assert c.get(f"/admin/ticket/details/?id={ticket.id}&history=abc").status_code == 200


@pytest.mark.parametrize("page", ["edit", "details"])
def test_a_form_or_details_page_reads_the_records_it_names_with_the_record(
    app, factories, login, page
):
    # The ticket, unit and resident (and, on the details page, the technician) a work order
    # names come with the order in one query — never one query each, by id. (The history's
    # entries name them too: those are read once per kind, `IN (…)`.)
    w = factories.two_estates()
    unit = factories.unit(w.a)
    resident = factories.resident(unit)
    ticket = factories.ticket(w.a)
    tech = factories.staff(Role.technician, estates=[w.a]) if page == "details" else None
    bare = factories.work_order(w.a)
    order = factories.work_order(
        w.a,
        unit_id=unit.id,
        resident_id=resident.id,
        ticket_id=ticket.id,
        technician_id=tech.id if tech else None,
    )
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    c.get(f"/admin/work_order/{page}/?id={bare.id}")  # the first page of a login reads more
    without, _ = _statements_for(app, c, f"/admin/work_order/{page}/?id={bare.id}")
    statements, shown = _statements_for(app, c, f"/admin/work_order/{page}/?id={order.id}")
    assert [s for s in statements if ONE_RECORD.search(s)] == []
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    # The join order is fixed only for the details page's many tables; a form's few are
    # planned faster than two more statements take (panel/base.py, get_one).
    planner = [s for s in statements if "join_collapse_limit" in s]
    assert len(planner) == (2 if postgres and page == "details" else 0)
    if page == "edit":
        # Its lookups read a record through their own (scoped) query when it is not loaded
        # yet: an order naming them all costs what an order naming none costs.
        assert len(statements) == len(without)
        assert picked(shown, "resident")[0] == resident.id  # and the page still shows them
        assert picked(shown, "ticket")[0] == ticket.id
    else:
        assert ticket.number in shown and tech.name in shown


# A many-to-one relation read lazily: "… FROM unit WHERE unit.id = ?" (or "= %(pk_1)s").
ONE_RECORD = re.compile(r"FROM (ticket|unit|resident|staff)\s+WHERE \1\.id = ")


def test_the_records_query_keeps_its_joins_order_and_nothing_after_it_does(app):
    """panel/base.py: PostgreSQL takes the record's joins in the order written for that one
    query (it weighed every order: most of the details page's database time); the setting
    is back for whatever the request reads next."""
    from sqlalchemy import text

    from admin_app.panel.base import joins_as_written

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL planner setting; SQLite has no such planner")
        setting = text("SHOW join_collapse_limit")
        before = db.session.execute(setting).scalar()
        with joins_as_written():
            assert db.session.execute(setting).scalar() == "1"
        assert db.session.execute(setting).scalar() == before == "8"
        db.session.rollback()
