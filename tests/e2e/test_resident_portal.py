"""A resident on a phone, in Chinese and in English: signs in with the code from the text
message, reports a leak with a photo, sees it dispatched to the technician by name, accepts
the quote and, once the work is signed off, rates it — and the receptionist's revisit list no
longer has the order to call about. Every page the resident reads is checked with axe-core and
for words left in the other language."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Estate, Role, Staff, Ticket, Trade, WorkOrder, WorkOrderStatus
from admin_app.services.reminders.channels import MemorySmsProvider
from admin_app.work_orders import operations as work_orders

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, english_left, flashes, solid_png
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "html_lang": "zh-CN",
        "dispatched": "已安排维修员",
        "working": "施工中",
        "accepted": "您已接受报价，可以开始施工。",
    },
    "en": {
        "locale": "en-US",
        "html_lang": "en",
        "dispatched": "A technician is assigned",
        "working": "Work in progress",
        "accepted": "You accepted the quote: the work can start.",
    },
}
RECORDS = ("华苑小区", "王丽", "刘师傅", "李主管", "卫生间", "卫生间水管漏水", "更换水管接头")
PHONE_NUMBER = "13800138000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_resident_reports_a_leak_and_accepts_the_quote_on_a_phone(
    app, factories, in_app, screen, monkeypatch, tmp_path, lang
):
    ui = UI[lang]
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "memory")
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    MemorySmsProvider.sent.clear()
    problems: dict[str, list[str]] = {}

    def seen(page, what: str) -> None:
        """A page the resident read: accessible, and in one language."""
        assert page.get_attribute("html", "lang") == ui["html_lang"]
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        left = english_left(page, RECORDS) if lang == "zh" else chinese_left(page, RECORDS)
        if blocking or left:
            problems[what] = [*map(str, blocking), *left]

    estate = factories.estate(code="HY", name="华苑小区")
    flat = factories.unit(estate, building="3", room="1201")
    factories.resident(flat, name="王丽", phone=PHONE_NUMBER)
    tech = factories.staff(
        Role.technician, estates=[estate], trades=[Trade.plumbing], name="刘师傅"
    )
    boss = factories.staff(Role.supervisor, estates=[estate], name="李主管")
    factories.staff(Role.receptionist, estates=[estate], username="desk", name="周前台")
    with in_app():
        db.session.get(Estate, estate.id).remote_quote_acceptance = True
        db.session.commit()

    phone = screen("resident", viewport=PHONE, locale=ui["locale"])
    page = phone.page
    page.goto("/r/")
    assert "/r/sign-in" in page.url
    seen(page, "sign-in")
    page.fill("#phone", PHONE_NUMBER)
    with page.expect_navigation():
        page.click("#portal-sign-in button[type=submit]")
    seen(page, "code")
    code = re.search(r"\d{6}", MemorySmsProvider.last_to(PHONE_NUMBER)).group(0)
    page.fill("#code", code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/r/")
    seen(page, "home")

    with page.expect_navigation():
        page.click("#portal-report-link")
    page.select_option("#trade", "plumbing")
    page.check("#emergency", force=True)
    page.fill("#location", "卫生间")
    page.fill("#description", "卫生间水管漏水")
    photo = tmp_path / "leak.png"
    photo.write_bytes(solid_png())
    page.set_input_files("#photos", str(photo))
    seen(page, "report")
    with page.expect_navigation():
        page.click("#portal-report button[type=submit]")
    assert len(flashes(page)) == 1
    assert page.locator("#portal-photos img").count() == 1
    phone.shot(f"portal-{lang}-01-reported")

    # The supervisor dispatches it (as the desk would, through the verb); the technician
    # arrives and quotes.
    with in_app():
        order = db.session.query(WorkOrder).one()
        assert db.session.query(Ticket).one().channel.value == "online"
        work_orders.dispatch(
            order, db.session.get(Staff, boss.id), technician=db.session.get(Staff, tech.id)
        )
        db.session.commit()
        order_id = order.id
    page.reload()
    assert page.inner_text(f"#portal-technician-{order_id}") == "刘师傅"
    assert page.inner_text(f"#portal-order-state-{order_id}") == ui["dispatched"]
    assert page.locator(f"#portal-arrival-{order_id}").count() == 1
    seen(page, "dispatched")

    with in_app():
        order = db.session.get(WorkOrder, order_id)
        technician = db.session.get(Staff, tech.id)
        work_orders.arrive(order, technician)
        work_orders.quote(
            order,
            technician,
            lines=[
                work_orders.LineInput(
                    quantity=Decimal(1),
                    labour=Decimal("60"),
                    materials=Decimal("25"),
                    description="更换水管接头",
                    reason="现场",
                )
            ],
        )
        db.session.commit()
    page.reload()
    assert page.inner_text(f"#portal-quote-total-{order_id}") == "85.00"
    seen(page, "quote")
    phone.shot(f"portal-{lang}-02-quote")
    with page.expect_navigation():
        page.click(f"#portal-accept-{order_id}")
    assert flashes(page) == [ui["accepted"]]
    assert page.inner_text(f"#portal-order-state-{order_id}") == ui["working"]
    with in_app():
        assert db.session.get(WorkOrder, order_id).status is WorkOrderStatus.in_progress

    # The technician finishes and the resident signs; the revisit falls due.
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        technician = db.session.get(Staff, tech.id)
        work_orders.finish(order, technician)
        work_orders.close_with_signature(
            order,
            technician,
            signer_name="王丽",
            signature_png=solid_png(),
            fee=Decimal("85"),
            pay_at_office=True,
        )
        order.revisit_due_at = clock.now() - timedelta(minutes=5)
        db.session.commit()
    revisits = "/admin/work_order/?flt0_queue=revisits_due"
    desk = screen("reception", locale=ui["locale"]).login("desk", PASSWORD)
    desk.page.goto(revisits)
    assert desk.page.locator(f"a[href*='details/?id={order_id}&']").count() >= 1

    page.goto("/r/rate/")
    with page.expect_navigation():
        page.click(f"a[href$='/r/rate/{order_id}']")
    for question in ("rating_timeliness", "rating_quality", "rating_fee", "rating_attitude"):
        page.check(f"input[name={question}][value='5']", force=True)
    page.check("input[name=satisfaction][value=satisfied]", force=True)
    seen(page, "rate")
    phone.shot(f"portal-{lang}-03-rate")
    with page.expect_navigation():
        page.click("#rating-form button")
    assert len(flashes(page)) == 1
    seen(page, "rated")
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is WorkOrderStatus.revisited
    desk.page.goto(revisits)  # nobody needs to call this household about it
    assert desk.page.locator(f"a[href*='details/?id={order_id}&']").count() == 0
    assert not problems, problems
