"""A record naming a unit and a resident names one of the unit's residents: the resident box
lists the unit's residents once a unit is picked, and a resident of another unit is refused
under the resident's field (a repair for 1-1-801 never goes out with the phone of someone in
1-1-101). The API's tickets keep the same rule
(tests/api/test_writes.py)."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Ticket, WorkOrder


@pytest.fixture
def building(factories):
    w = factories.two_estates()
    w.u801 = factories.unit(w.a, building="2", entrance="1", room="801")
    w.u101 = factories.unit(w.a, building="2", entrance="1", room="101")
    w.in_801 = factories.resident(w.u801, name="张明", phone="13911110801")
    w.in_101 = factories.resident(w.u101, name="黎俊兰", phone="13911110101")
    return w


def _repair_call(**fields) -> dict:
    return {
        "estate": "",
        "category": "inquiry",
        "channel": "phone",
        "unit": "",
        "resident": "",
        "reporter_name": "",
        "reporter_phone": "",
        "description": "厨房水管漏水",
        **fields,
    }


def _count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [
        (None, "黎俊兰 lives in Bldg 2, Ent. 1, Rm 101, not in the unit chosen"),
        ("zh-CN", "黎俊兰住在2栋1单元101室，不在所选房屋"),
    ],
)
def test_a_resident_of_another_unit_is_refused_and_the_form_kept(
    app, building, factories, login, lang, refusal
):
    w = building
    desk = login(factories.staff(Role.receptionist, estates=[w.a]), lang=lang)
    page = desk.post("/admin/ticket/new/", data=_repair_call(unit=w.u801.id, resident=w.in_101.id))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert refusal in text
    assert "厨房水管漏水" in text  # nothing typed is lost
    assert _count(app, Ticket) == 0


def test_a_resident_of_the_unit_picked_is_saved(app, building, factories, login):
    w = building
    desk = login(factories.staff(Role.receptionist, estates=[w.a]))
    saved = desk.post("/admin/ticket/new/", data=_repair_call(unit=w.u801.id, resident=w.in_801.id))
    assert saved.status_code == 302
    with app.app_context():
        ticket = db.session.query(Ticket).one()
        assert (ticket.unit_id, ticket.resident_id) == (w.u801.id, w.in_801.id)
        assert ticket.reporter_phone == "13911110801"


def test_a_work_order_edited_to_another_units_resident_is_refused(app, building, factories, login):
    w = building
    order = factories.work_order(w.a, unit_id=w.u801.id, resident_id=w.in_801.id)
    supervisor = login(factories.staff(Role.supervisor, estates=[w.a]))
    form = supervisor.get(f"/admin/work_order/edit/?id={order.id}").get_data(as_text=True)
    assert 'data-narrowed-by="unit"' in form
    page = supervisor.post(
        f"/admin/work_order/edit/?id={order.id}",
        data={"unit": w.u801.id, "resident": w.in_101.id, "description": "换水龙头"},
    )
    assert page.status_code == 200
    assert "黎俊兰 lives in Bldg 2, Ent. 1, Rm 101" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(WorkOrder, order.id).resident_id == w.in_801.id


def lookup(client, query: str = "", **narrowed) -> list[str]:
    response = client.get(
        "/admin/ticket/ajax/lookup/",
        query_string={"name": "resident", "query": query, "limit": 10, **narrowed},
    )
    assert response.status_code == 200
    return [text for _, text in response.get_json()]


def test_the_resident_box_lists_the_residents_of_the_unit_picked(building, factories, login):
    w = building
    desk = login(factories.staff(Role.receptionist, estates=[w.a]))
    form = desk.get("/admin/ticket/new/").get_data(as_text=True)
    assert 'data-narrowed-by="unit"' in form  # linked-lookups.js sends the unit along
    everyone = {"甲住户 (13800000001)", "张明 (13911110801)", "黎俊兰 (13911110101)"}
    assert set(lookup(desk)) == everyone
    assert lookup(desk, unit=w.u801.id) == ["张明 (13911110801)"]
    assert lookup(desk, "黎", unit=w.u801.id) == []
    # Another estate's unit names nobody the desk may see; a unit that is no id is ignored.
    assert lookup(desk, unit=w.unit_b.id) == []
    assert set(lookup(desk, unit="x'")) == everyone
