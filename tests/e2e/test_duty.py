"""A night shift's duty log on a phone, in Chinese and in English: the night guard opens
/duty/, sees his shift and that he holds the duty phone, the call the desk logged in the night,
writes a line in one step, hands over with a note; the day guard opens his page, reads the
note and takes over in one tap. Every page is axe-clean at phone size and speaks one language
but for the records' own content."""

from __future__ import annotations

from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import DutyShift, Role

from ..conftest import PASSWORD
from .conftest import PHONE, chinese_left, english_left, flashes, submit
from .walk import BLOCKING, axe_violations

pytestmark = pytest.mark.browser

UI = {
    "zh": {
        "locale": "zh-CN",
        "html_lang": "zh-CN",
        "shots": "",
        "phone": "持值班电话",
        "written": "已记入值班记录簿。",
        "handed": "已交班：已通知下一班。",
        "taken": "已确认接班：本班由您值守。",
    },
    "en": {
        "locale": "en-US",
        "html_lang": "en",
        "shots": "en-",
        "phone": "Holds the duty phone",
        "written": "Written in the duty log.",
        "handed": "Handed over: the next shift is told.",
        "taken": "Hand-over acknowledged: the shift is yours.",
    },
}
LINE = "巡逻发现3号楼单元门未关，已关好"
NOTE = "3号楼单元门锁坏了，白班请报修"
RECORDS = ("华苑小区", "孙保安", "赵保安", LINE, NOTE, "0755-86001234")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_night_shift_log_and_hand_over_on_a_phone(app, factories, in_app, screen, lang):
    ui = UI[lang]
    wrong_language: dict[str, list[str]] = {}

    def seen(session, what: str) -> None:
        page = session.page
        assert page.get_attribute("html", "lang") == ui["html_lang"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if lang == "zh":
            assert chinese_left(page, RECORDS), f"{what}: no Chinese interface text"
            left = english_left(page, RECORDS)
        else:
            left = chinese_left(page, RECORDS)
        if left:
            wrong_language[f"{what} ({page.url})"] = left
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {what} at phone size: {blocking}"

    estate = factories.estate(code="HY", name="华苑小区")
    with in_app():
        db.session.get(type(estate), estate.id).duty_phone = "0755-86001234"
        db.session.commit()
    night_guard = factories.staff(Role.guard, estates=[estate], username="night1", name="孙保安")
    day_guard = factories.staff(Role.guard, estates=[estate], username="day1", name="赵保安")
    night = factories.duty_shift(estate, night_guard, starts_in_hours=-12, hours=12.2)
    with in_app():
        db.session.get(DutyShift, night.id).holds_phone = True
        db.session.commit()
    factories.duty_shift(estate, day_guard, starts_in_hours=-0.1, hours=12, holds_phone=False)
    call = factories.ticket(estate, received_at=clock.now() - timedelta(hours=5))

    # The night guard, near the end of his shift, opens his duty page.
    guard = screen("night-guard", viewport=PHONE, locale=ui["locale"]).login("night1", PASSWORD)
    page = guard.page
    page.goto("/duty/")
    assert ui["phone"] in page.inner_text("#holds-phone")
    assert "0755-86001234" in page.inner_text("#holds-phone")
    assert call.number in page.inner_text("#shift-tickets")
    seen(guard, "my duty")

    page.fill("#text", LINE)
    submit(page, "#add-entry")
    assert flashes(page) == [ui["written"]]
    assert LINE in page.inner_text("#entries")
    guard.shot(ui["shots"] + "duty-01-night-log")

    page.fill("#note", NOTE)
    submit(page, "#hand-over")
    assert flashes(page) == [ui["handed"]]
    seen(guard, "after hand-over")

    # The day guard arrives: the note waits on his page; one tap takes over.
    day = screen("day-guard", viewport=PHONE, locale=ui["locale"]).login("day1", PASSWORD)
    page = day.page
    page.goto("/duty/")
    assert NOTE in page.inner_text("#handover-waiting")
    seen(day, "hand-over waiting")
    day.shot(ui["shots"] + "duty-02-hand-over")
    submit(page, "#acknowledge")
    assert flashes(page) == [ui["taken"]]
    assert page.locator("#handover-waiting").count() == 0
    seen(day, "day shift")
    with in_app():
        assert db.session.get(DutyShift, night.id).acknowledged_by_id == day_guard.id

    assert not wrong_language, f"pages not in one language: {wrong_language}"
