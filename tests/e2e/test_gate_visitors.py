"""A visitor at the gate, on the guard's phone: from the gate check to the visitor register,
the visitor let in with the unit typed as people say it, the phone masked in the list, and
let out again with one tap. In Chinese and in English; axe-core finds nothing serious, and the
English pages keep nothing Chinese but the records' own content."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Parcel, ParcelStatus, Role, Visitor, VisitPoint

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, flashes, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "link": "访客与代收",
        "unit": "2栋1单元1502室",
        "in": "孙访客 已登记进入。",
        "out": "孙访客 已离开。",
    },
    "en": {
        "locale": "en-US",
        "link": "Visitors and parcels",
        "unit": "Bldg 2, Ent. 1, Rm 1502",
        "in": "孙访客 is in.",
        "out": "孙访客 left.",
    },
}
RECORDS = ("华苑小区", "孙访客", "周业主", "孙保安", "粤B12345")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_visitor_in_and_out_at_the_gate_on_a_phone(factories, in_app, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    factories.unit(estate, building="2", entrance="1", room="1502")
    factories.unit(estate, building="2", entrance="1", room="1501")
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")

    guard = screen("guard", viewport=PHONE, locale=ui["locale"]).login("gate1", PASSWORD)
    phone = guard.page
    assert phone.url.endswith("/gate/")

    def clean(what: str) -> None:
        blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {what} at phone size: {blocking}"
        left = chinese_left(phone, RECORDS + (ui["unit"],))
        if lang == "zh":
            assert left, f"{what}: no Chinese interface text found"
        else:
            assert not left, f"{what}: Chinese left on an English page: {left}"

    with phone.expect_navigation():
        phone.get_by_role("link", name=ui["link"]).click()
    assert phone.url.endswith("/gate/visitors/")
    clean("the visitor register")

    phone.fill("#name", "孙访客")
    phone.fill("#phone", "139 1234 5678")
    phone.fill("#unit", "2-1-1502")
    # The box suggests the units the text names, as the panel writes them.
    phone.wait_for_function(
        "label => [...document.querySelectorAll('#unit-choices option')]"
        ".some(o => o.value === label)",
        arg=ui["unit"],
    )
    phone.fill("#plate", "粤B12345")
    guard.shot(f"{lang}-gate-visitor-01-form")
    submit(phone, "#visitor-in")
    assert flashes(phone) == [ui["in"]]
    row = phone.locator(".visitors-inside li", has_text="孙访客")
    assert row.count() == 1
    assert "139****5678" in row.inner_text() and "13912345678" not in phone.content()
    assert ui["unit"] in row.inner_text()
    guard.shot(f"{lang}-gate-visitor-02-inside")
    clean("the visitor inside")

    submit(phone, ".visitors-inside li .visitor-out")
    assert flashes(phone) == [ui["out"]]
    assert phone.locator("#nobody-inside").count() == 1
    guard.shot(f"{lang}-gate-visitor-03-out")
    clean("the visitor gone")

    with in_app():
        visitor = db.session.query(Visitor).one()
        assert visitor.point is VisitPoint.gate
        assert visitor.unit.room == "1502" and visitor.plate == "粤B12345"
        assert visitor.in_by.name == "孙保安" and visitor.out_by.name == "孙保安"
        assert visitor.out_at is not None


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


DESK = {
    "zh": {"locale": "zh-CN", "refused": "请先致电住户", "done": "已交给收件人"},
    "en": {"locale": "en-US", "refused": "Call the resident first", "done": "handed over."},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_desk_signs_for_a_parcel_after_the_call_and_hands_it_over_signed(
    factories, in_app, screen, lang
):
    ui = DESK[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    factories.unit(estate, building="2", entrance="1", room="1502")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page

    def clean(what: str) -> None:
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {what}: {blocking}"
        if lang == "en":
            left = chinese_left(page, RECORDS + ("王前台", "冰箱一台", "Bldg 2, Ent. 1, Rm 1502"))
            assert not left, f"{what}: Chinese left on an English page: {left}"

    page.goto("/visitors/")
    clean("the desk's screen")
    submit(page, "#receive-parcel")
    page.fill("#unit", "2-1-1502")
    page.fill("#recipient_name", "周业主")
    page.fill("#description", "冰箱一台")
    submit(page, "#confirm-parcel")  # nobody was called yet
    assert any(ui["refused"] in text for text in flashes(page, "error"))
    clean("the parcel refused")
    page.fill("#confirmed_by", "周业主")
    submit(page, "#confirm-parcel")
    assert len(flashes(page)) == 1
    desk.shot(f"{lang}-desk-parcel-01-waiting")

    submit(page, ".parcels-waiting li a")
    clean("the hand-over")
    draw_signature(page)
    submit(page, "#confirm-action")
    assert ui["done"] in flashes(page)[0]
    desk.shot(f"{lang}-desk-parcel-02-handed-over")
    with in_app():
        parcel = db.session.query(Parcel).one()
        assert parcel.status is ParcelStatus.handed_over and parcel.signature_file_id
        assert (parcel.confirmed_by, parcel.collected_by) == ("周业主", "周业主")


BOX = {
    "zh": {"locale": "zh-CN", "back": "手推车已归还百宝箱。", "undone": "手推车已重新借出。"},
    "en": {
        "locale": "en-US",
        "back": "手推车 is back in the box.",
        "undone": "手推车 is lent out again.",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_return_tapped_by_mistake_is_undone_on_the_phone(factories, screen, lang):
    ui = BOX[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    factories.unit(estate, building="2", entrance="1", room="1502")
    factories.box_item(estate, name="手推车", count=1, lend_hours=4)
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")
    guard = screen("guard", viewport=PHONE, locale=ui["locale"]).login("gate1", PASSWORD)
    phone = guard.page
    phone.goto("/gate/visitors/")
    submit(phone, ".box-items .box-item a")  # "Lend" beside the trolley
    phone.fill("#unit", "2-1-1502")
    phone.fill("#borrower_name", "周业主")
    submit(phone, "#lend")
    submit(phone, ".loans-out .loan-back")
    assert flashes(phone) == [ui["back"]]
    undo = phone.locator(".just-returned .loan-undo")
    assert undo.count() == 1
    blocking = [v for v in axe_violations(phone) if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the box with a return to undo: {blocking}"
    left = chinese_left(phone, RECORDS + ("手推车", "2栋1单元1502室"))
    assert bool(left) == (lang == "zh"), left
    guard.shot(f"{lang}-gate-box-undo-01")
    submit(phone, ".just-returned .loan-undo")
    assert flashes(phone) == [ui["undone"]]
    assert phone.locator(".loans-out .loan-out").count() == 1
    assert phone.locator(".just-returned").count() == 0
