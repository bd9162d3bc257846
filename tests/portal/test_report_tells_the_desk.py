"""A repair a resident reports on /r/ is promised a technician ("已受理，即将安排维修员"): when no
technician took it at once, the estate's front desk hears of it in its inbox, in the report's
own transaction — the work order to dispatch, or the ticket to make one of."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Estate, Role, Ticket, Trade, WorkOrder, WorkOrderStatus


@pytest.fixture
def office(factories):
    w = factories.two_estates()
    w.desk = factories.staff(Role.receptionist, estates=[w.a], name="前台甲")
    w.other_desk = factories.staff(Role.receptionist, estates=[w.b], name="前台乙")
    return w


def report(client, **fields):
    data = {"category": "repair", "location": "厨房", "description": "水管漏水", **fields}
    response = client.post("/r/report", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def inbox(login, who) -> str:
    return login(who, lang="zh-CN").get("/admin/inbox/").get_data(as_text=True)


def test_a_leak_reported_online_waits_in_the_desks_inbox(office, resident_client, in_app, login):
    report(resident_client(office.resident_a), trade="plumbing")
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert order.status is WorkOrderStatus.new
        number = order.number
    page = inbox(login, office.desk)
    assert f"{number}：住户在网上报修，尚未派工，请安排维修员。" in page
    assert number not in inbox(login, office.other_desk)  # another estate's desk: nothing


def test_a_repair_of_unknown_kind_tells_the_desk_of_its_ticket(
    office, resident_client, in_app, login
):
    report(resident_client(office.resident_a))
    with in_app():
        assert db.session.query(WorkOrder).count() == 0
        number = db.session.query(Ticket).one().number
    assert f"{number}：住户在网上报修，尚未派工" in inbox(login, office.desk)


def test_a_repair_dispatched_automatically_leaves_the_desk_alone(
    office, factories, resident_client, in_app, login
):
    tech = factories.staff(Role.technician, estates=[office.a], trades=[Trade.plumbing])
    with in_app():
        db.session.get(Estate, office.a.id).auto_dispatch = {"plumbing"}
        db.session.commit()
    report(resident_client(office.resident_a), trade="plumbing", emergency="y")
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert order.technician_id == tech.id
        number = order.number
    assert number not in inbox(login, office.desk)


def test_a_suggestion_left_online_reaches_the_desk(office, resident_client, in_app, login):
    report(resident_client(office.resident_a), category="suggestion", description="晚上路灯太暗")
    with in_app():
        number = db.session.query(Ticket).one().number
    assert f"{number}：住户在网上留了建议，请答复并记录答复。" in inbox(login, office.desk)
    assert number not in inbox(login, office.other_desk)
