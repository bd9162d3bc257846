"""A household's move-in in a browser, from the notice to the keys and the filing: the front desk
starts it from the estate's queue, opens it at its next step in one click, and does each of the
11 steps on the household's one page (papers attached, fees paid, a defect found at the
inspection), the keys refused until their turn. In Chinese and in English, axe-clean; the
English pages keep nothing Chinese but the records' own content."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import MoveIn, MoveInStage, Payment, Role, Ticket

from ..conftest import PASSWORD
from .conftest import chinese_left, flashes, solid_png, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "shots": "",
        "done": "已完成：住户接收钥匙。",
        "keys": "钥匙最后交接",
    },
    "en": {
        "locale": "en-US",
        "shots": "en-",
        "done": "Done: Hand over the keys.",
        "keys": "The keys are handed over last",
    },
}
RECORDS = (
    "华苑小区",
    "李业主",
    "王前台",
    "物业管理费",
    "卫生间地漏堵塞",
    "已电话通知",
    "3栋1单元601",
    "3栋1单元601室",
)
PAPER = {"name": "scan.png", "mimeType": "image/png", "buffer": solid_png()}


def stage_of(in_app) -> MoveInStage:
    with in_app():
        return db.session.query(MoveIn).one().stage


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_move_in_from_the_notice_to_the_keys(app, factories, in_app, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    factories.unit(estate, building="3", entrance="1", room="601")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")

    def clean(page):
        # Read again without the flash message: Flask-Admin's close button (aria-hidden yet
        # focusable) is the layout's, on every page with a message, not this page's.
        page.reload()
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {page.url}: {blocking}"
        if lang == "en":
            assert chinese_left(page, RECORDS) == []

    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/move_in/")
    clean(page)
    page.fill("#unit", "3栋1单元601")
    page.fill("#name", "李业主")
    page.fill("#phone", "13900001111")
    submit(page, "#start-button")
    assert flashes(page)
    assert page.url.endswith("#step-notify")

    # Back at the queue, the household's next step opens it in one click.
    page.click("#back-to-queue")
    clean(page)
    desk.shot(f"{ui['shots']}move-in-01-queue")
    with page.expect_navigation():
        page.click(".next-step >> nth=0")
    assert page.url.endswith("#step-notify")

    page.fill("#note", "已电话通知")
    submit(page, "#step-done")
    for name in ("verify_notice", "sign_covenant", "register"):
        assert page.url.endswith(f"#step-{name}")
        page.set_input_files("#document", PAPER)
        submit(page, "#step-done")
    clean(page)
    submit(page, "#step-done")  # handbook
    page.check("#plans_renovation")
    submit(page, "#step-done")
    page.set_input_files("#document", PAPER)
    submit(page, "#step-done")  # the signed receipt of the handed-over items
    assert page.url.endswith("#step-pay_fees")
    clean(page)
    page.fill("#fee_item_0", "物业管理费")
    page.fill("#fee_amount_0", "1200")
    page.select_option("#method", "cash")
    desk.shot(f"{ui['shots']}move-in-02-fees")
    submit(page, "#step-done")
    clean(page)
    page.fill("#defects", "卫生间地漏堵塞")
    submit(page, "#step-done")
    assert page.url.endswith("#step-keys")
    with in_app():
        assert db.session.query(Ticket).one().unit_id is not None
        assert [p.amount for p in db.session.query(Payment)] == [1200]
    clean(page)
    submit(page, "#step-done")
    assert flashes(page) == [ui["done"]]
    assert stage_of(in_app) is MoveInStage.file
    desk.shot(f"{ui['shots']}move-in-03-keys")
    submit(page, "#step-done")  # the documents filed: back to the queue
    assert stage_of(in_app) is MoveInStage.done
    assert page.locator("#queue-empty").count() == 1
    clean(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_keys_are_refused_before_their_turn(app, factories, in_app, screen, lang):
    ui = UI[lang]
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", entrance="1", room="601")
    owner = factories.resident(unit, name="李业主")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    with in_app():
        db.session.add(MoveIn(estate_id=estate.id, unit_id=unit.id, resident_id=owner.id))
        db.session.commit()
        move_in_id = db.session.query(MoveIn.id).scalar()
    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto(f"/admin/move_in/details/?id={move_in_id}")
    # A tampered form asking for the keys at the first step: refused, said, nothing done.
    page.eval_on_selector("input[name=step]", "input => input.value = 'keys'")
    submit(page, "#step-done")
    assert stage_of(in_app) is MoveInStage.notify
    assert flashes(page, "error")
    # The other pages of the package read well too: the printed form and the move-out list.
    for path in (f"/admin/move_in/print/?id={move_in_id}", "/admin/move_in/move_out/"):
        page.goto(path)
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {path}: {blocking}"
        if lang == "en":
            assert chinese_left(page, RECORDS) == []
