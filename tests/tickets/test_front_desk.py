"""Taking a call at the front desk: the caller found by phone or name, a form shaped by what
they call about, the household beside it, and after saving the new ticket (or its repair's
dispatch) opens with its number."""

from __future__ import annotations

import re

import pytest

from admin_app.extensions import db
from admin_app.models import (
    Role,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    WorkOrder,
    WorkOrderChase,
)
from admin_app.models import WorkOrderStatus as S
from admin_app.tickets import front_desk

from ..conftest import statements_run


@pytest.fixture
def desk(factories, login):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a], username="desk")
    w.zh = login(w.reception, lang="zh-CN")
    w.en = login(w.reception, lang="en")
    return w


def only_ticket(in_app) -> Ticket:
    with in_app():
        ticket = db.session.query(Ticket).one()
        db.session.expunge(ticket)
        return ticket


def test_the_call_page_finds_the_caller_by_the_last_digits_and_offers_each_category(desk):
    page = desk.zh.get("/admin/ticket/call/?q=0001").get_data(as_text=True)
    assert "甲住户" in page
    assert "乙住户" not in page  # another estate's resident does not exist for this desk
    rid = desk.resident_a.id
    for category in TicketCategory:
        assert f"/admin/ticket/new/?category={category.value}&amp;resident={rid}" in page


def test_the_call_page_finds_by_name_and_says_so_when_nobody_matches(desk):
    assert "甲住户" in desk.en.get("/admin/ticket/call/?q=甲").get_data(as_text=True)
    page = desk.en.get("/admin/ticket/call/?q=13999").get_data(as_text=True)
    assert "No resident of your estates matches" in page
    assert 'id="call-new-inquiry"' in page  # a caller not on file is typed in


@pytest.mark.parametrize("typed", ["1-1-801", "1栋1单元801", "801", "801室"])
def test_the_call_page_finds_the_callers_of_a_unit_as_people_write_it(desk, factories, typed):
    """A caller who gives the unit, not the phone: its residents, and only the user's."""
    unit = factories.unit(desk.a, building="1", room="801")
    factories.resident(unit, name="张明", phone="13911110801")
    factories.resident(unit, name="李丽", phone="13911110802")
    factories.resident(factories.unit(desk.b, building="1", room="801"), name="外小区")
    page = desk.zh.get("/admin/ticket/call/", query_string={"q": typed}).get_data(as_text=True)
    callers = re.findall(r'<tr class="caller" data-resident="\d+">\s*<td>(\w+)', page)
    assert sorted(callers) == sorted(["张明", "李丽"])
    assert "1栋1单元801室" in page


def test_new_call_is_in_the_navigation_bar_for_the_front_desk_only(desk, factories, login):
    assert 'href="/admin/ticket/call/"' in desk.zh.get("/admin/").get_data(as_text=True)
    guard = factories.staff(Role.guard, estates=[desk.a])
    assert 'href="/admin/ticket/call/"' not in login(guard).get("/admin/").get_data(as_text=True)
    assert login(guard).get("/admin/ticket/call/").status_code == 403


def test_picking_the_caller_fills_the_form_and_shows_the_household(desk, factories):
    factories.ticket(desk.a, unit_id=desk.unit_a.id, description="楼上漏水")
    url = f"/admin/ticket/new/?category=repair&resident={desk.resident_a.id}"
    page = desk.zh.get(url).get_data(as_text=True)
    assert 'value="甲住户"' in page and 'value="13800000001"' in page
    assert 'id="household"' in page and "楼上漏水" in page
    # Only a repair's fields: no complaint category, no callback.
    assert 'name="complaint_code"' not in page and 'name="callback_in"' not in page
    assert 'name="trade"' in page and 'id="save-and-dispatch"' in page


def test_another_estates_resident_in_the_url_fills_nothing(desk):
    page = desk.zh.get(f"/admin/ticket/new/?category=inquiry&resident={desk.resident_b.id}")
    assert "乙住户" not in page.get_data(as_text=True)


