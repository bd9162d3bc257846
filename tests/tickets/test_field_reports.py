"""Technicians and guards report what they find from their phone pages (003 二4(1)1):
「项目部任一员工接到投诉后,都必须将投诉信息转到客服部」): a ticket with the channel 员工巡查 or
值班门岗报告, received by them, which the front desk then handles as any other."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Channel, Reminder, Role, Ticket, TicketCategory, TicketStatus


@pytest.fixture
def field(factories):
    w = factories.two_estates()
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=["plumbing"], name="维修甲")
    w.guard = factories.staff(Role.guard, estates=[w.a, w.b], name="门岗乙")
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    return w


@pytest.mark.parametrize(
    ("who", "page", "channel"),
    [("tech", "/tech/report", Channel.patrol), ("guard", "/gate/report", Channel.guard)],
)
def test_a_report_from_the_phone_page_is_a_ticket_on_the_desks_normal_path(
    field, login, in_app, who, page, channel
):
    phone = login(getattr(field, who), lang="zh-CN")
    home = "/tech/" if who == "tech" else "/gate/"
    assert f'href="{page}"' in phone.get(home).get_data(as_text=True)
    assert "报告前台" in phone.get(page).get_data(as_text=True)
    response = phone.post(
        page,
        {
            "estate": field.a.id,
            "category": "complaint",
            "location": "3栋大堂",
            "description": "住户投诉电梯异响",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(home)
    with in_app():
        ticket = db.session.query(Ticket).one()
        assert (ticket.channel, ticket.category, ticket.status) == (
            channel,
            TicketCategory.complaint,
            TicketStatus.open,
        )
        assert ticket.received_by_id == getattr(field, who).id and ticket.number
        assert (ticket.estate_id, ticket.location) == (field.a.id, "3栋大堂")
        rules = {r.rule: r.recipient_role for r in db.session.query(Reminder)}
        # the desk hears of the report; a complaint also reaches the supervisors, as always
        assert rules == {"handoff_field_report": "receptionist", "handoff_complaint": "supervisor"}
    # The desk finds it on its list and takes it on from there.
    desk_list = login(field.desk).get("/admin/ticket/").get_data(as_text=True)
    assert ticket.number in desk_list


def test_a_report_needs_a_description_and_one_of_ones_own_estates(field, login, in_app):
    phone = login(field.tech)
    empty = phone.post(
        "/tech/report",
        {"estate": field.a.id, "category": "repair", "location": "车库", "description": ""},
    )
    assert empty.status_code == 200
    elsewhere = phone.post(
        "/tech/report",
        {"estate": field.b.id, "category": "repair", "location": "车库", "description": "漏水"},
    )
    assert elsewhere.status_code == 200
    inquiry = phone.post(
        "/tech/report",
        {"estate": field.a.id, "category": "inquiry", "location": "车库", "description": "问"},
    )
    assert inquiry.status_code == 200
    with in_app():
        assert db.session.query(Ticket).count() == 0


def test_the_guard_of_two_estates_chooses_and_an_urgent_repair_says_so(field, login, in_app):
    phone = login(field.guard)
    assert 'name="estate"' in phone.get("/gate/report").get_data(as_text=True)
    phone.post(
        "/gate/report",
        {
            "estate": field.b.id,
            "category": "repair",
            "location": "东门",
            "description": "道闸坏了",
            "urgent": "y",
        },
    )
    with in_app():
        ticket = db.session.query(Ticket).one()
        assert ticket.estate_id == field.b.id and ticket.description.startswith("紧急：")


@pytest.mark.parametrize(("who", "page"), [("desk", "/tech/report"), ("guard", "/tech/report")])
def test_only_technicians_and_guards_report_from_the_phone_pages(field, login, who, page):
    assert login(getattr(field, who)).get(page).status_code == 403
