"""Every page of the panel in Chinese, as an administrator opens it from the menu (the same
pages as the English check): no English is left on them but the records' own content and
codes, not even in the search boxes' messages or the date filter's calendar."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD
from .conftest import english_left
from .office_pages import RECORDS, seed_every_page, words_left

pytestmark = pytest.mark.browser

# Pages kept as screenshots, to be read by a person for wording (tests/artifacts/e2e/).
SHOWN = {
    "/admin/ticket/new/": "ticket-form",
    "/admin/unit/details/?id=1": "unit-details",
    "/admin/audit_record/": "history",
}


def test_every_page_in_chinese(factories, screen):
    details = seed_every_page(factories)

    admin = screen("admin", locale="zh-CN").login("root", PASSWORD)
    shots = {path: f"chinese-{name}" for path, name in SHOWN.items()}
    untranslated = words_left(admin, details, english_left, shots)
    assert not untranslated, f"English left on Chinese pages: {untranslated}"


def test_search_box_and_calendar_in_chinese(factories, screen):
    seed_every_page(factories)
    admin = screen("admin", locale="zh-CN").login("root", PASSWORD)
    page = admin.page

    # A unit picker (an ajax select) searched for a unit that does not exist.
    page.goto("/admin/ticket/new/")
    page.click("#s2id_unit .select2-choice")
    page.fill("#select2-drop input.select2-input", "9-9-999")
    no_match = page.locator("#select2-drop .select2-no-results")
    no_match.wait_for()
    assert no_match.inner_text().strip() == "没有找到匹配项"
    assert english_left(page, RECORDS) == []
    page.keyboard.press("Escape")

    # A list's filters: the status chosen from a search box (select2) searched for nothing it
    # offers, then the date's calendar open.
    page.goto(
        "/admin/ticket/?flt0_status_equals=open&flt1_received_at_greater_than=2026-11-02+08:00:00"
    )
    page.click("table.filters tr >> nth=0 >> .select2-container >> nth=1")
    page.fill("#select2-drop input.select2-input", "zzz")
    page.locator("#select2-drop .select2-no-results").wait_for()
    assert english_left(page, RECORDS) == []
    page.keyboard.press("Escape")

    # Flask-Admin's own words as an office says them: "25 项目" read as "25 projects".
    tabs = page.locator("ul.nav-tabs").first.inner_text()
    assert "25 条/页" in tabs and "项目" not in tabs
    assert "新建" in tabs and "添加筛选条件" in tabs

    # The date filter's calendar, open.
    page.click("table.filters input.filter-val >> nth=-1")
    page.locator(".daterangepicker:visible").wait_for()
    assert english_left(page, RECORDS) == []
    admin.shot("chinese-search-box-and-calendar")
