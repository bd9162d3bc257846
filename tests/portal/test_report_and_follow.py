"""A resident reports a leak with a photo; it is a ticket on the desk's path (channel online,
the resident as reporter, the work order made and dispatched automatically), followed on the
resident's pages: the technician's name, the arrival, the quote to accept where allowed."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    AuditRecord,
    Channel,
    Estate,
    Role,
    Staff,
    Ticket,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.work_orders import operations as work_orders

S = WorkOrderStatus


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (70, 130, 180)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(factories, in_app):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="刘师傅")
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a], name="李主管")
    with in_app():
        estate = db.session.get(Estate, w.a.id)
        estate.auto_dispatch = {"plumbing"}
        db.session.commit()
    return w


def report_leak(client, **fields):
    data = {
        "category": "repair",
        "trade": "plumbing",
        "emergency": "y",
        "location": "厨房",
        "description": "水管漏水",
        "photos": (io.BytesIO(png()), "leak.png"),
        **fields,
    }
    return client.post("/r/report", data, content_type="multipart/form-data")


def test_a_reported_leak_is_an_online_ticket_dispatched_at_once(world, resident_client, in_app):
    client = resident_client(world.resident_a)
    response = report_leak(client)
    assert response.status_code == 302
    with in_app():
        ticket = db.session.query(Ticket).one()
        assert ticket.channel is Channel.online
        assert ticket.resident_id == world.resident_a.id and ticket.unit_id == world.unit_a.id
        assert ticket.reporter_name == "甲住户" and ticket.received_by_id is None
        assert len(ticket.attachments) == 1
        order = db.session.query(WorkOrder).one()
        assert order.ticket_id == ticket.id and order.is_emergency
        assert order.status is S.dispatched and order.technician_id == world.tech.id
        assert order.arrive_by is not None  # the 15-minute emergency deadline applies
        made = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="ticket", entity_id=ticket.id, action="report_online")
            .first()
        )
        assert made.actor_id is None and made.resident_actor_id == world.resident_a.id
        assert made.who == "Resident 甲**"
    page = client.get(response.location).get_data(as_text=True)
    assert "刘师傅" in page and "A technician is assigned" in page
    photo = client.get(f"/r/photos/{ticket.attachments[0].id}?thumb=1")
    assert photo.status_code == 200 and photo.mimetype == "image/png"


def test_a_repair_with_a_preferred_time_has_it_as_the_appointment(world, resident_client, in_app):
    client = resident_client(world.resident_a, lang="zh-CN,zh;q=0.9")
    when = (clock.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    response = report_leak(client, emergency="", preferred_time=when.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 302
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert order.appointment_at == when and order.status is S.dispatched
    page = client.get(response.location).get_data(as_text=True)
    assert "刘师傅" in page
    assert when.strftime("%Y-%m-%d %H:%M") in page


def test_a_complaint_waits_for_the_desk(world, resident_client, in_app):
    client = resident_client(world.resident_a)
    response = client.post("/r/report", {"category": "complaint", "description": "楼道太吵"})
    assert response.status_code == 302
    with in_app():
        ticket = db.session.query(Ticket).one()
        assert ticket.category.value == "complaint" and ticket.status.value == "open"
        assert db.session.query(WorkOrder).count() == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_kept(world, resident_client, in_app):
    client = resident_client(world.resident_a)
    response = report_leak(client, photos=(io.BytesIO(b"MZ\x90\x00not a photo"), "x.png"))
    assert response.status_code == 200
    with in_app():
        assert db.session.query(Ticket).count() == 0


def quoted(world, in_app, allowed: bool):
    with in_app():
        estate = db.session.get(Estate, world.a.id)
        estate.remote_quote_acceptance = allowed
        tech = db.session.get(Staff, world.tech.id)
        order = WorkOrder(
            estate_id=world.a.id,
            unit_id=world.unit_a.id,
            resident_id=world.resident_a.id,
            description="换水龙头",
            trade=Trade.plumbing,
            technician_id=tech.id,
            status=S.arrived,
        )
        db.session.add(order)
        db.session.flush()
        work_orders.quote(
            order,
            tech,
            lines=[
                work_orders.LineInput(
                    quantity=Decimal(1),
                    labour=Decimal("50"),
                    materials=Decimal("35.5"),
                    description="水龙头",
                    reason="现场更换",
                )
            ],
        )
        db.session.commit()
        return order.id


def test_the_resident_accepts_the_quote_where_the_estate_allows(world, resident_client, in_app):
    order_id = quoted(world, in_app, allowed=True)
    client = resident_client(world.resident_a)
    page = client.get(f"/r/orders/{order_id}").get_data(as_text=True)
    assert "水龙头" in page and "85.50" in page and "Accept the quote" in page
    response = client.post(f"/r/orders/{order_id}/quote", {"accept": "1"})
    assert response.status_code == 302
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is S.in_progress and order.quote_accepted is True
        entry = (
            db.session.query(AuditRecord)
            .filter_by(entity_type="work_order", entity_id=order_id, action="accept_quote")
            .one()
        )
        assert entry.actor_id is None and entry.who == "Resident 甲**"


def test_the_resident_declines_the_quote(world, resident_client, in_app):
    order_id = quoted(world, in_app, allowed=True)
    client = resident_client(world.resident_a)
    client.post(f"/r/orders/{order_id}/quote", {"decline": "1"})
    with in_app():
        assert db.session.get(WorkOrder, order_id).status is S.declined


def test_where_the_estate_does_not_allow_it_the_answer_is_given_at_the_door(
    world, resident_client, in_app
):
    order_id = quoted(world, in_app, allowed=False)
    client = resident_client(world.resident_a)
    page = client.get(f"/r/orders/{order_id}").get_data(as_text=True)
    assert "85.50" in page and "Accept the quote" not in page
    client.post(f"/r/orders/{order_id}/quote", {"accept": "1"})
    with in_app():
        assert db.session.get(WorkOrder, order_id).status is S.quoted


def test_the_supervisor_sets_remote_acceptance_in_the_estate_settings(world, login, in_app):
    client = login(world.supervisor)
    response = client.post(
        "/admin/estate_settings/remote-quotes/", {"estate": str(world.a.id), "remote_quotes": "1"}
    )
    assert response.status_code == 302
    with in_app():
        assert db.session.get(Estate, world.a.id).remote_quote_acceptance is True


def test_the_office_sees_the_resident_in_the_ticket_s_history(
    world, resident_client, login, in_app
):
    report_leak(resident_client(world.resident_a))
    with in_app():
        ticket_id = db.session.query(Ticket).one().id
    desk = login(world.supervisor)
    page = desk.get(f"/admin/ticket/details/?id={ticket_id}").get_data(as_text=True)
    assert "Resident 甲**" in page and "Reported online by the resident" in page


def test_reports_are_limited_per_resident(world, resident_client, app, monkeypatch, in_app):
    monkeypatch.setitem(app.config, "PORTAL_REPORT_LIMIT", "2 per hour")
    client = resident_client(world.resident_a)
    sent = [
        client.post("/r/report", {"category": "suggestion", "description": f"建议{n}"})
        for n in range(3)
    ]
    assert [r.status_code for r in sent] == [302, 302, 429]
    assert "many reports" in sent[2].get_data(as_text=True)
    with in_app():
        assert db.session.query(Ticket).count() == 2


def test_the_quote_online_shows_the_damage_found_at_the_door(world, resident_client, in_app):
    """Accepting online confirms what the technician recorded at the door, as signing there
    would: the resident reads it beside the quote."""
    order_id = quoted(world, in_app, allowed=True)
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        order.arrival_damage = "阀门外壳原有裂纹 <b>"
        db.session.commit()
    page = resident_client(world.resident_a, lang="zh-CN").get(f"/r/orders/{order_id}")
    text = page.get_data(as_text=True)
    damage = text.split(f'id="portal-damage-{order_id}"')[1].split("</div>")[0]
    assert "到场时发现的损坏" in damage and "阀门外壳原有裂纹 &lt;b&gt;" in damage
    assert text.index(f"portal-damage-{order_id}") < text.index(f"portal-accept-{order_id}")


def test_the_resident_reads_his_requests_in_his_own_words(world, resident_client, in_app):
    """Not the office's filing: "报修", not "报修/有偿服务"; a 维修单, not a 派工单."""
    order_id = quoted(world, in_app, allowed=True)
    client = resident_client(world.resident_a, lang="zh-CN")
    page = client.get(f"/r/orders/{order_id}").get_data(as_text=True)
    with in_app():
        number = db.session.get(WorkOrder, order_id).number
    assert f"维修单 {number}" in page and "派工单" not in page
    with in_app():
        from admin_app.models import Ticket, TicketCategory

        ticket = Ticket(
            estate_id=world.a.id,
            unit_id=world.unit_a.id,
            resident_id=world.resident_a.id,
            category=TicketCategory.repair,
            description="厨房漏水",
            received_at=clock.now(),
        )
        db.session.add(ticket)
        db.session.commit()
    listed = client.get("/r/requests").get_data(as_text=True)
    assert "· 报修" in listed and "报修/有偿服务" not in listed
