"""The unit picker of a new ticket, as the front desk types a unit: the way the panel writes it
finds it first, and a unit that does not exist says so in the page's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from admin_app.models import Role

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

# (browser language, what is typed, the first choice shown, the words for no match)
EXPECTED = {
    "zh-CN": ("3栋1单元601", "3栋1单元601室", "没有找到匹配项"),
    "en": ("Bldg 3, Ent. 1, Rm 601", "Bldg 3, Ent. 1, Rm 601", "No matches found"),
}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_the_unit_picker_reads_the_panels_own_spelling(factories, screen, lang):
    estate = factories.estate(code="HY", name="华苑小区")
    for building, room in (("13", "601"), ("1", "301"), ("3", "601"), ("3", "602")):
        factories.unit(estate, building=building, entrance="1", room=room)
    factories.staff(Role.receptionist, estates=[estate], username="desk", name="王前台")
    typed, first, no_match = EXPECTED[lang]

    desk = screen("receptionist", locale=lang).login("desk", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/new/")
    page.click("#s2id_unit .select2-choice")
    page.fill("#select2-drop input.select2-input", typed)
    choice = page.locator("#select2-drop .select2-result-selectable >> nth=0")
    # The box lists units as soon as it opens: wait for the answer to what was typed, which
    # lists the unit as the panel writes it first (a wrong ranking still fails, on time-out).
    expect(choice).to_have_text(first)
    desk.shot(f"unit-picker-{lang}")
    page.fill("#select2-drop input.select2-input", "3-1-999")
    page.locator("#select2-drop .select2-no-results").wait_for()
    assert page.locator("#select2-drop .select2-no-results").inner_text().strip() == no_match
    desk.shot(f"unit-picker-no-match-{lang}")


def test_the_resident_box_lists_the_residents_of_the_unit_picked(factories, screen):
    """Opened without typing after the unit is picked, the resident box offers that unit's
    residents only (linked-lookups.js sends the unit with the search)."""
    estate = factories.estate(code="HY", name="华苑小区")
    u801 = factories.unit(estate, building="1", entrance="1", room="801")
    u101 = factories.unit(estate, building="1", entrance="1", room="101")
    factories.resident(u801, name="张明", phone="13911110801")
    factories.resident(u101, name="黎俊兰", phone="13911110101")
    factories.staff(Role.receptionist, estates=[estate], username="desk", name="王前台")

    desk = screen("receptionist", locale="zh-CN").login("desk", PASSWORD)
    page = desk.page
    page.goto("/admin/ticket/new/")
    page.click("#s2id_unit .select2-choice")
    page.fill("#select2-drop input.select2-input", "1-1-801")
    expect(page.locator("#select2-drop .select2-result-selectable >> nth=0")).to_have_text(
        "1栋1单元801室"
    )
    page.keyboard.press("Enter")
    page.click("#s2id_resident .select2-choice")
    choices = page.locator("#select2-drop .select2-result-selectable")
    expect(choices).to_have_text(["张明 (13911110801)"])
    desk.shot("resident-of-the-unit")
