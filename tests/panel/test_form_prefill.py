"""A form opened from a record's page starts with that record's unit and resident
(?unit=<id>&resident=<id>), looked up in the user's estates: another estate's is ignored."""

from __future__ import annotations

import pytest

from admin_app.models import Role

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
