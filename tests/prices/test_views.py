"""The price list screen per role: supervisors keep their estate's prices, the desk and
technicians read them, another estate's prices do not exist; cleaning's items wait for prices."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import PriceItem, PriceUnit, Role, Trade


@pytest.fixture
def world(factories, app):
    w = factories.two_estates()
    with app.app_context():
        rows = [
            PriceItem(
                estate_id=estate.id,
                kind=Trade.plumbing,
                name=name,
                unit=PriceUnit.piece,
                labour_price=Decimal("30.00"),
                materials_price=Decimal("45.00"),
                valid_from=clock.today() - timedelta(days=5),
            )
            for estate, name in ((w.a, "甲龙头"), (w.b, "乙龙头"))
        ]
        db.session.add_all(rows)
        db.session.commit()
        w.item_a, w.item_b = rows[0].id, rows[1].id
    return w


ROLES = {  # written out independently of auth/permissions.py: who may see, who may keep it
    Role.supervisor: (200, True),
    Role.director: (200, True),
    Role.admin: (200, True),
    Role.receptionist: (200, False),
    Role.technician: (200, False),
    Role.guard: (403, False),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_sees_and_who_keeps_the_price_list(factories, login, world, role):
    seen, keeps = ROLES[role]
    user = factories.staff(role, estates=[world.a], trades=[Trade.plumbing])
    client = login(user)
    page = client.get("/admin/price_item/")
    assert page.status_code == seen
    assert client.get("/admin/price_item/new/").status_code == (200 if keeps else 403)
    assert client.get(f"/admin/price_item/edit/?id={world.item_a}").status_code == (
        200 if keeps else 403
    )
    if seen == 200:
        assert "甲龙头" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.supervisor, Role.receptionist, Role.technician])
def test_another_estates_prices_do_not_exist(factories, login, world, role):
    client = login(factories.staff(role, estates=[world.a]))
    assert "乙龙头" not in client.get("/admin/price_item/").get_data(as_text=True)
    assert client.get(f"/admin/price_item/details/?id={world.item_b}").status_code == 404


def test_a_supervisor_adds_a_new_price_from_a_later_date(factories, login, world, app):
    client = login(factories.staff(Role.supervisor, estates=[world.a]))
    later = (clock.today() + timedelta(days=7)).isoformat()
    form = {
        "estate": str(world.a.id),
        "kind": "plumbing",
        "name": "甲龙头",
        "unit": "piece",
        "labour_price": "35.00",
        "materials_price": "45.00",
        "valid_from": later,
    }
    assert client.post("/admin/price_item/new/", form).status_code == 302
    again = client.post("/admin/price_item/new/", form)
    assert "already has a price from that date" in again.get_data(as_text=True)
    theirs = client.post("/admin/price_item/new/", {**form, "estate": str(world.b.id)})
    assert theirs.status_code == 200
    with app.app_context():
        rows = db.session.query(PriceItem).filter_by(name="甲龙头").all()
        assert sorted(r.labour_price for r in rows) == [Decimal("30.00"), Decimal("35.00")]
        assert db.session.query(PriceItem).filter_by(estate_id=world.b.id).count() == 1


def test_cleaning_items_wait_for_prices_when_the_list_is_first_opened(factories, login, world, app):
    desk = login(factories.staff(Role.receptionist, estates=[world.a]))
    desk.get("/admin/price_item/")
    with app.app_context():  # reading it adds nothing
        assert db.session.query(PriceItem).filter_by(kind=Trade.cleaning).count() == 0
    supervisor = login(factories.staff(Role.supervisor, estates=[world.a]))
    page = supervisor.get("/admin/price_item/").get_data(as_text=True)
    assert "set their prices" in page and "Wiping furniture" in page
    assert page.count("No price yet") == 6 and page.count(">Set the price</a>") == 6
    supervisor.get("/admin/price_item/")
    with app.app_context():
        rows = db.session.query(PriceItem).filter_by(kind=Trade.cleaning).all()
        assert len(rows) == 6 and {r.estate_id for r in rows} == {world.a.id}


def test_the_list_says_which_price_is_in_force_and_offers_a_new_one(factories, login, world, app):
    with app.app_context():
        db.session.add(
            PriceItem(
                estate_id=world.a.id,
                kind=Trade.plumbing,
                name="甲龙头",
                unit=PriceUnit.piece,
                labour_price=Decimal("40.00"),
                valid_from=clock.today() + timedelta(days=3),
            )
        )
        db.session.commit()
    supervisor = login(factories.staff(Role.supervisor, estates=[world.a]))
    page = supervisor.get("/admin/price_item/?flt0_kind_equals=plumbing").get_data(as_text=True)
    later = (clock.today() + timedelta(days=3)).isoformat()
    assert "In force" in page and f"From {later}" in page
    assert f"/admin/price_item/new/?source={world.item_a}" in page
    form = supervisor.get(f"/admin/price_item/new/?source={world.item_a}").get_data(as_text=True)
    assert 'value="甲龙头"' in form and 'value="30.00"' in form
    assert re.search(r'<option[^>]*selected[^>]*value="piece"|value="piece"[^>]*selected', form)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert f'value="{tomorrow}"' in form
    desk = login(factories.staff(Role.receptionist, estates=[world.a]))
    assert "/admin/price_item/new/" not in desk.get("/admin/price_item/").get_data(as_text=True)
    # another estate's row is no source: the form starts empty
    theirs = supervisor.get(f"/admin/price_item/new/?source={world.item_b}")
    assert "乙龙头" not in theirs.get_data(as_text=True)
