"""A resident who has moved out is no one to pick for new work: the resident box (searched or
narrowed to the unit) and the call page's caller search leave him out, so a repair for the
flat never goes out with his name and phone. A record that already names him keeps him,
marked （已搬离）, and saves as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Resident, Role, Ticket

from ..conftest import picked


@pytest.fixture
def flat(factories, in_app):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台甲")
    w.former = factories.resident(w.unit_a, name="甲前业主", phone="13700000009")
    w.ticket = factories.ticket(w.a, unit_id=w.unit_a.id, resident_id=w.former.id)
    with in_app():
        db.session.get(Resident, w.former.id).move_out = clock.today() - timedelta(days=1)
        db.session.commit()
    return w


def lookup(client, query: str = "", **narrowed) -> list[str]:
    response = client.get(
        "/admin/ticket/ajax/lookup/",
        query_string={"name": "resident", "query": query, "limit": 10, **narrowed},
    )
    assert response.status_code == 200
    return [text for _, text in response.get_json()]


def test_the_resident_box_offers_only_who_lives_there(flat, login):
    desk = login(flat.desk)
    assert lookup(desk, "甲") == ["甲住户 (13800000001)"]
    assert lookup(desk, "1370000") == []
    assert lookup(desk, unit=flat.unit_a.id) == ["甲住户 (13800000001)"]


def test_the_call_page_finds_only_who_lives_there(flat, login):
    page = login(flat.desk).get("/admin/ticket/call/?q=1-101").get_data(as_text=True)
    assert "甲住户" in page and "甲前业主" not in page
    by_phone = login(flat.desk).get("/admin/ticket/call/?q=13700000009").get_data(as_text=True)
    assert "甲前业主" not in by_phone


def test_a_record_naming_a_former_resident_shows_him_marked_and_saves(flat, login, in_app):
    desk = login(flat.desk, lang="zh-CN")
    form = desk.get(f"/admin/ticket/edit/?id={flat.ticket.id}").get_data(as_text=True)
    assert picked(form, "resident") == [flat.former.id, "甲前业主 (13700000009)（已搬离）"]
    saved = desk.post(
        f"/admin/ticket/edit/?id={flat.ticket.id}",
        data={
            "estate": flat.a.id,
            "unit": flat.unit_a.id,
            "resident": flat.former.id,
            "category": "repair",
            "channel": "phone",
            "description": "厨房水龙头漏水，已换新",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:600]
    with in_app():
        ticket = db.session.get(Ticket, flat.ticket.id)
        assert ticket.resident_id == flat.former.id
        assert ticket.description == "厨房水龙头漏水，已换新"