def test_an_inquiry_answered_at_once_is_saved_closed_and_opens_with_its_number(desk, in_app):
    response = desk.zh.post(
        f"/admin/ticket/new/?category=inquiry&resident={desk.resident_a.id}",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "resident": str(desk.resident_a.id),
            "description": "物业费怎么交？",
            "answer": "可在服务中心或网上缴纳。",
        },
        follow_redirects=True,
    )
    ticket = only_ticket(in_app)
    assert ticket.category is TicketCategory.inquiry
    assert ticket.status is TicketStatus.closed and ticket.result == "可在服务中心或网上缴纳。"
    # Carried over from the resident: nothing typed twice.
    assert (ticket.unit_id, ticket.reporter_name, ticket.reporter_phone) == (
        desk.unit_a.id,
        "甲住户",
        "13800000001",
    )
    assert f"登记 {ticket.number} 已保存。" in response.get_data(as_text=True)
    assert f"/admin/ticket/details/?id={ticket.id}" in response.request.url


def test_an_inquiry_with_a_callback_in_30_minutes_has_its_deadline(desk, in_app):
    desk.en.post(
        "/admin/ticket/new/?category=inquiry",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "reporter_name": "访客王",
            "reporter_phone": "13911112222",
            "description": "停车位还有吗？",
            "callback_in": "30",
        },
    )
    ticket = only_ticket(in_app)
    assert ticket.status is TicketStatus.in_progress
    minutes = (ticket.callback_due_at - ticket.received_at).total_seconds() / 60
    assert 29 <= minutes <= 31


def test_an_emergency_repair_saved_and_dispatched_opens_the_dispatch_of_its_work_order(
    desk, in_app
):
    response = desk.en.post(
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
            "_dispatch": "1",
        },
    )
    assert response.status_code == 302
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert order.is_emergency and order.trade is Trade.plumbing
        assert (order.unit_id, order.contact_name, order.location) == (
            desk.unit_a.id,
            "甲住户",
            "厨房",
        )
        order_id, number = order.id, order.number
    assert f"/admin/work_order/act/dispatch/?id={order_id}" in response.headers["Location"]
    page = desk.en.get(response.headers["Location"]).get_data(as_text=True)
    assert f"work order {number} made from it" in page


def test_a_repair_without_a_trade_is_a_field_error_and_nothing_is_saved(desk, in_app):
    response = desk.zh.post(
        "/admin/ticket/new/?category=repair",
        {"estate": str(desk.a.id), "channel": "phone", "description": "灯不亮", "trade": ""},
    )
    assert response.status_code == 200
    assert "请选择工种。" in response.get_data(as_text=True)
    with in_app():
        assert db.session.query(Ticket).count() == 0


def test_a_ticket_saved_with_a_resident_only_takes_the_residents_unit_name_and_phone(desk, in_app):
    # The full form (no category in the URL), as a script or an older bookmark sends it.
    desk.zh.post(
        "/admin/ticket/new/",
        {
            "estate": str(desk.a.id),
            "category": "help",
            "channel": "visit",
            "resident": str(desk.resident_a.id),
            "description": "借梯子",
        },
    )
    ticket = only_ticket(in_app)
    assert (ticket.unit_id, ticket.reporter_name, ticket.reporter_phone) == (
        desk.unit_a.id,
        "甲住户",
        "13800000001",
    )


def test_typed_caller_details_win_over_the_residents(desk, in_app):
    desk.zh.post(
        "/admin/ticket/new/?category=help",
        {
            "estate": str(desk.a.id),
            "channel": "phone",
            "resident": str(desk.resident_a.id),
            "reporter_name": "租客李",
            "reporter_phone": "13922223333",
            "description": "门禁卡坏了",
        },
    )
    ticket = only_ticket(in_app)
    assert (ticket.reporter_name, ticket.reporter_phone) == ("租客李", "13922223333")


