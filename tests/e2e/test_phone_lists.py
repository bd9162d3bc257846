"""A list on a phone: each row one line high, the table scrolling sideways in its box, not every
column squeezed to a character a line ("华/苑/小/区", "1/0/0/1"). Checked in the browser, which
is what lays the table out."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD
from .conftest import PHONE

pytestmark = pytest.mark.browser

# Of each cell: its height against the height of one line of its text, and the box's sideways
# scroll (0 when the table fits).
MEASURE = """(selector) => {
    const lines = [...document.querySelectorAll(selector)].map(cell => {
        const style = getComputedStyle(cell);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
        return (cell.clientHeight - padding) / line;
    });
    const box = document.querySelector('.table-responsive');
    return {lines, scrolls: box.scrollWidth - box.clientWidth};
}"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_list_on_a_phone_keeps_each_row_on_one_line(factories, screen, locale):
    estate = factories.estate(code="HY", name="华苑小区")
    for floor, room in ((1, "101"), (10, "1001"), (12, "1202")):
        unit = factories.unit(estate, building="12", floor=floor, room=room)
        factories.ticket(estate, unit_id=unit.id, reporter_name="欧阳先生")
    factories.staff(Role.supervisor, estates=[estate], username="boss")
    person = screen("phone-lists", viewport=PHONE, locale=locale).login("boss", PASSWORD)
    page = person.page
    for path, cells in (("/admin/unit/", "td.col-estate, td.col-room"), ("/admin/ticket/", "td")):
        page.goto(path)
        found = page.evaluate(MEASURE, f"table.model-list tbody {cells}")
        assert found["lines"] and max(found["lines"]) < 1.5, (path, found)
        assert found["scrolls"] > 0, path  # the rest of the columns are a swipe away
    person.shot(f"phone-ticket-list-{locale}")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_callers_found_on_a_phone_read_name_unit_and_phone_on_one_line(
    factories, screen, locale
):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="1", entrance="1", room="801")
    factories.resident(unit, name="崔洋然", phone="13397312244")
    factories.staff(Role.receptionist, estates=[estate], username="desk")
    person = screen("phone-callers", viewport=PHONE, locale=locale).login("desk", PASSWORD)
    page = person.page
    page.goto("/admin/ticket/call/?q=1339731")
    found = page.evaluate(MEASURE, "#callers tr.caller td:not(:last-child)")
    assert len(found["lines"]) == 3 and max(found["lines"]) < 1.5, found  # was 3 lines each
    assert found["scrolls"] == 0  # nothing to swipe for: the buttons are on the next line
    buttons = page.locator("#callers tr.caller td:last-child a")
    # A button per category, and the message for a staff member who is out.
    assert buttons.count() == 6 and buttons.first.is_visible()
    person.shot(f"phone-callers-{locale}")
