"""The panel's one date picker, on the lists' filters and on every form. Its calendar speaks the
page's language: a supervisor filtering tickets by the day they came in sees 日 一 二 … and 确定
in Chinese, Su Mo Tu … and Apply in English, weeks starting on Monday. On a form it closes on a
pick, on Escape and on a click elsewhere, never covers the form's buttons (desktop and phone),
and writes what the panel prints; a quick choice fills the field at once."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Renovation, Role, TicketCategory, WorkOrder, WorkOrderStatus

from ..conftest import PASSWORD
from .conftest import DESKTOP, PHONE, details_field, flashes, submit

pytestmark = pytest.mark.browser

# (browser language, first three day headers from Monday, the apply button, a month)
EXPECTED = {
    "zh-CN": (["一", "二", "三"], "确定", "11月"),
    "en": (["Mo", "Tu", "We"], "Apply", "Nov"),
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_date_filters_calendar_in_the_pages_language(factories, screen, lang):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.ticket(estate)
    days, apply_label, month = EXPECTED[lang]

    desk = screen("supervisor", locale=lang).login("boss", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/?flt0_received_at_greater_than=2026-11-02+08:00:00")
    page.click("table.filters input.filter-val >> nth=-1")  # the date, beside the operation
    calendar = page.locator(".daterangepicker:visible")
    calendar.wait_for()
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '.daterangepicker .calendar-date thead tr:last-child th'))
            .map(th => th.innerText.trim()).filter(Boolean)"""
    )
    assert shown[:3] == days, shown
    assert calendar.locator(".applyBtn").inner_text().strip() == apply_label
    assert month in calendar.inner_text()
    desk.shot(f"date-filter-calendar-{lang}")


# ---- one widget on every form ---------------------------------------------------------------
# The renovation application's two dates sit right above 保存: their calendars used to stay
# open over the buttons, deaf to Escape. Now each closes on a pick, on Escape and on a click
# elsewhere, opens where it leaves the form's buttons free, and writes what the panel prints.

OPEN = ".daterangepicker.panel-date-picker:visible"
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGES = {
    "zh": {
        "locale": "zh-CN",
        "start": "计划开工日期",
        "end": "计划完工日期",
        "due": "约定回电时间",
        "morning": "明天上午",
    },
    "en": {
        "locale": "en-US",
        "start": "Planned start",
        "end": "Planned end",
        "due": "Callback due",
        "morning": "Tomorrow morning",
    },
}


def open_calendar(page, field: str):
    page.click(f"#{field}")
    calendar = page.locator(OPEN)
    calendar.wait_for()
    return calendar


def closed(page) -> bool:
    page.locator(OPEN).wait_for(state="hidden")
    return page.locator(OPEN).count() == 0


def front_office(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="8", room="0301")
    factories.resident(unit, name="郑业主", phone="13600003333")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    return estate


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_renovation_forms_calendars_close_on_escape_click_away_and_pick(
    factories, screen, in_app, lang
):
    ui = LANGUAGES[lang]
    front_office(factories)
    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto("/admin/renovation/new/")

    # Escape closes it; the field keeps the focus, to type on, and nothing was filled in.
    open_calendar(page, "planned_start")
    page.keyboard.press("Escape")
    assert closed(page)
    assert page.evaluate("document.activeElement.id") == "planned_start"
    assert page.input_value("#planned_start") == ""

    # A click elsewhere closes it, and a glance at the calendar fills nothing in either.
    open_calendar(page, "planned_start")
    page.click("form hr")  # above the buttons: nothing there takes the focus
    assert closed(page)
    assert page.input_value("#planned_start") == ""

    # Typed, the day is read as typed (not rewritten mid-way) and the calendar follows it.
    start = (clock.today() + timedelta(days=3)).isoformat()
    open_calendar(page, "planned_start")
    page.keyboard.type(start, delay=20)
    assert page.input_value("#planned_start") == start
    active = page.locator(f"{OPEN} .calendar:visible td.active:not(.off)")
    assert active.inner_text().strip() == str(int(start[-2:]))
    page.keyboard.press("Escape")
    assert closed(page)
    assert page.input_value("#planned_start") == start

    # Moving on to another field closes it too (it used to stay open under the next one).
    open_calendar(page, "planned_end")
    page.focus("#deposit")
    assert closed(page)

    # A day picked closes the calendar and is written as the panel prints days.
    calendar = open_calendar(page, "planned_end")
    calendar.locator(".calendar:visible th.next").click()  # next month: after the start
    calendar.locator(
        ".calendar:visible td.available:not(.off)", has_text=re.compile("^15$")
    ).click()
    assert closed(page)
    end = page.input_value("#planned_end")
    assert DAY.match(end) and end > start

    desk.pick_ajax("unit", "0301")
    desk.pick_ajax("owner", "郑业主")
    page.fill("#contractor", "安居装饰公司")
    page.fill("#person_in_charge", "钱工头")
    page.fill("#person_phone", "13600004444")
    page.fill("#scope", "厨房改造")
    page.fill("#deposit", "2000")
    submit(page, "input[type=submit].btn-primary")
    assert flashes(page), flashes(page, "error")
    with in_app():
        renovation_id = db.session.query(Renovation.id).scalar()
    page.goto(f"/admin/renovation/details/?id={renovation_id}")
    assert details_field(page, ui["start"]) == start
    assert details_field(page, ui["end"]) == end


