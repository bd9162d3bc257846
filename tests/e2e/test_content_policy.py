"""Under the Content-Security-Policy, in a browser: what Flask-Admin wrote as inline script
still works from the panel's files (a list action on the chosen rows, adding a filter, a cell
edited in place, the tabs), and a script injected into a page does not run. The `screen`
fixture fails every browser test on any violation the policy reports."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Occupancy, Role, Unit

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_list_menus_filters_and_cells_edited_in_place_work_under_the_policy(app, factories, screen):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    factories.ticket(estate, unit_id=unit.id, reporter_name="王丽")
    factories.staff(Role.admin, estates=[estate], username="root", name="管理员")
    office = screen("admin", locale="en").login("root", PASSWORD)
    page = office.page

    # The active "List" tab and the filter menu's names are links to "#": they go nowhere.
    page.goto("/admin/ticket/")
    page.click(".nav-tabs .nav-link.active")
    page.click("text=Add Filter")
    page.click(".field-filters a.filter >> nth=0")
    assert page.locator("#filter_form .filter-row, #filter_form tr").count() >= 1
    assert page.url.endswith("/admin/ticket/")

    # "With selected" → an action runs on the ticket ticked, through Flask-Admin's script.
    page.check("input.action-checkbox >> nth=0")
    page.click("text=With selected")
    with page.expect_navigation():
        page.click(".dropdown-menu a[data-action=remind]")
    assert "/admin/ticket/act/remind/" in page.url

    # A cell edited in place (x-editable reads its choices without evaluating them).
    page.goto("/admin/unit/")
    page.click("a[data-role=x-editable]")
    page.locator("#select2-drop .select2-result-selectable", has_text="Rented out").click()
    page.click(".editable-submit")
    page.wait_for_function(
        "() => document.querySelector('a[data-role=x-editable]').textContent.includes('Rented')"
    )
    with app.app_context():
        assert db.session.get(Unit, unit.id).occupancy == Occupancy.rented


def test_a_script_injected_into_a_page_does_not_run_and_is_reported(screen, factories):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    desk = screen("reception", locale="en").login("front", PASSWORD)
    ran = desk.page.evaluate(
        """() => new Promise(done => {
            document.body.insertAdjacentHTML('beforeend',
                '<img src="/static/icons/favicon.svg" onload="window.__ran = 1">'
                + '<a id="injected" href="javascript:window.__ran = 2">x</a>');
            document.getElementById('injected').click();
            setTimeout(() => done(window.__ran || 0), 500);
        })"""
    )
    assert ran == 0
    for _ in range(20):  # the reports come back from the page on their own
        if any("script-src" in v for v in desk.violations):
            break
        desk.page.wait_for_timeout(100)
    assert any("script-src" in v for v in desk.violations), desk.violations
    desk.violations.clear()  # reported as it should be: the test ends cleanly
