"""Writes through the API take the front desk's own verbs: the same ticket, work order,
history and reminders as a call typed at the desk — with the integration named in the
history, not a staff member."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    GateCheck,
    PassStatus,
    Reminder,
    Role,
    Ticket,
    TicketStatus,
    VehiclePass,
    WorkOrder,
)


@pytest.fixture
def desk(factories, login, two_estates):
    two_estates.reception = factories.staff(Role.receptionist, estates=[two_estates.a])
    two_estates.browser = login(two_estates.reception)
    return two_estates


def footprint(app, ticket_id) -> dict:
    """What a saved call leaves: its state, its work orders, the history's actions, the
    reminders planned (rules), and who the history names."""
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        orders = db.session.query(WorkOrder).filter_by(ticket_id=ticket_id).all()
        records = [("ticket", ticket_id)] + [("work_order", o.id) for o in orders]
        history = [
            h
            for kind, rid in records
            for h in db.session.query(AuditRecord).filter_by(entity_type=kind, entity_id=rid)
        ]
        reminders = [
            r.rule
            for kind, rid in records
            for r in db.session.query(Reminder).filter_by(entity_type=kind, entity_id=rid)
        ]
        return {
            "status": ticket.status,
            "orders": [(o.kind, o.trade, o.is_emergency, o.status) for o in orders],
            "actions": sorted({(h.entity_type, h.action) for h in history}),
            "reminders": sorted(reminders),
            "actors": {(h.actor_id, h.actor_label) for h in history},
        }


def test_an_emergency_repair_by_api_is_the_desks_call(api, app, desk, make_token, in_app):
    _, secret = make_token([desk.a], name="呼叫中心")
    screen = desk.browser.post(
        f"/admin/ticket/new/?category=repair&resident={desk.resident_a.id}",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "resident": str(desk.resident_a.id),
            "location": "厨房",
            "description": "水管爆裂",
            "trade": "plumbing",
            "is_emergency": "y",
            "work_kind": "home_repair_paid",
        },
    )
    assert screen.status_code == 302
    response = api.post(
        "/tickets",
        {
            "estate_id": desk.a.id,
            "category": "repair",
            "resident_id": desk.resident_a.id,
            "location": "厨房",
            "description": "水管爆裂",
            "trade": "plumbing",
            "is_emergency": True,
        },
        secret,
    )
    assert response.status_code == 201
    made = response.get_json()
    assert made["work_orders"] and made["unit"]["id"] == desk.unit_a.id
    with in_app():
        by_desk = db.session.query(Ticket.id).filter(Ticket.id != made["id"]).scalar()
    desk_side, api_side = footprint(app, by_desk), footprint(app, made["id"])
    for key in ("status", "orders", "actions", "reminders"):
        assert api_side[key] == desk_side[key], key
    assert desk_side["actors"] == {(desk.reception.id, None)}
    assert api_side["actors"] == {(None, "呼叫中心")}


def test_an_inquiry_with_a_callback_gets_the_desks_deadline_and_reminder(
    api, app, desk, make_token
):
    _, secret = make_token([desk.a])
    screen = desk.browser.post(
        "/admin/ticket/new/?category=inquiry",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "reporter_name": "访客李",
            "description": "停车位还有吗？",
            "callback_in": "60",
        },
    )
    assert screen.status_code == 302
    due = (clock.now() + timedelta(minutes=45)).replace(microsecond=0)
    response = api.post(
        "/tickets",
        {
            "estate_id": desk.a.id,
            "category": "inquiry",
            "reporter_name": "访客王",
            "reporter_phone": "13911112222",
            "description": "停车位还有吗？",
            "callback_due_at": due.isoformat(),
        },
        secret,
    )
    assert response.status_code == 201
    made = response.get_json()
    assert made["status"]["value"] == "in_progress"
    assert made["callback_due_at"] == due.isoformat() + "+08:00"  # the office's offset
    assert made["reporter_phone"] == "139****2222" and made["reporter_name"] == "访**"
    side = footprint(app, made["id"])
    with app.app_context():
        by_desk = db.session.query(Ticket.id).filter(Ticket.id != made["id"]).scalar()
    desk_side = footprint(app, by_desk)
    assert side["reminders"] == desk_side["reminders"] and "callback" in side["reminders"]
    assert side["actions"] == desk_side["actions"]
    assert ("ticket", "promise_callback") in side["actions"]


def test_an_inquiry_answered_at_once_is_closed_with_the_answer(api, app, desk, make_token):
    _, secret = make_token([desk.a])
    response = api.post(
        "/tickets",
        {
            "estate_id": desk.a.id,
            "category": "inquiry",
            "description": "物业费怎么交？",
            "answer": "前台或网上缴纳。",
        },
        secret,
    )
    made = response.get_json()
    assert made["status"]["value"] == "closed" and made["result"] == "前台或网上缴纳。"


def test_a_verbs_refusal_is_422_and_nothing_is_written(api, app, desk, make_token):
    _, secret = make_token([desk.a])
    past = (clock.now() - timedelta(hours=1)).isoformat()
    response = api.post(
        "/tickets",
        {
            "estate_id": desk.a.id,
            "category": "inquiry",
            "description": "x",
            "callback_due_at": past,
        },
        secret,
    )
    assert response.status_code == 422
    assert "future" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.query(Ticket).count() == 0


def test_a_vehicle_pass_is_applied_for_and_waits_for_the_office(api, app, desk, make_token):
    _, secret = make_token([desk.a], scopes=["passes:write", "passes:read"])
    today = clock.today()
    response = api.post(
        "/passes",
        {
            "estate_id": desk.a.id,
            "plate": "粤b 12345",
            "resident_id": desk.resident_a.id,
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(),
        },
        secret,
    )
    assert response.status_code == 201
    made = response.get_json()
    assert made["plate"] == "粤B12345" and made["status"]["value"] == "applied"
    assert made["unit"]["id"] == desk.unit_a.id  # taken from the resident, as the form does
    assert made["number"].startswith("AA-VP")
    checked = api.post("/passes/check", {"estate_id": desk.a.id, "code": made["number"]}, secret)
    assert checked.get_json()["valid"] is False  # not approved yet
    assert checked.get_json()["result"]["value"] == "not_approved"
    with app.app_context():
        assert db.session.get(VehiclePass, made["id"]).status is PassStatus.applied
        entry = db.session.query(GateCheck).one()
        assert entry.checked_by_id is None and entry.estate_id == desk.a.id
        history = db.session.query(AuditRecord).filter_by(entity_type="vehicle_pass").one()
        assert history.actor_label and history.actor_id is None
    bad = api.post(
        "/passes",
        {"estate_id": desk.a.id, "plate": "粤B1", "valid_from": "2026-13-01"},
        secret,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"plate", "valid_from"}


def test_the_history_page_names_the_integration(api, app, desk, make_token, login, factories):
    _, secret = make_token([desk.a], name="Gate barrier 1")
    made = api.post(
        "/tickets",
        {"estate_id": desk.a.id, "category": "help", "description": "借梯子"},
        secret,
    ).get_json()
    supervisor = login(factories.staff(Role.supervisor, estates=[desk.a]))
    page = supervisor.get(f"/admin/ticket/details/?id={made['id']}").get_data(as_text=True)
    assert "Gate barrier 1 (API)" in page
    with app.app_context():
        assert db.session.get(Ticket, made["id"]).status is TicketStatus.open


def test_a_ticket_naming_a_resident_of_another_unit_is_422(api, app, desk, make_token, factories):
    """The desk's rule (tests/panel/test_resident_of_unit.py): the resident lives in the unit."""
    other_unit = factories.unit(desk.a, building="2", room="801")
    _, secret = make_token([desk.a])
    response = api.post(
        "/tickets",
        {
            "estate_id": desk.a.id,
            "category": "inquiry",
            "description": "x",
            "unit_id": other_unit.id,
            "resident_id": desk.resident_a.id,
        },
        secret,
    )
    assert response.status_code == 422
    assert (
        "甲住户 lives in Bldg 1, Ent. 1, Rm 101, not in the unit chosen"
        in (response.get_json()["error"]["message"])
    )
    with app.app_context():
        assert db.session.query(Ticket).count() == 0
