"""Every state-changing request needs the CSRF token of the user's own session."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Unit


@pytest.fixture
def setup(factories):
    world = factories.two_estates()
    admin = factories.staff(Role.admin, estates=[world.a])
    return world, admin


def requests_for(world):
    unit = world.unit_a.id
    form = {
        "estate": world.a.id,
        "building": "CSRF",
        "entrance": "",
        "room": "1",
        "kind": "residential",
        "occupancy": "vacant",
    }
    return [
        ("/admin/unit/new/", form),
        (f"/admin/unit/edit/?id={unit}", {**form, "building": "CSRF-EDIT"}),
        ("/admin/unit/delete/", {"id": unit}),
        ("/admin/unit/action/", {"action": "delete", "rowid": unit}),
        ("/admin/unit/ajax/update/", {"list_form_pk": unit, "occupancy": "rented"}),
        ("/language", {"lang": "en"}),
        ("/logout", {}),
    ]


@pytest.mark.parametrize("index", range(7))
def test_post_without_token_is_rejected(setup, login, in_app, index):
    world, admin = setup
    c = login(admin)
    url, data = requests_for(world)[index]
    response = c.post(url, data, csrf=False)
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    with in_app():
        unit = db.session.get(Unit, world.unit_a.id)
        assert unit is not None and unit.building == "1" and unit.occupancy.value == "vacant"
        assert db.session.query(Unit).filter(Unit.building.like("CSRF%")).count() == 0
    assert c.get("/admin/").status_code == 200  # still logged in: logout was refused too


@pytest.mark.parametrize("index", range(5))
def test_token_of_another_session_is_rejected(app, setup, login, factories, in_app, index):
    world, admin = setup
    stranger = login(factories.staff(Role.admin, estates=[world.a]))
    c = login(admin)
    url, data = requests_for(world)[index]
    response = c.post(url, {**data, "csrf_token": stranger.csrf_token()}, csrf=False)
    assert response.status_code == 400


def test_login_form_needs_the_token(client, factories):
    factories.staff(Role.guard, estates=[factories.estate()], username="gate")
    assert (
        client.post(
            "/login", {"username": "gate", "password": "secret-pass-1"}, csrf=False
        ).status_code
        == 400
    )