def overlapping(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def assert_buttons_free(page, field: str, where: str) -> None:
    """The field scrolled to the top, then the bottom of the screen: its open calendar covers
    none of its form's buttons and stays within the screen's width."""
    buttons = page.locator(
        f"form:has(#{field}) :is(input[type=submit], button, a.btn):not(.daterangepicker *):visible"
    )
    assert buttons.count(), "no buttons found"
    for block in ("start", "end"):
        page.locator(f"#{field}").evaluate(f"el => el.scrollIntoView({{block: '{block}'}})")
        calendar = open_calendar(page, field)
        box = calendar.bounding_box()
        width = page.viewport_size["width"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (where, block, box)
        for i in range(buttons.count()):
            button = buttons.nth(i)
            assert not overlapping(box, button.bounding_box()), (
                where,
                block,
                button.inner_text() or button.get_attribute("value"),
            )
        page.keyboard.press("Escape")
        assert closed(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_open_calendar_never_covers_the_forms_buttons(factories, screen, viewport):
    estate = front_office(factories)
    ticket = factories.ticket(estate, TicketCategory.inquiry)
    size = PHONE if viewport == "phone" else DESKTOP
    desk = screen("reception", viewport=size).login("front", PASSWORD)
    page = desk.page

    page.goto("/admin/renovation/new/")
    for field in ("planned_start", "planned_end"):
        assert_buttons_free(page, field, f"renovation {field}")
    open_calendar(page, "planned_end")
    desk.shot(f"date-picker-renovation-{viewport}")
    page.keyboard.press("Escape")

    page.goto("/admin/ticket/new/")
    assert_buttons_free(page, "callback_due_at", "ticket form")
    open_calendar(page, "callback_due_at")
    desk.shot(f"date-picker-ticket-{viewport}")
    page.keyboard.press("Escape")

    # The callback step: a short form at the top of the page, no room above the field — the
    # calendar opens in the form and pushes the confirm button down.
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(page, "#action-promise_callback")
    assert_buttons_free(page, "callback_due_at", "callback step")
    open_calendar(page, "callback_due_at")
    desk.shot(f"date-picker-callback-step-{viewport}")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_callbacks_quick_choice_fills_the_field_closes_and_is_printed_the_same(
    factories, screen, lang
):
    ui = LANGUAGES[lang]
    estate = front_office(factories)
    ticket = factories.ticket(estate, TicketCategory.inquiry)
    desk = screen("reception", locale=ui["locale"]).login("front", PASSWORD)
    page = desk.page
    page.goto(f"/admin/ticket/details/?id={ticket.id}")
    submit(page, "#action-promise_callback")
    calendar = open_calendar(page, "callback_due_at")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    calendar.locator(".date-quick-choices button", has_text=ui["morning"]).click()
    assert closed(page)
    assert page.input_value("#callback_due_at") == f"{tomorrow} 12:00"
    submit(page)
    assert flashes(page), flashes(page, "error")
    assert details_field(page, ui["due"]) == f"{tomorrow} 12:00"


RANGES = {"zh-CN": ("今天", "本周", "本月"), "en": ("Today", "This week", "This month")}


@pytest.mark.parametrize(
    ("lang", "viewport"), [("zh-CN", "desktop"), ("en", "desktop"), ("zh-CN", "phone")]
)
def test_a_lists_date_range_filter_offers_today_this_week_this_month(
    factories, screen, lang, viewport
):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.supervisor, estates=[estate], username="boss", name="李主管")
    factories.ticket(estate, received_at=clock.now().replace(second=0))
    size = PHONE if viewport == "phone" else DESKTOP
    desk = screen("supervisor", viewport=size, locale=lang).login("boss", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/?flt0_received_at_between=2026-01-01+00:00+to+2026-01-31+23:59")
    page.click("table.filters input.filter-val >> nth=-1")
    calendar = page.locator(OPEN)
    calendar.wait_for()
    box = calendar.bounding_box()  # on the screen, even where the list is wider than a phone
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    choices = calendar.locator(".ranges li").all_inner_texts()
    assert tuple(choices[:3]) == RANGES[lang], choices
    desk.shot(f"date-filter-ranges-{lang}-{viewport}")
    calendar.locator(".ranges li", has_text=RANGES[lang][1]).click()
    assert closed(page)
    # This week, Monday 00:00 to Sunday 23:59, written as the panel prints moments.
    value = page.input_value("table.filters input.filter-val >> nth=-1")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00 to \d{4}-\d{2}-\d{2} 23:59", value), value
    with page.expect_navigation():
        page.click("form:has(table.filters) button[type=submit].btn-primary")
    assert flashes(page, "error") == []
    assert page.locator("table.model-list tbody tr").count() == 1


def test_the_technicians_phone_has_the_same_picker_and_its_quick_choices(factories, screen, in_app):
    estate = factories.estate(code="HY", name="华苑小区")
    fixer = factories.staff(Role.technician, estates=[estate], username="fixer", name="张工")
    order = factories.work_order(estate, status=WorkOrderStatus.in_progress, technician_id=fixer.id)
    tech = screen("technician", viewport=PHONE).login("fixer", PASSWORD)
    phone = tech.page
    phone.goto(f"/tech/act/book_next_visit/{order.id}")
    assert_buttons_free(phone, "next_visit_at", "technician's next visit")
    calendar = open_calendar(phone, "next_visit_at")
    assert calendar.locator("th.next").count()  # the panel's calendar, in Chinese
    assert calendar.locator(".applyBtn").inner_text().strip() == "确定"
    tech.shot("date-picker-technician-phone")
    calendar.locator(".date-quick-choices button", has_text="明天上午").click()
    assert closed(phone)
    tomorrow = clock.today() + timedelta(days=1)
    assert phone.input_value("#next_visit_at") == f"{tomorrow.isoformat()} 09:00"
    phone.fill("#notes", "缺配件，明天带来")
    submit(phone)
    with in_app():
        booked = db.session.get(WorkOrder, order.id).next_visit_at
    assert booked == datetime.combine(tomorrow, time(9))
