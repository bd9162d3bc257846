"""A list on a phone: each row one line high, the table scrolling sideways in its box, not every
column squeezed to a character a line ("华/苑/小/区", "1/0/0/1"). Checked in the browser, which
is what lays the table out."""

from __future__ import annotations

import itertools

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


# Of each cell: how many lines its text takes (a cell is as tall as its row, whose other cells
# may take two).
TEXT_LINES = """(selector) => [...document.querySelectorAll(selector)].map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
})"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_list_on_a_desk_keeps_numbers_and_estates_whole(factories, screen, locale):
    """On a desk screen the English list's ten columns share the width: the number and the
    estate broke mid-word ("HY-T2612-/0008", "华苑小/区") while "Repair / paid service" kept
    its room. Those two keep to one line; the texts around them wrap between words."""
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="12", entrance="2", floor=10, room="1001")
    for _ in range(3):
        factories.ticket(estate, unit_id=unit.id, reporter_name="欧阳先生")
    factories.staff(Role.supervisor, estates=[estate], username="boss")
    person = screen("desk-lists", viewport={"width": 1280, "height": 900}, locale=locale)
    page = person.login("boss", PASSWORD).page
    page.goto("/admin/ticket/")
    found = page.evaluate(TEXT_LINES, "table.model-list tbody td.col-number, td.col-estate")
    assert len(found) == 6 and max(found) == 1, found
    icons = page.locator("table.model-list tbody tr").first.locator(".list-buttons-column .icon")
    boxes = [icons.nth(i).bounding_box() for i in range(icons.count())]
    gaps = [b["x"] - (a["x"] + a["width"]) for a, b in itertools.pairwise(boxes)]
    assert boxes and min(gaps) >= 0 and min(b["width"] for b in boxes) >= 20, boxes
    person.shot(f"desk-ticket-list-{locale}")
