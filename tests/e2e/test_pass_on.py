"""A technician passes an order on from his phone, in Chinese and in English: the order's
card, the step's page with the colleagues ranked, the reason typed, the order gone from his
list and on his colleague's; the supervisor is told in the inbox. Each page axe-clean, and in
one language only (no English on the Chinese pages, no Chinese on the English ones but the
records' own content)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Reminder, Role, Trade, WorkOrder, WorkOrderStatus

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, english_left, flashes
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "pass-on-",
        "pass_on": "转给同事",
        "done": "转给同事：已完成。",
        "no_orders": "没有未完成的工单",
        "chased": "登记催单：已完成。",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-pass-on-",
        "pass_on": "Pass on to a colleague",
        "done": "Pass on to a colleague: done.",
        "no_orders": "No open work orders",
        "chased": "Log a resident's chase: done.",
    },
}
RECORDS = (
    "华苑小区",
    "老王",
    "小李",
    "张师傅",
    "王前台",
    "卫生间下水堵塞",
    "更换灯泡",
    "我在另一单，走不开",
    "问师傅几点到",
    "王丽",
    # The note the panel writes on the order, in the office's language (i18n.office_language).
    "转给 小李：",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_technician_passes_an_order_on_from_his_phone(factories, in_app, screen, lang):
    ui = UI[lang]
    wrong_language: dict[str, list[str]] = {}

    def seen(session, what: str) -> None:
        if lang == "zh":
            assert chinese_left(session.page, RECORDS), f"{what}: no Chinese interface text"
            left = english_left(session.page, RECORDS)
        else:
            left = chinese_left(session.page, RECORDS)
        if left:
            wrong_language[f"{what} ({session.page.url})"] = left
        blocking = [v for v in axe_violations(session.page) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {what}: {blocking}"

    estate = factories.estate(code="HY", name="华苑小区")
    me = factories.staff(
        Role.technician, estates=[estate], trades=[Trade.plumbing], username="wang", name="老王"
    )
    mate = factories.staff(
        Role.technician, estates=[estate], trades=[Trade.plumbing], username="li", name="小李"
    )
    factories.staff(
        Role.technician, estates=[estate], trades=[Trade.plumbing], username="zhang", name="张师傅"
    )
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    busy = factories.work_order(estate, trade=Trade.plumbing, status=WorkOrderStatus.new)
    with in_app():
        # 张师傅 carries an open order: 小李, with none, is ranked first.
        db.session.get(WorkOrder, busy.id).technician_id = (
            db.session.query(type(me)).filter_by(username="zhang").one().id
        )
        db.session.get(WorkOrder, busy.id).status = WorkOrderStatus.dispatched
        db.session.commit()
    order = factories.work_order(
        estate,
        trade=Trade.plumbing,
        status=WorkOrderStatus.dispatched,
        technician_id=me.id,
        dispatched_at=clock.now(),
        appointment_at=clock.now().replace(second=0) + timedelta(hours=2),
        contact_name="王丽",
        description="卫生间下水堵塞",
    )

    tech = screen("technician", viewport=PHONE, locale=ui["locale"]).login("wang", PASSWORD)
    phone = tech.page
    phone.goto("/tech/")
    card = phone.locator(f"#order-{order.id}")
    assert "卫生间下水堵塞" in card.inner_text()
    tech.shot(ui["shots"] + "01-my-orders")
    seen(tech, "my orders")
    with phone.expect_navigation():
        card.locator(f"#action-pass_on-{order.id}").click()
    assert phone.locator("h1").inner_text().strip() == ui["pass_on"]
    options = phone.locator("#colleague option").all_inner_texts()
    assert options[0].startswith("小李") and options[1].startswith("张师傅") and len(options) == 2
    phone.fill("#reason", "我在另一单，走不开")
    tech.shot(ui["shots"] + "02-pass-on")
    seen(tech, "pass on")
    with phone.expect_navigation():
        phone.click("#confirm-action")
    assert flashes(phone) == [ui["done"]]
    assert phone.locator(f"#order-{order.id}").count() == 0
    assert ui["no_orders"] in phone.inner_text("main")
    tech.shot(ui["shots"] + "03-passed-on")
    seen(tech, "after passing on")

    colleague = screen("colleague", viewport=PHONE, locale=ui["locale"]).login("li", PASSWORD)
    colleague.page.goto("/tech/")
    assert colleague.page.locator(f"#order-{order.id}").count() == 1
    with in_app():
        found = db.session.get(WorkOrder, order.id)
        assert found.technician_id == mate.id and "我在另一单，走不开" in found.work_notes
        told = db.session.query(Reminder).filter_by(rule="handoff_passed_on").one()
        assert told.recipient_role == "supervisor"

    # At the desk: the resident calls to chase it; one click on the order's page logs it,
    # and the dispatch screen of a new order ranks the estate's plumbers.
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    office = screen("desk", locale=ui["locale"]).login("front", PASSWORD)
    desk = office.page
    desk.goto(f"/admin/work_order/details/?id={order.id}")
    assert desk.input_value("#chase-caller") == "王丽"
    desk.fill("#chase-note", "问师傅几点到")
    with desk.expect_navigation():
        desk.click("#log-chase")
    assert flashes(desk) == [ui["chased"]]
    assert desk.inner_text("#chase-count").strip() == "1"
    office.shot(ui["shots"] + "04-order-chased")
    seen(office, "order with a chase")
    fresh = factories.work_order(estate, trade=Trade.plumbing, is_emergency=True)
    desk.goto(f"/admin/work_order/act/dispatch/?id={fresh.id}")
    rows = desk.locator("#dispatch-ranking tbody tr").all_inner_texts()
    # 老王 carries nothing now; 小李 (the order passed on) and 张师傅 one each
    assert [row.split()[1] for row in rows] == ["老王", "小李", "张师傅"]
    office.shot(ui["shots"] + "05-dispatch-ranking")
    seen(office, "dispatch ranking")
    assert not wrong_language, wrong_language
