"""A large-item release from the front desk to the gate: a tenant applies, the owner's
confirmation is recorded, the supervisor approves, the pass prints with its QR code, and the
guard on a phone scans it, lets the items out, and sees the pass used when it comes back.
It runs in Chinese and in English: every English page seen has nothing Chinese left but the
records' own content."""

from __future__ import annotations

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import GateCheck, GateResult, PassStatus, ReleasePass, ResidentRole, Role
from admin_app.passes import gate
from admin_app.passes.views import qr_svg

from ..conftest import PASSWORD
from .conftest import DESKTOP, PHONE, chinese_left, details_field, flashes, submit

pytestmark = pytest.mark.browser


UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "confirmed_by": "业主确认人",
        "status": "状态",
        "approved": "已批准",
        "card_title": "大件物品放行单",
        "let_out": "{number}：已放行。",
        "used": "已放行过",
        "release_button": "物品已出门：确认放行",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "confirmed_by": "Confirmed by owner",
        "status": "Status",
        "approved": "Approved",
        "card_title": "Large-item release",
        "let_out": "{number}: let out.",
        "used": "Already let out",
        "release_button": "Items let out: confirm the release",
    },
}
RECORDS = ("华苑小区", "周业主", "吴租客", "王前台", "李主管", "孙保安")
ITEMS = "双人床一张\n冰箱一台\n洗衣机一台\n书桌、椅子各一\n纸箱 6 个"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_release_pass_from_application_to_the_gate(app, factories, in_app, screen, lang):
    ui = UI[lang]
    untranslated: dict[str, list[str]] = {}

    def seen(session, what: str, page=None) -> None:
        """A page the person read: in English, nothing Chinese but the records (in Chinese,
        the same look finds the Chinese interface: it reads the whole page)."""
        page = page or session.page
        left = chinese_left(page, RECORDS + tuple(ITEMS.split("\n")))
        if lang == "zh":
            assert left, f"{what}: no Chinese interface text found"
        elif left:
            untranslated[f"{what} ({page.url})"] = left

    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="2", room="1502")
    factories.resident(unit, name="周业主", phone="13700001111", role=ResidentRole.owner)
    factories.resident(unit, name="吴租客", phone="13700002222", role=ResidentRole.tenant)
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")
    today = clock.today()

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/release_pass/new/")
    desk.pick_ajax("unit", "1502")
    desk.pick_ajax("applicant", "吴租客")
    page.fill("#applicant_name", "吴租客")
    page.fill("#applicant_phone", "13700002222")
    page.fill("#moving_date", today.isoformat())
    page.click("#items")  # away from the date picker, which closes
    page.fill("#items", ITEMS)
    desk.shot(ui["shots"] + "pass-01-release-application")
    seen(desk, "new release")
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), "no confirmation after saving the application"
    seen(desk, "release list")
    with in_app():
        release = db.session.query(ReleasePass).one()
        assert release.applicant_is_tenant  # the registered role decides
        release_id, number = release.id, release.number

    # A tenant's release waits for the owner: the front desk records the owner's word.
    page.goto(f"/admin/release_pass/details/?id={release_id}")
    seen(desk, "release details")
    submit(page, "#action-confirm_owner")
    seen(desk, "owner's confirmation")
    owner = page.locator("#owner option", has_text="周业主").get_attribute("value")
    page.select_option("#owner", owner)
    submit(page)
    assert flashes(page)
    assert details_field(page, ui["confirmed_by"]) == "周业主"
    seen(desk, "release confirmed by the owner")

    boss = screen("supervisor", locale=ui["locale"]).login("boss", PASSWORD)
    bp = boss.page
    bp.goto(f"/admin/release_pass/details/?id={release_id}")
    submit(bp, "#action-approve")
    assert bp.input_value("#valid_from") == today.isoformat()  # the moving day, proposed
    assert bp.input_value("#valid_until") == today.isoformat()
    boss.shot(ui["shots"] + "pass-02-approve")
    seen(boss, "approve")
    submit(bp)
    assert details_field(bp, ui["status"]) == ui["approved"]
    seen(boss, "approved release")
    with boss.context.expect_page() as opened:
        bp.click("#print-pass a >> nth=0")
    card = opened.value
    card.wait_for_load_state()
    assert card.locator("#pass-card svg").count() == 1
    assert number in card.inner_text("#pass-card")
    assert card.inner_text("#pass-card .title").strip() == ui["card_title"]
    # The estate has no hotline on record: the card does not print an empty "hotline:".
    foot = card.inner_text("#pass-card .foot")
    assert "服务热线" not in foot and "hotline" not in foot
    seen(boss, "printed card", page=card)
    # The whole item list fits its box on the card (the QR code gives way, never the list).
    assert card.evaluate(
        "() => { const b = document.querySelector('#pass-card .items');"
        " return b.scrollHeight <= b.clientHeight + 1; }"
    )
    qr = card.locator("#pass-card svg").bounding_box()
    assert qr["height"] >= 90 and abs(qr["height"] - qr["width"]) < 2  # square, still scannable
    boss.shot(ui["shots"] + "pass-03-card", page=card)
    # The QR code printed on the card is the signed token the gate reads (not the row id).
    with in_app():
        token = gate.token_for(db.session.get(ReleasePass, release_id))
        printed = str(qr_svg(token))
    raw = card.request.get(card.url).text()
    assert printed in raw and f"r.{release_id}." in token
    card.close()

    # The guard, on a phone: logging in opens the gate page.
    guard = screen("guard", viewport=PHONE, locale=ui["locale"]).login("gate1", PASSWORD)
    phone = guard.page
    assert phone.url.endswith("/gate/")
    # Ready for the scanner: the code field has the focus (autofocus comes with a frame).
    phone.wait_for_function("document.activeElement && document.activeElement.id === 'code'")
    guard.shot(ui["shots"] + "pass-04-gate-ready")
    seen(guard, "gate")
    phone.keyboard.type(token)  # a handheld scanner types the code and presses Enter
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.locator("#verdict.gate-valid").count() == 1
    assert "冰箱一台" in phone.inner_text("#gate-pass .gate-items")
    assert phone.inner_text("#gate-pass .gate-name").startswith("吴租客")
    assert phone.inner_text("#confirm-release").strip() == ui["release_button"]
    guard.shot(ui["shots"] + "pass-05-gate-valid")
    seen(guard, "gate: valid")
    submit(phone, "#confirm-release")
    assert flashes(phone) == [ui["let_out"].format(number=number)]
    seen(guard, "gate: let out")
    assert phone.locator("#confirm-release").count() == 0
    guard.shot(ui["shots"] + "pass-06-released")

    # The same pass again, typed by hand: used, not valid a second time.
    phone.fill("#code", number.lower())
    submit(phone, "#check-button")
    assert phone.locator("#verdict.gate-invalid").count() == 1
    assert phone.locator("#confirm-release").count() == 0
    assert phone.inner_text("#verdict-reason").strip() == ui["used"]
    guard.shot(ui["shots"] + "pass-07-used")
    seen(guard, "gate: used")

    with in_app():
        release = db.session.get(ReleasePass, release_id)
        assert release.status is PassStatus.released and release.released_by.name == "孙保安"
        checks = db.session.query(GateCheck).order_by(GateCheck.id).all()
        assert [c.result for c in checks] == [GateResult.valid, GateResult.used]
    assert not untranslated, f"Chinese left on English pages: {untranslated}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_scan_after_scan_without_touching_the_screen(factories, in_app, screen, viewport):
    """A handheld scanner types each code and presses Enter into the focused field: after the
    first check's result the field has the focus again, so the next pass is checked too."""
    estate = factories.estate(code="HY", name="华苑小区")
    first = factories.release_pass(estate, applicant_name="吴租客")
    second = factories.release_pass(estate, applicant_name="周业主")
    factories.staff(Role.guard, estates=[estate], username="gate1", name="孙保安")
    with in_app():
        codes = [gate.token_for(db.session.get(ReleasePass, p.id)) for p in (first, second)]
        numbers = [db.session.get(ReleasePass, p.id).number for p in (first, second)]

    guard = screen("guard", viewport=viewport).login("gate1", PASSWORD)
    page = guard.page
    page.wait_for_function("document.activeElement && document.activeElement.id === 'code'")
    for code, number in zip(codes, numbers, strict=True):
        page.keyboard.type(code)  # the scanner: the code, then Enter, into whatever has focus
        assert page.input_value("#code") == code, "the scanned code went nowhere"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.inner_text("#verdict .gate-scanned").startswith(number)
    guard.shot(f"pass-08-second-scan-{'phone' if viewport is PHONE else 'desktop'}")
