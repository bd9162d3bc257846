"""A form opened from a record's page starts with that record's unit and resident
(?unit=<id>&resident=<id>), looked up in the user's estates: another estate's is ignored."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Ticket

from ..conftest import picked


@pytest.fixture
def desk(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="1", room="601")
    w.resident = factories.resident(w.unit, name="王芳", phone="13912345678")
    return w


def test_a_new_ticket_starts_with_the_unit_and_the_resident_named_in_its_url(
    desk, factories, login
):
    w = desk
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    form = c.get(f"/admin/ticket/new/?unit={w.unit.id}&resident={w.resident.id}")
    form = form.get_data(as_text=True)
    assert picked(form, "unit") == [w.unit.id, "Bldg 3, Ent. 1, Rm 601"]
    assert picked(form, "resident") == [w.resident.id, "王芳 (13912345678)"]


def test_the_unit_follows_the_resident_and_the_estate_the_unit(desk, factories, login):
    w = desk
    # Two estates: the form cannot guess the estate, the unit names it.
    c = login(factories.staff(Role.supervisor, estates=[w.b, w.a]))
    form = c.get(f"/admin/ticket/new/?resident={w.resident.id}").get_data(as_text=True)
    assert picked(form, "unit") == [w.unit.id, "Bldg 3, Ent. 1, Rm 601 · 甲小区"]
    assert picked(form, "resident") == [w.resident.id, "王芳 (13912345678) · 甲小区"]
    assert picked(form, "estate")[0] == w.a.id


def test_another_estates_unit_or_resident_is_ignored_and_not_shown(desk, factories, login):
    w = desk
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    response = c.get(f"/admin/ticket/new/?unit={w.unit_b.id}&resident={w.resident_b.id}")
    form = response.get_data(as_text=True)
    assert response.status_code == 200
    assert picked(form, "unit") in (None, [])
    assert picked(form, "resident") in (None, [])
    assert "乙住户" not in form and "13800000002" not in form


def test_a_url_that_is_not_an_id_opens_an_empty_form(desk, factories, login):
    w = desk
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    response = c.get("/admin/ticket/new/?unit=x%27&resident=-1")
    assert response.status_code == 200
    assert picked(response.get_data(as_text=True), "unit") in (None, [])


def test_a_new_work_order_starts_with_the_unit_too(desk, factories, login):
    w = desk
    c = login(factories.staff(Role.receptionist, estates=[w.a]))
    form = c.get(f"/admin/work_order/new/?unit={w.unit.id}").get_data(as_text=True)
    assert picked(form, "unit") == [w.unit.id, "Bldg 3, Ent. 1, Rm 601"]


def _inquiry(**fields) -> dict:
    return {
        "estate": "",
        "category": "inquiry",
        "channel": "phone",
        "unit": "",
        "resident": "",
        "reporter_name": "",
        "reporter_phone": "",
        "description": "询问停车月卡",
        **fields,
    }


def _tickets(app) -> list[tuple]:
    with app.app_context():
        query = db.session.query(Ticket.estate_id, Ticket.unit_id, Ticket.resident_id)
        return query.order_by(Ticket.id).all()


def test_the_unit_or_the_resident_picked_names_the_estate_left_blank(app, desk, factories, login):
    """Someone of two estates picks the unit (shown with its estate) and need not pick the
    estate again; the resident alone names it too."""
    w = desk
    c = login(factories.staff(Role.supervisor, estates=[w.b, w.a]))
    hint = "Left blank, the unit or resident picked names it."
    assert hint in c.get("/admin/ticket/new/").get_data(as_text=True)  # under the estate
    in_chinese = login(factories.staff(Role.supervisor, estates=[w.a, w.b]), lang="zh-CN")
    assert "可不选：按所选房屋或住户所在小区填写" in in_chinese.get("/admin/ticket/new/").get_data(
        as_text=True
    )
    one_estate = login(factories.staff(Role.receptionist, estates=[w.a]))  # his is filled in
    assert hint not in one_estate.get("/admin/ticket/new/").get_data(as_text=True)
    assert c.post("/admin/ticket/new/", data=_inquiry(unit=w.unit.id)).status_code == 302
    assert _tickets(app) == [(w.a.id, w.unit.id, None)]
    assert c.post("/admin/ticket/new/", data=_inquiry(resident=w.resident.id)).status_code == 302
    assert _tickets(app)[1] == (w.a.id, w.unit.id, w.resident.id)


@pytest.mark.parametrize("lang", [None, "zh-CN"])
def test_a_unit_or_an_estate_not_the_users_names_no_estate(app, desk, factories, login, lang):
    w = desk
    c = login(factories.staff(Role.supervisor, estates=[w.a]), lang=lang)
    # Another estate's unit, the estate blank: nothing is saved, the fields say why.
    page = c.post("/admin/ticket/new/", data=_inquiry(unit=w.unit_b.id))
    assert page.status_code == 200
    assert ("Not a valid choice" if lang is None else "不是有效的选项") in page.get_data(
        as_text=True
    )
    # An estate id that is not the user's, with his own unit: refused, not replaced.
    page = c.post("/admin/ticket/new/", data=_inquiry(estate=w.b.id, unit=w.unit.id))
    assert page.status_code == 200
    assert _tickets(app) == []
