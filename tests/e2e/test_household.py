"""The household's file in a browser, in both languages: a unit's page lists its records by
kind, a count opens the list filtered to the unit (named in the filter bar, removable), and
"new ticket" opens the form with the unit and the resident already chosen."""

from __future__ import annotations

import pytest

from admin_app.models import Role, TicketCategory

from ..conftest import PASSWORD
from .conftest import chinese_left, submit

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {
        "tickets": "来电来访 (2)",
        "complaints": "投诉 (1)",
        "unit": "5栋1单元0602室",
        "new": "新建登记",
    },
    "en": {
        "tickets": "Tickets (2)",
        "complaints": "Complaints (1)",
        "unit": "Bldg 5, Ent. 1, Rm 0602",
        "new": "New ticket",
    },
}


def flat(factories):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="5", entrance="1", room="0602")
    resident = factories.resident(unit, name="陈伟", phone="13912345678")
    factories.ticket(estate, unit_id=unit.id, resident_id=resident.id, reporter_name="陈伟")
    factories.ticket(estate, unit_id=unit.id, reporter_name="陈太太")
    factories.ticket(
        estate, category=TicketCategory.complaint, unit_id=unit.id, reporter_name="陈伟"
    )
    neighbour = factories.unit(estate, building="5", entrance="1", room="0603")
    factories.ticket(estate, unit_id=neighbour.id, reporter_name="邻居")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    return unit, resident


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_from_a_units_file_to_its_filtered_list_and_a_prefilled_new_ticket(
    factories, screen, locale
):
    unit, resident = flat(factories)
    words = WORDS[locale]
    desk = screen("reception", locale=locale).login("front", PASSWORD)
    page = desk.page
    page.goto(f"/admin/resident/details/?id={resident.id}")
    page.click("#household-unit")
    file = page.locator("#household")
    assert words["tickets"] in file.inner_text() and words["complaints"] in file.inner_text()
    desk.shot(f"household-01-unit-file-{locale}")
    if locale == "en":
        assert chinese_left(page, ["陈伟", "陈太太", "王前台", "厨房水龙头漏水", "华苑小区"]) == []

    with page.expect_navigation():
        page.click("#household-count-tickets")
    rows = page.locator("table.model-list tbody").inner_text()
    assert "陈太太" in rows and "邻居" not in rows
    assert words["unit"] in page.locator("#filter_form").inner_text()  # named, not "#12"
    desk.shot(f"household-02-filtered-list-{locale}")
    page.click("#filter_form .remove-filter")  # the filter is removed like any other
    submit(page, "#filter_form button[type=submit]")
    assert "邻居" in page.locator("table.model-list tbody").inner_text()

    page.go_back()
    page.go_back()
    page.goto(f"/admin/resident/details/?id={resident.id}")
    assert page.locator("#household-new-ticket").inner_text().strip() == words["new"]
    with page.expect_navigation():
        page.click("#household-new-ticket")
    assert words["unit"] in page.locator("#s2id_unit").inner_text()
    assert "陈伟" in page.locator("#s2id_resident").inner_text()
    desk.shot(f"household-03-new-ticket-{locale}")
