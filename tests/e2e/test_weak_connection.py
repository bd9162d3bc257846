"""The technician's phone in a basement: the connection drops as he sends a form. The page says
it was not sent and keeps everything typed (the resident's signature too); so it does when a
proxy answers with an error page; back online, the same button sends it."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Trade, WorkOrder, WorkOrderStatus

from ..conftest import PASSWORD
from .conftest import PHONE, flashes, submit
from .test_repair_path import draw_signature

pytestmark = pytest.mark.browser

NOT_SENT = {
    "zh-CN": "未发送：网络已断开或信号太弱。您填写的内容都还在，网络恢复后请再次提交。",
    "en-US": (
        "Not sent: the connection is lost or too weak. Everything you typed is still here: "
        "send it again when the connection is back."
    ),
}
NO_ANSWER = {
    "zh-CN": "未发送：服务器没有正常响应。您填写的内容都还在，请稍后再试。",
    "en-US": (
        "Not sent: the server did not answer properly. Everything you typed is still here: "
        "try again in a moment."
    ),
}


def send_offline(tech, label: str) -> None:
    """Press the button with the network cut: the page stays, with the message."""
    phone = tech.page
    tech.context.set_offline(True)
    phone.click("#confirm-action")
    alert = phone.locator("[role=alert].send-failed")
    alert.wait_for()
    tech.shot(label)
    tech.context.set_offline(False)


def signature_pixels(page) -> int:
    """How many pixels of the signature pad are drawn on."""
    return page.evaluate(
        """() => {
            const pad = document.getElementById('signature-pad');
            const data = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
            let drawn = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]) drawn++;
            return drawn;
        }"""
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_form_sent_without_connection_keeps_what_was_typed(factories, in_app, screen, locale):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    plumber = factories.staff(
        Role.technician,
        estates=[estate],
        username="plumber",
        name="张师傅",
        trades=[Trade.plumbing],
    )
    order = factories.work_order(
        estate,
        unit_id=unit.id,
        trade=Trade.plumbing,
        technician_id=plumber.id,
        status=WorkOrderStatus.in_progress,
        contact_name="王丽",
        contact_phone="13800138000",
    )
    tech = screen("technician", viewport=PHONE, locale=locale).login("plumber", PASSWORD)
    phone = tech.page
    lang = "en-" if locale == "en-US" else ""

    # Work done: the notes typed, the connection cut as he presses the button.
    submit(phone, f"#action-finish-{order.id}")
    phone.fill("#notes", "更换下水管，试水正常")
    send_offline(tech, f"{lang}weak-connection-1-notes-kept")
    assert phone.locator(".send-failed").inner_text().strip() == NOT_SENT[locale]
    assert phone.input_value("#notes") == "更换下水管，试水正常"
    assert phone.is_enabled("#confirm-action")  # ready to be sent again
    # A proxy in the way answers "bad gateway": the form stays too, with its own message.
    phone.route("**/tech/act/**", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    phone.click("#confirm-action")
    phone.locator(".send-failed", has_text=NO_ANSWER[locale]).wait_for()
    assert phone.input_value("#notes") == "更换下水管，试水正常"
    phone.unroute("**/tech/act/**")
    with in_app():
        assert db.session.get(WorkOrder, order.id).status is WorkOrderStatus.in_progress
    submit(phone)  # back online: the same button
    assert len(flashes(phone)) == 1
    assert phone.url.endswith("/tech/")
    assert phone.locator(".send-failed").count() == 0

    # The resident signs; the connection drops again: name, fee and signature all stay.
    submit(phone, f"#action-close-{order.id}")
    phone.fill("#signer_name", "王丽")
    phone.fill("#fee", "30")
    phone.check("input[name=payment][value=cash]")
    draw_signature(phone)
    drawn = signature_pixels(phone)
    send_offline(tech, f"{lang}weak-connection-2-signature-kept")
    assert phone.locator(".send-failed").inner_text().strip() == NOT_SENT[locale]
    assert phone.input_value("#signer_name") == "王丽"
    assert phone.input_value("#fee") == "30"
    assert phone.is_checked("input[name=payment][value=cash]")
    # Still signed: the message may bring a scrollbar, and the pad redraws the same strokes
    # at its new width (the data changes with it), so nothing asks for a second signature.
    assert phone.input_value("#signature-data").startswith("data:image/png;base64,")
    assert signature_pixels(phone) > drawn // 2
    assert phone.locator("#signature-pad.signed").count() == 1
    submit(phone)
    assert len(flashes(phone)) == 1
    assert phone.locator("#no-orders").count() == 1
    with in_app():
        closed = db.session.get(WorkOrder, order.id)
        assert closed.status is WorkOrderStatus.closed
        assert closed.signer_name == "王丽" and closed.fee_collected == 30
        assert closed.work_notes and "更换下水管" in closed.work_notes
        assert closed.signature_file_id is not None