def test_the_details_page_shows_next_steps_first_and_leaves_empty_sections_out(desk, factories):
    ticket = factories.ticket(desk.a, category=TicketCategory.inquiry, description="问路")
    page = desk.en.get(f"/admin/ticket/details/?id={ticket.id}").get_data(as_text=True)
    assert page.index('id="record-actions"') < page.index("details-section")
    titles = re.findall(r'details-section-title">([^<]+)<', page)
    assert "Complaint" not in titles and "Call" in titles


@pytest.mark.parametrize(("lang", "repair"), [("en", "Repair"), ("zh-CN", "报修")])
def test_the_full_form_offers_the_forms_shaped_by_category_keeping_its_unit(
    desk, factories, login, lang, repair
):
    client = login(desk.reception, lang=lang)
    page = client.get(f"/admin/ticket/new/?unit={desk.unit_a.id}").get_data(as_text=True)
    link = re.search(r'<a [^>]*id="shape-repair" href="([^"]+)">([^<]+)</a>', page)
    assert link and repair in link.group(2)
    assert ("先选来电事由" in page) == (lang == "zh-CN")
    href = link.group(1).replace("&amp;", "&")
    assert "category=repair" in href and f"unit={desk.unit_a.id}" in href
    shaped = client.get(href).get_data(as_text=True)
    assert 'id="save-and-dispatch"' in shaped and 'id="ticket-shapes"' not in shaped


def test_a_surname_lists_its_callers_in_name_order(desk, factories):
    """On PostgreSQL read from the prefix index in its own order (front_desk.find_callers)."""
    for name in ("张伟", "王五", "张三", "张丽", "章子"):
        factories.resident(
            factories.unit(desk.a, building="9", room=f"{len(name)}0{ord(name[1]) % 97}"), name=name
        )
    page = desk.zh.get("/admin/ticket/call/?q=张").get_data(as_text=True)
    callers = re.findall(r'<tr class="caller" data-resident="\d+">\s*<td>(\w+)', page)
    assert callers == sorted(["张伟", "张三", "张丽"])


def test_the_cursor_waits_where_the_desk_types_next(desk):
    """A caller on file: name and phone are filled, so what happened is typed first. A caller
    not on file: his name."""

    def focused(url: str) -> list[str]:
        page = desk.zh.get(url).get_data(as_text=True)
        return re.findall(
            r'<(?:input|textarea)[^>]*\bautofocus\b[^>]*\bname="(\w+)"', page
        ) + re.findall(r'<(?:input|textarea)[^>]*\bname="(\w+)"[^>]*\bautofocus\b', page)

    known = f"/admin/ticket/new/?category=repair&resident={desk.resident_a.id}"
    assert focused(known) == ["description"]
    assert focused("/admin/ticket/new/?category=repair") == ["reporter_name"]


def test_the_call_page_shows_what_is_still_open_for_the_callers_household(desk, factories):
    """A resident who calls again mostly calls about a matter still open ("where is my
    repair?"): the desk sees it under the caller, before picking what the call is about;
    closed and cancelled ones, and other households', are not shown, and a repair call
    shows once, as its work order."""
    unit = desk.unit_a
    leak = factories.work_order(
        desk.a, unit_id=unit.id, status=S.dispatched, description="卫生间地漏返味，已经两天了"
    )
    question = factories.ticket(
        desk.a,
        unit_id=unit.id,
        category=TicketCategory.inquiry,
        status=TicketStatus.open,
        description="询问装修申请材料",
    )
    finished = factories.work_order(desk.a, unit_id=unit.id, status=S.closed, description="换锁")
    dropped = factories.work_order(desk.a, unit_id=unit.id, status=S.cancelled, description="x")
    repair_call = factories.ticket(desk.a, unit_id=unit.id, status=TicketStatus.in_progress)
    fixing = factories.work_order(
        desk.a, unit_id=unit.id, ticket_id=repair_call.id, status=S.in_progress
    )
    other = factories.work_order(
        desk.a, unit_id=factories.unit(desk.a, room="102").id, status=S.new, description="别家"
    )
    page = desk.zh.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    matters = re.search(r'id="open-\d+".*?</tr>', page, re.S).group(0)
    assert "本户未办结事项：" in matters
    shown = [int(i) for i in re.findall(r"details/\?id=(\d+)", matters)]
    # The repairs first, then the calls that no open repair stands for.
    assert shown == [fixing.id, leak.id, question.id]
    assert "卫生间地漏返味，已经两天了" in matters and "已派工" in matters
    assert f"id={finished.id}" not in matters and f"id={dropped.id}" not in matters
    assert f"id={other.id}" not in matters
    assert f'id="chase-{desk.resident_a.id}-{leak.id}"' in matters  # an order may be chased
    english = desk.en.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    assert "Still open for this household:" in english and "本户" not in english


