"""The whole repair path in a browser, as the front desk and the technician live it:
repair ticket → work order → dispatch → arrival, quote, work done → signature → revisit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, StoredFile, Trade, WorkOrder, WorkOrderStatus

from ..conftest import PASSWORD
from .conftest import PHONE

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


def test_repair_ticket_to_revisit(factories, in_app, screen):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    factories.resident(unit, name="王丽", phone="13800138000")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )

    desk = screen("reception").login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/new/")
    page.select_option("#category", "repair", force=True)
    desk.pick_ajax("unit", "1201")
    desk.pick_ajax("resident", "138001")
    page.fill("#reporter_name", "王丽")
    page.fill("#reporter_phone", "138 0013 8000")
    page.fill("#description", "厨房水槽下水管漏水")
    desk.shot("01-repair-ticket-form")
    submit(page, "input[type=submit].btn-primary")
    page.click("table tbody tr >> nth=0 >> a[title]")  # the first row's details (eye) icon
    page.click("#action-create_work_order")
    page.select_option("#trade", "plumbing")
    desk.shot("02-create-work-order")
    submit(page)
    assert "/admin/work_order/details/" in page.url
    order_id = int(re.search(r"id=(\d+)", page.url).group(1))

    page.click("#action-dispatch")
    technician = page.locator("#technician option", has_text="张师傅").get_attribute("value")
    page.select_option("#technician", technician)
    appointment = (clock.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#appointment_at", appointment)
    desk.shot("03-dispatch")
    submit(page)
    assert page.locator(".alert-success").count() == 1

    tech = screen("technician", viewport=PHONE).login("plumber", PASSWORD)
    phone = tech.page
    assert phone.url.endswith("/tech/")
    tech.shot("04-my-work-orders")
    for step, fill in (
        ("arrive", None),
        ("quote", {"#labour": "60", "#materials": "25.5"}),
        ("accept_quote", None),
        ("finish", {"#notes": "更换下水管，试水正常"}),
    ):
        phone.click(f"#action-{step}-{order_id}")
        for selector, value in (fill or {}).items():
            phone.fill(selector, value)
        submit(phone)
        assert phone.locator(".alert-success").count() == 1, step
    phone.click(f"#action-close-{order_id}")
    phone.fill("#signer_name", "王丽")
    phone.fill("#fee", "85.50")
    draw_signature(phone)
    tech.shot("05-signature")
    # Turning the phone resizes the pad; what the resident signed must survive it.
    phone.set_viewport_size({"width": 600, "height": 844})
    phone.set_viewport_size(PHONE)
    assert phone.input_value("#signature-data").startswith("data:image/png")
    submit(phone)
    assert phone.locator(".alert-success").count() == 1
    assert phone.locator("#no-orders").count() == 1

    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is WorkOrderStatus.closed
        assert order.fee_collected == 85.5 and order.signer_name == "王丽"
        signature = db.session.get(StoredFile, order.signature_file_id).data
        assert signature.startswith(b"\x89PNG") and len(signature) > 1000

    page.goto(f"/admin/work_order/details/?id={order_id}")
    image = page.locator("img.signature-image")
    assert image.evaluate("img => img.naturalWidth") > 0
    desk.shot("06-closed-order")
    page.goto(f"/admin/work_order/print/?id={order_id}")
    assert page.locator("img.signature").evaluate("img => img.naturalWidth") > 0
    assert "维修服务任务单" in page.content()
    desk.shot("07-printout")

    page.goto(f"/admin/work_order/details/?id={order_id}")
    page.click("#action-revisit")
    for field in ("rating_timeliness", "rating_quality", "rating_fee", "rating_attitude"):
        page.check(f"input[name={field}][value='5']")
    page.check("input[name=satisfaction][value=satisfied]")
    page.fill("#comment", "师傅很专业，已修好")
    desk.shot("08-revisit")
    submit(page)
    assert page.locator(".alert-success").count() == 1
    desk.shot("09-revisited")
    with in_app():
        order = db.session.get(WorkOrder, order_id)
        assert order.status is WorkOrderStatus.revisited and order.rating_quality == 5
