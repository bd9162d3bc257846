"""The calendar of the lists' date filters speaks the page's language: a supervisor filtering
tickets by the day they came in sees 日 一 二 … and 确定 in Chinese, Su Mo Tu … and Apply in
English, weeks starting on Monday."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD

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