def test_a_household_with_more_open_matters_than_shown_says_how_many_more(desk, factories):
    """The call page lists a household's first open matters; the rest are a link away, on
    the caller's page, where the household's file lists them all."""
    orders = [
        factories.work_order(desk.a, unit_id=desk.unit_a.id, status=S.dispatched)
        for _ in range(front_desk.SHOWN_OPEN + 2)
    ]
    page = desk.zh.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    matters = re.search(r'id="open-\d+".*?</tr>', page, re.S).group(0)
    shown = [int(i) for i in re.findall(r"work_order/details/\?id=(\d+)", matters)]
    assert shown == [o.id for o in reversed(orders)][: front_desk.SHOWN_OPEN]
    more = re.search(r'<a href="([^"]+)" id="open-\d+-more">([^<]+)</a>', matters)
    assert more.group(1) == f"/admin/resident/details/?id={desk.resident_a.id}#household"
    assert more.group(2) == "还有 2 项，见本户情况"
    english = desk.en.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    assert "and 2 more: see the household" in english
    assert "还有" not in english


def test_a_household_with_no_more_open_matters_than_shown_has_no_more_link(desk, factories):
    for _ in range(front_desk.SHOWN_OPEN):
        factories.work_order(desk.a, unit_id=desk.unit_a.id, status=S.dispatched)
    factories.work_order(desk.a, unit_id=desk.unit_a.id, status=S.closed)  # not open: not counted
    page = desk.zh.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    assert page.count("work_order/details/?id=") == front_desk.SHOWN_OPEN
    assert "-more" not in page and "还有" not in page


def test_a_chase_is_logged_from_the_call_page_in_one_click(desk, factories, in_app):
    leak = factories.work_order(desk.a, unit_id=desk.unit_a.id, status=S.dispatched)
    page = desk.zh.get("/admin/ticket/call/?q=13800000001").get_data(as_text=True)
    form = re.search(
        rf'<form[^>]*act/chase/[^>]*>.*?id="chase-\d+-{leak.id}".*?</form>', page, re.S
    )
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    action = re.search(r'action="([^"]+)"', form.group(0)).group(1).replace("&amp;", "&")
    response = desk.zh.post(action, data=fields)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/work_order/details/?id={leak.id}")
    with in_app():
        chase = db.session.query(WorkOrderChase).one()
        assert (chase.work_order_id, chase.caller) == (leak.id, "甲住户")
        assert chase.logged_by_id == desk.reception.id


def test_the_call_page_reads_every_callers_open_matters_at_once(desk, factories, app):
    """Two statements for the open matters of all the callers, however many match."""

    def cost(term: str) -> int:
        desk.zh.get(f"/admin/ticket/call/?q={term}")  # warm: the session's first queries
        with statements_run(app) as run:
            assert desk.zh.get(f"/admin/ticket/call/?q={term}").status_code == 200
        return len(run)

    one = cost("13800000001")
    for n in range(6):
        unit = factories.unit(desk.a, building="9", room=f"{n + 1}01")
        factories.resident(unit, name=f"许{n}", phone=f"1390000{n:04d}")
        factories.work_order(desk.a, unit_id=unit.id, status=S.new, description=f"事{n}")
        factories.ticket(desk.a, unit_id=unit.id, status=TicketStatus.open)
    page = desk.zh.get("/admin/ticket/call/?q=13900").get_data(as_text=True)
    assert page.count('class="caller-open"') == 6
    assert cost("13900") == one
