"""A work order's step pages say what the order is: the revisit call shows whom to call and
what was done, the revisits-due list shows the phone and the late ones, a revisit saved
leads to the next one due; the dispatch shows the flat, the fault and how urgent it is, and
its message names the technician and how he was told."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, Staff, Trade, WorkOrderStatus
from tests.reminders_support import office_time
from tests.step_pages_support import messages, summary, text_of

S = WorkOrderStatus
ZH = "zh-CN"
SATISFIED = {
    "rating_timeliness": "5",
    "rating_quality": "5",
    "rating_fee": "4",
    "rating_attitude": "5",
    "satisfaction": "satisfied",
    "comment": "",
}


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="2", room="802")
    w.resident = factories.resident(w.unit, name="汤娜嘉", phone="13912345678")
    w.tech = factories.staff(Role.technician, estates=[w.a], trades=[Trade.plumbing], name="张师傅")
    w.desk = factories.staff(Role.receptionist, estates=[w.a])
    return w


# A morning at the office: the revisits list holds what is due before today ends, so an order
# due "in 4 hours" is listed only when the test runs before 20:00 office time.
MORNING = office_time(2026, 12, 2, 10, 0)


def closed_order(factories, world, **fields):
    now = clock.now()
    fields = {
        "status": S.closed,
        "unit_id": world.unit.id,
        "resident_id": world.resident.id,
        "contact_name": "汤娜嘉",
        "contact_phone": "13912345678",
        "description": "厨房水龙头漏水",
        "trade": Trade.plumbing,
        "technician_id": world.tech.id,
        "work_notes": "更换水龙头阀芯",
        "closed_at": now - timedelta(hours=20),
        "revisit_due_at": now + timedelta(hours=4),
        **fields,
    }
    return factories.work_order(world.a, **fields)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            None,
            [
                "Contact 汤娜嘉",
                "Contact phone 13912345678",
                "3",
                "802",
                "Technician 张师傅",
                "Work notes 更换水龙头阀芯",
                "Closed at",
                "Description 厨房水龙头漏水",
            ],
        ),
        (
            ZH,
            [
                "联系人 汤娜嘉",
                "联系电话 13912345678",
                "3",
                "802",
                "维修员 张师傅",
                "维修记录 更换水龙头阀芯",
                "关闭时间",
                "内容描述 厨房水龙头漏水",
            ],
        ),
    ],
)
def test_the_revisit_page_shows_whom_to_call_and_what_was_done(
    factories, login, world, lang, words
):
    order = closed_order(factories, world)
    page = login(world.desk, lang=lang).get(f"/admin/work_order/act/revisit/?id={order.id}")
    shown = summary(page.get_data(as_text=True))
    for word in words:
        assert word in shown
    closed = (clock.now() - timedelta(hours=20)).strftime("%Y-%m-%d")
    assert closed in shown
    assert 'href="tel:13912345678"' in page.get_data(as_text=True)


def revisits_due(client, **extra) -> str:
    query = urlencode({"flt0_queue": "revisits_due", **extra})
    return client.get(f"/admin/work_order/?{query}").get_data(as_text=True)


def row_of(page: str, number: str) -> str:
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        if number in row:
            return row
    return ""


@pytest.mark.parametrize(("lang", "late"), [(None, "Revisit overdue"), (ZH, "回访已逾期")])
def test_the_revisits_due_list_shows_the_phone_and_marks_the_late_ones(
    factories, login, world, lang, late, time_machine
):
    time_machine.move_to(MORNING, tick=False)  # "due in 4 hours" is still today
    today = closed_order(factories, world)
    overdue = closed_order(
        factories,
        world,
        contact_phone="13700001111",
        revisit_due_at=clock.now() - timedelta(hours=3),
    )
    page = revisits_due(login(world.desk, lang=lang))
    assert "13912345678" in row_of(page, today.number)
    assert "13700001111" in row_of(page, overdue.number)
    assert late in text_of(row_of(page, overdue.number))
    assert late not in text_of(row_of(page, today.number))


def test_a_saved_revisit_leads_to_the_next_one_due_naming_the_order_done(
    factories, login, world, in_app, time_machine
):
    time_machine.move_to(MORNING, tick=False)  # "due in 4 hours" is still today
    first = closed_order(factories, world)
    second = closed_order(factories, world, contact_phone="13700001111")
    desk = login(world.desk, lang=ZH)
    # From the list (filtered to this estate), through the order's page, to its revisit.
    listed = "/admin/work_order/?" + urlencode(
        {"flt0_queue": "revisits_due", "flt1_estate_id_equals": world.a.id}
    )
    details = "/admin/work_order/details/?" + urlencode({"id": first.id, "url": listed})
    step = "/admin/work_order/act/revisit/?" + urlencode({"id": first.id, "url": details})
    done = desk.post(step, {**SATISFIED, "url": details})
    assert done.status_code == 302
    landed = urlsplit(done.headers["Location"])
    assert (landed.path, dict(parse_qsl(landed.query))) == (
        "/admin/work_order/",
        {"flt0_queue": "revisits_due", "flt1_estate_id_equals": str(world.a.id)},
    )  # the same list, its estate filter kept
    page = desk.get(done.headers["Location"]).get_data(as_text=True)
    assert f"工单 {first.number} 的回访已登记，下面是其余应回访的工单。" in text_of(page)
    assert second.number in page and row_of(page, first.number) == ""


@pytest.mark.parametrize(
    ("lang", "said"), [(None, "Revisit of {} recorded: the next ones due are below.")]
)
def test_a_revisit_opened_from_the_order_alone_leads_to_the_revisits_due_list(
    factories, login, world, lang, said
):
    order = closed_order(factories, world)
    desk = login(world.desk, lang=lang)
    done = desk.post(f"/admin/work_order/act/revisit/?id={order.id}", SATISFIED)
    landed = urlsplit(done.headers["Location"])
    assert landed.path == "/admin/work_order/"
    assert dict(parse_qsl(landed.query)) == {"flt0_queue": "revisits_due"}
    page = desk.get(done.headers["Location"]).get_data(as_text=True)
    assert said.format(order.number) in text_of(page)


def new_order(factories, world, **fields):
    ticket = factories.ticket(
        world.a, unit_id=world.unit.id, description="卫生间下水管爆裂", request="下午三点后在家"
    )
    fields = {
        "status": S.new,
        "ticket_id": ticket.id,
        "unit_id": world.unit.id,
        "contact_name": "汤娜嘉",
        "contact_phone": "13912345678",
        "description": "卫生间下水管爆裂",
        "trade": Trade.plumbing,
        **fields,
    }
    return factories.work_order(world.a, **fields)


@pytest.mark.parametrize(
    ("lang", "words", "urgent"),
    [
        (
            None,
            [
                "Description 卫生间下水管爆裂",
                "Trade Plumbing",
                "Resident's request 下午三点后在家",
                "3",
                "802",
            ],
            "Emergency · A technician must be there within 15 minutes.",
        ),
        (
            ZH,
            ["内容描述 卫生间下水管爆裂", "工种 水暖", "住户诉求 下午三点后在家", "3", "802"],
            "紧急 · 维修员须在15分钟内到场。",
        ),
    ],
)
def test_the_dispatch_page_shows_the_flat_the_fault_the_wish_and_the_emergency(
    factories, login, world, lang, words, urgent
):
    urgent_order = new_order(factories, world, is_emergency=True)
    calm = new_order(factories, world, is_emergency=False)
    desk = login(world.desk, lang=lang)
    page = desk.get(f"/admin/work_order/act/dispatch/?id={urgent_order.id}").get_data(True)
    shown = summary(page)
    for word in words:
        assert word in shown
    assert urgent in text_of(re.search(r'id="summary-emergency".*?</div>', page, re.S).group(0))
    page = desk.get(f"/admin/work_order/act/dispatch/?id={calm.id}").get_data(True)
    assert 'id="summary-emergency"' not in page


def dispatch(desk, order, technician):
    return desk.post(
        f"/admin/work_order/act/dispatch/?id={order.id}",
        {"ids": order.id, "pick": technician.id},
        follow_redirects=True,
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "phone", "said"),
    [
        (ZH, "13600001234", "已派给 张师傅，已通过系统内消息和短信通知。"),
        (ZH, None, "已派给 张师傅，仅通过系统内消息通知（未登记手机号，发不了短信）。"),
        (None, "13600001234", "Dispatched to 张师傅: told in the panel and by SMS."),
    ],
)
def test_the_dispatch_message_names_the_technician_and_how_he_was_told(
    factories, login, world, in_app, lang, phone, said
):
    with in_app():
        db.session.get(Staff, world.tech.id).phone = phone
        db.session.commit()
    order = new_order(factories, world, is_emergency=True)
    page = dispatch(login(world.desk, lang=lang), order, world.tech)
    assert said in messages(page)


def test_without_sms_set_up_the_dispatch_message_says_the_panel_only(
    factories, login, world, in_app, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "none")
    with in_app():
        db.session.get(Staff, world.tech.id).phone = "13600001234"
        db.session.commit()
    order = new_order(factories, world, is_emergency=True)
    page = dispatch(login(world.desk), order, world.tech)
    assert "Dispatched to 张师傅: told in the panel." in messages(page)
