"""The whole repair path in a browser, as the front desk and the technician live it:
repair ticket → work order → dispatch → arrival, quote, work done → signature → revisit.

It runs in Chinese and in English (the browsers ask for English): in English every page seen
has English labels and no Chinese left but the records' own content."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import (
    CashHandIn,
    PriceUnit,
    Role,
    StoredFile,
    Trade,
    WorkOrder,
    WorkOrderStatus,
)

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, details_field, flashes
from .walk import AXE_URL

pytestmark = pytest.mark.browser


def submit(page, selector: str = "#confirm-action") -> None:
    """Click and wait for the next page, as a person waits before reading it."""
    with page.expect_navigation():
        page.click(selector)


def draw_signature(page) -> None:
    pad = page.locator("#signature-pad[data-ready]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 150)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + 30 + step * 12, y + 150 - (step % 6) * 18)
    page.mouse.up()
    page.wait_for_function("document.getElementById('signature-data').value.length > 0")


# What each language shows on the pages the test reads (record content stays as typed).
UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "reporter": "报告人",
        "create_work_order": "生成维修工单",
        "dispatch": "派工",
        "arrive": "确认到场",
        "close": "签字确认关闭",
        "no_orders": "没有未完成的工单",
        "printout": "维修服务任务单",
        "revisit": "登记回访",
        "best": "5 很满意",
        "wechat": "微信支付",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "reporter": "Reporter",
        "create_work_order": "Create a work order",
        "dispatch": "Dispatch",
        "arrive": "Mark arrived",
        "close": "Close with signature",
        "no_orders": "No open work orders",
        "printout": "Repair service work order",
        "revisit": "Mark revisited",
        "best": "5 Very satisfied",
        "wechat": "WeChat Pay",
    },
}
# The daily cash table's columns: held before, collected, handed in, confirmed, difference,
# still held.
DAY_COLUMNS = ("held_before", "collected", "handed_in", "confirmed", "difference", "held")
# What the people in the test typed or are called: Chinese in both languages.
RECORDS = (
    "华苑小区",
    "王丽",
    "王前台",
    "张师傅",
    "陈主管",
    "厨房水槽下水管漏水",
    "更换下水管，试水正常",
    "更换下水管",
    "师傅很专业，已修好",
    "水槽下的漏点",
)


def photograph_the_leak(tech, order_id: int, prefix: str) -> None:
    """From the order's card: the phone's camera (here a JPEG as a camera makes one), with a
    caption; the card then shows the photo."""
    phone = tech.page
    card = phone.locator(f"#attachment-upload-work_order-{order_id}")
    phone.locator(f"#order-{order_id} .attach-photos summary").click()
    shot = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 120, 160)).save(shot, "JPEG")
    card.locator("input[capture]").set_input_files(
        {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": shot.getvalue()}
    )
    card.locator("input[name=caption]").fill("水槽下的漏点")
    with phone.expect_navigation():
        card.locator("button[type=submit]").click()
    assert phone.locator(".alert-success").count() == 1
    thumb = phone.locator(f"#order-{order_id} img.attachment-thumb")
    thumb.scroll_into_view_if_needed()  # thumbnails load lazily, as they come into view
    thumb.element_handle().wait_for_element_state("visible")
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    tech.shot(prefix + "04a-leak-photo")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_repair_ticket_to_revisit(factories, in_app, screen, lang):
    ui = UI[lang]
    untranslated: dict[str, list[str]] = {}

    def seen(session, what: str) -> None:
        """A page the person read: in English, nothing Chinese but the records (in Chinese,
        the same look finds the Chinese interface: it reads the whole page)."""
        left = chinese_left(session.page, RECORDS)
        if lang == "zh":
            assert left, f"{what}: no Chinese interface text found"
        elif left:
            untranslated[f"{what} ({session.page.url})"] = left
        # History names each step as people call it, never by its code name.
        steps = session.page.locator("#history + .table-responsive tr td:nth-child(3)")
        raw = [s for s in steps.all_inner_texts() if re.fullmatch(r"[a-z_]+", s.strip())]
        assert not raw, f"{what}: history steps by their code names: {raw}"

    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    factories.resident(unit, name="王丽", phone="13800138000")
    pipe = factories.price_item(
        estate,
        name="更换下水管",
        unit=PriceUnit.metre,
        labour_price=Decimal("40.00"),
        materials_price=Decimal("17.00"),
    )
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="陈主管")

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/new/")
    assert page.locator("label[for=reporter_name]").inner_text().strip() == ui["reporter"]
    page.select_option("#category", "repair", force=True)
    desk.pick_ajax("unit", "1201")
    desk.pick_ajax("resident", "138001")
    page.fill("#reporter_name", "王丽")
    page.fill("#reporter_phone", "138 0013 8000")
    page.fill("#description", "厨房水槽下水管漏水")
    desk.shot(ui["shots"] + "01-repair-ticket-form")
    seen(desk, "new ticket")
    submit(page, "#save-call")  # the new ticket opens, its next step first
    seen(desk, "ticket details")
    assert page.inner_text("#action-create_work_order").strip() == ui["create_work_order"]
    submit(page, "#action-create_work_order")
    page.select_option("#trade", "plumbing")
    desk.shot(ui["shots"] + "02-create-work-order")
    seen(desk, "create work order")
    submit(page)
    assert "/admin/work_order/details/" in page.url
    order_id = int(re.search(r"id=(\d+)", page.url).group(1))
    seen(desk, "new work order")

    assert page.inner_text("#action-dispatch").strip() == ui["dispatch"]
    submit(page, "#action-dispatch")
    technician = page.locator("#technician option", has_text="张师傅").get_attribute("value")
    page.select_option("#technician", technician)
    appointment = (clock.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#appointment_at", appointment)
    desk.shot(ui["shots"] + "03-dispatch")
    seen(desk, "dispatch")
    submit(page)
    assert page.locator(".alert-success").count() == 1
    seen(desk, "dispatched work order")

    tech = screen("technician", viewport=PHONE, locale=ui["locale"]).login("plumber", PASSWORD)
    phone = tech.page
    assert phone.url.endswith("/tech/")
    tech.shot(ui["shots"] + "04-my-work-orders")
    seen(tech, "technician's orders")
    assert phone.inner_text(f"#action-arrive-{order_id}").strip() == ui["arrive"]
    for step, fill in (
        ("arrive", None),
        ("quote", {"#lines-0-quantity": "1.5"}),
        ("accept_quote", None),
        ("finish", {"#notes": "更换下水管，试水正常"}),
    ):
        submit(phone, f"#action-{step}-{order_id}")
        seen(tech, f"technician: {step}")
        if step == "accept_quote":  # the resident agrees to what he sees
            assert phone.inner_text("#quote .quote-total").strip() == "85.50"
            tech.shot(ui["shots"] + "04b-accept-quote")
        if step == "quote":  # from the estate's price list: 1.5 m at 40.00 + 17.00
            phone.select_option("#lines-0-item", str(pipe.id))
        for selector, value in (fill or {}).items():
            phone.fill(selector, value)
        submit(phone)
        assert phone.locator(".alert-success").count() == 1, step
        seen(tech, f"technician after {step}")
        if step == "arrive":  # he photographs the leak before touching it
            photograph_the_leak(tech, order_id, ui["shots"])
    assert phone.inner_text(f"#action-close-{order_id}").strip() == ui["close"]
    submit(phone, f"#action-close-{order_id}")
    # Nothing to type again: the caller's name and the accepted quote are filled in.
    assert phone.input_value("#signer_name") == "王丽"
    assert phone.input_value("#fee") == "85.50"
    draw_signature(phone)
    tech.shot(ui["shots"] + "05-signature")
    seen(tech, "signature")
    # Turning the phone resizes the pad; what the resident signed must survive it.
    phone.set_viewport_size({"width": 600, "height": 844})
    phone.set_viewport_size(PHONE)
    assert phone.input_value("#signature-data").startswith("data:image/png")
    phone.check("input[name=payment][value=wechat]")  # the resident pays by WeChat
    submit(phone)
    assert phone.locator(".alert-success").count() == 1
    assert phone.inner_text("#no-orders").startswith(ui["no_orders"])
    seen(tech, "technician after closing")
    # The receipt, numbered in the estate's own sequence, opens from the message to print.
    receipt_number = phone.inner_text("#receipt-link").strip()
    assert re.fullmatch(r"HY-SK\d{4}-0001", receipt_number)
    submit(phone, "#receipt-link")
    assert phone.inner_text("#receipt-number").strip().endswith(receipt_number)
    assert phone.inner_text("#receipt-amount").strip() == "¥85.50"
    assert phone.inner_text("#receipt-method").strip() == ui["wechat"]
    tech.shot(ui["shots"] + "05b-receipt")
    seen(tech, "receipt")

    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is WorkOrderStatus.closed
        assert order.fee_collected == 85.5 and order.signer_name == "王丽"
        signature = db.session.get(StoredFile, order.signature_file_id).data
        assert signature.startswith(b"\x89PNG") and len(signature) > 1000

    page.goto(f"/admin/work_order/details/?id={order_id}")
    image = page.locator("img.signature-image")
    assert image.evaluate("img => img.naturalWidth") > 0
    desk.shot(ui["shots"] + "06-closed-order")
    seen(desk, "closed work order")
    page.goto(f"/admin/work_order/print/?id={order_id}")
    assert page.locator("img.signature").evaluate("img => img.naturalWidth") > 0
    assert page.inner_text("h1").strip() == ui["printout"]
    # The title's letters are spaced out in Chinese only: English words stay readable words.
    spacing = page.eval_on_selector("h1", "h1 => getComputedStyle(h1).letterSpacing")
    assert (spacing != "normal") == (lang == "zh")
    photo = page.locator("img.attachment-print")
    assert photo.evaluate("img => img.naturalWidth") > 0  # the leak's photo is on the sheet
    desk.shot(ui["shots"] + "07-printout")
    seen(desk, "printout")

    page.goto(f"/admin/work_order/details/?id={order_id}")
    assert page.inner_text("#action-revisit").strip() == ui["revisit"]
    submit(page, "#action-revisit")
    for field in ("rating_timeliness", "rating_quality", "rating_fee", "rating_attitude"):
        best = page.locator(f"input[name={field}][value='5']")
        assert page.inner_text(f"label[for={best.get_attribute('id')}]").strip() == ui["best"]
        best.check()
    page.check("input[name=satisfaction][value=satisfied]")
    page.fill("#comment", "师傅很专业，已修好")
    desk.shot(ui["shots"] + "08-revisit")
    seen(desk, "revisit")
    submit(page)
    assert page.locator(".alert-success").count() == 1
    desk.shot(ui["shots"] + "09-revisited")
    seen(desk, "revisited work order")

    # The end of the day: the technician hands in what he took; finance confirms it, and
    # the estate's daily table balances.
    phone.goto("/tech/")
    submit(phone, "#my-collections")
    assert phone.inner_text("#held-total").strip() == "85.50"
    tech.shot(ui["shots"] + "10-hand-in")
    seen(tech, "hand-in")
    submit(phone, f"#hand-in-{estate.id}")
    assert phone.locator(".alert-success").count() == 1
    assert phone.locator("#nothing-held").count() == 1
    with in_app():
        sheet_id = db.session.query(CashHandIn.id).scalar()
    finance = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    books = finance.page
    books.goto(f"/admin/cash_hand_in/details/?id={sheet_id}")
    seen(finance, "hand-in sheet")
    submit(books, "#action-confirm")
    books.fill("#amount", "85.50")
    submit(books)
    assert books.locator(".alert-success").count() == 1
    books.goto("/admin/cash_daily/")
    total = books.locator("#cash-daily-total")
    figures = [total.locator(f".{c}").inner_text().strip() for c in DAY_COLUMNS]
    assert figures == ["0.00", "85.50", "85.50", "85.50", "0.00", "0.00"]
    finance.shot(ui["shots"] + "11-daily-cash-table")
    seen(finance, "daily cash table")
    assert not untranslated, f"Chinese left on English pages: {untranslated}"
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is WorkOrderStatus.revisited and order.rating_quality == 5


def test_work_not_accepted_at_the_check_goes_back_to_work(factories, in_app, screen):
    """The technician marks the work done; the resident, checking before signing, finds the
    pipe still dripping and does not sign: the order goes back to work, and is closed with the
    signature only once the second check is good."""
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    factories.resident(unit, name="王丽", phone="13800138000")
    technician = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    order = factories.work_order(
        estate,
        unit_id=unit.id,
        trade=Trade.plumbing,
        status=WorkOrderStatus.in_progress,
        technician_id=technician.id,
        dispatched_at=clock.now() - timedelta(hours=1),
        arrived_at=clock.now() - timedelta(minutes=30),
        description="卫生间角阀漏水",
    )

    tech = screen("technician", viewport=PHONE).login("plumber", PASSWORD)
    phone = tech.page
    submit(phone, f"#action-finish-{order.id}")
    phone.fill("#notes", "更换角阀")
    submit(phone)
    # Done, awaiting the resident's check: besides signing, the resident may refuse the work.
    assert phone.inner_text(f"#action-rework-{order.id}").strip() == "住户验收不通过：返工"
    submit(phone, f"#action-rework-{order.id}")
    phone.fill("#notes", "角阀接口仍在滴水")
    tech.shot("rework-01-not-accepted-phone")
    submit(phone)
    assert phone.locator(".alert-success").count() == 1
    card = phone.locator(f"#order-{order.id}")
    assert card.locator(".badge").inner_text().strip() == "施工中"
    assert phone.locator(f"#action-close-{order.id}").count() == 0  # nothing to sign yet
    tech.shot("rework-02-back-to-work-phone")

    submit(phone, f"#action-finish-{order.id}")
    phone.fill("#notes", "重新缠生料带，试水 10 分钟无渗漏")
    submit(phone)
    submit(phone, f"#action-close-{order.id}")
    # Each visit's notes on a line of their own, as the resident reads them before signing.
    notes = phone.inner_text(".work-notes").splitlines()
    assert [line.split("] ", 1)[1] for line in notes] == [
        "更换角阀",
        "角阀接口仍在滴水",
        "重新缠生料带，试水 10 分钟无渗漏",
    ]
    phone.fill("#signer_name", "王丽")
    draw_signature(phone)
    submit(phone)  # the fee forgotten: the server sends the form back
    assert flashes(phone, "error") == ["请填写收费金额（无收费填0）。"]
    # ... with the signature still on the pad: the resident does not sign twice.
    phone.wait_for_selector("#signature-pad.signed[data-ready]")
    assert phone.input_value("#signature-data").startswith("data:image/png")
    phone.fill("#fee", "0")
    submit(phone)
    assert phone.locator(".alert-success").count() == 1
    assert phone.locator("#no-orders").count() == 1

    desk = screen("reception").login("front", PASSWORD)
    desk.page.goto(f"/admin/work_order/details/?id={order.id}")
    notes = details_field(desk.page, "维修记录").splitlines()  # one line per visit here too
    assert [line.split("] ", 1)[1] for line in notes] == [
        "更换角阀",
        "角阀接口仍在滴水",
        "重新缠生料带，试水 10 分钟无渗漏",
    ]
    history = desk.page.locator("#history + .table-responsive table").inner_text()
    assert history.count("确认完工") == 2 and "住户验收不通过：返工" in history
    desk.shot("rework-03-history")
    desk.page.goto(f"/admin/work_order/print/?id={order.id}")
    assert len(desk.page.inner_text(".work-notes").splitlines()) == 3  # printed line by line
    with in_app():
        closed = db.session.get(WorkOrder, order.id)
        assert closed.status is WorkOrderStatus.closed and closed.signer_name == "王丽"


def test_after_closing_the_messages_are_in_view_on_the_phone(factories, screen):
    """The signature page is long: its button is far down. The order list that follows opens
    at its top, with the two messages (the receipt's link among them) on the screen and read
    out first, not at the old scroll position over another order's button."""
    estate = factories.estate(code="HY", name="华苑小区")
    technician = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    for n in range(1, 7):  # a full day's list; the last order, its work done, is signed for
        unit = factories.unit(estate, building="3", room=f"{n}01")
        order = factories.work_order(
            estate,
            unit_id=unit.id,
            trade=Trade.plumbing,
            status=WorkOrderStatus.done if n == 6 else WorkOrderStatus.in_progress,
            technician_id=technician.id,
            dispatched_at=clock.now() - timedelta(hours=2),
            arrived_at=clock.now() - timedelta(hours=1),
            description=f"卫生间角阀漏水（{n}）",
            # What the resident reads before signing: three visits' notes, the damage found
            # and the quote agreed, as on a real order.
            work_notes="[05-10 09:12] 更换角阀\n[05-11 10:40] 角阀接口仍在滴水\n"
            "[05-12 14:05] 重新缠生料带，试水 10 分钟无渗漏",
            arrival_damage="柜门铰链已松动，非本次维修造成",
            quote_labour=Decimal("30.00"),
            quote_materials=Decimal("45.00"),
            quote_accepted=True,
        )

    tech = screen("technician", viewport=PHONE).login("plumber", PASSWORD)
    phone = tech.page
    submit(phone, f"#action-close-{order.id}")
    phone.fill("#signer_name", "王丽")
    draw_signature(phone)
    phone.check("input[name=payment][value=wechat]")
    submit(phone)
    messages = phone.locator("#messages .alert")
    assert messages.count() == 2  # closed, and the receipt
    for message in messages.all():
        box = message.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    receipt = phone.locator("#receipt-link").bounding_box()
    assert 0 <= receipt["y"] <= PHONE["height"] - receipt["height"]
    # A screen reader starts at the messages, as the eyes do.
    assert phone.evaluate(
        "[...document.querySelectorAll('#messages .alert')]"
        ".every(message => document.activeElement.contains(message))"
    )
    tech.shot("close-01-messages-in-view-phone")


LATE_CARD = {
    "zh": {"locale": "zh-CN", "shots": "", "overdue": "已逾期 7小时", "arrive": "确认到场"},
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "overdue": "Overdue by 7 hours",
        "arrive": "Mark arrived",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_late_emergency_stands_out_on_the_phone(factories, screen, lang):
    """Seven hours past an emergency's 15 minutes: its card is the first, says how late in a
    red label that is easy to read, and its first button is the next step (arrived), the hand
    back last and grey."""
    ui = LATE_CARD[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    technician = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    now = clock.now()
    common = dict(trade=Trade.plumbing, technician_id=technician.id)
    factories.work_order(  # booked for the day after tomorrow: its date on the card
        estate,
        **common,
        status=WorkOrderStatus.dispatched,
        appointment_at=now + timedelta(days=2),
        description="卫生间角阀漏水",
    )
    factories.work_order(  # an emergency he is at already
        estate,
        **common,
        status=WorkOrderStatus.in_progress,
        is_emergency=True,
        arrive_by=now - timedelta(hours=8),
        description="配电箱跳闸",
    )
    late = factories.work_order(
        estate,
        **common,
        status=WorkOrderStatus.dispatched,
        is_emergency=True,
        arrive_by=now - timedelta(hours=7, minutes=5),
        unit_id=factories.unit(estate, building="3", room="1201").id,
        description="楼上漏水，天花板滴水",
    )

    tech = screen("technician", viewport=PHONE, locale=ui["locale"]).login("plumber", PASSWORD)
    phone = tech.page
    first = phone.locator(".order-card").first
    assert first.get_attribute("id") == f"order-{late.id}"
    badge = phone.locator(f"#overdue-{late.id}")
    assert badge.inner_text().strip() == ui["overdue"]
    box, screen_width = badge.bounding_box(), PHONE["width"]
    assert box["height"] >= 20 and box["x"] >= 0 and box["x"] + box["width"] <= screen_width
    steps = first.locator("a.btn[id^=action-]")
    assert steps.first.inner_text().strip() == ui["arrive"]
    assert "btn-primary" in steps.first.get_attribute("class")
    assert steps.last.get_attribute("id") == f"action-hand_back-{late.id}"
    assert "btn-outline-secondary" in steps.last.get_attribute("class")
    # Readable: the label, the deadline and every button pass WCAG AA (axe's contrast rule).
    phone.add_script_tag(url=AXE_URL)
    contrast = phone.evaluate(
        """async () => (await axe.run('.order-card', {runOnly: ['color-contrast']}))
            .violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))"""
    )
    assert contrast == []
    if lang == "en":
        assert (
            chinese_left(phone, RECORDS + ("配电箱跳闸", "卫生间角阀漏水", "楼上漏水，天花板滴水"))
            == []
        )
    tech.shot(ui["shots"] + "tech-01-late-emergency-first")
