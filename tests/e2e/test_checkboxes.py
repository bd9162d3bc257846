"""A checkbox on a form sits before its label on the same line, as a checkbox is read — not on
the line under its label, where the repair form's "Emergency" read as a heading for the next
field. Checked in the browser, which lays the form out; at desktop and phone sizes."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD
from .conftest import PHONE

pytestmark = pytest.mark.browser

PLACE = """(id) => {
    const box = document.getElementById(id).getBoundingClientRect();
    const label = document.querySelector(`label[for="${id}"]`).getBoundingClientRect();
    return {boxTop: box.top, boxBottom: box.bottom, boxRight: box.right,
            labelTop: label.top, labelBottom: label.bottom, labelLeft: label.left};
}"""


@pytest.mark.parametrize(("locale", "viewport"), [("zh-CN", None), ("en", PHONE)])
def test_the_emergency_box_sits_before_its_label(factories, screen, locale, viewport):
    estate = factories.estate(code="HY", name="华苑小区")
    factories.staff(Role.receptionist, estates=[estate], username="desk")
    sizes = {"viewport": viewport} if viewport else {}
    person = screen("checkboxes", locale=locale, **sizes).login("desk", PASSWORD)
    page = person.page
    page.goto("/admin/ticket/new/?category=repair")
    at = page.evaluate(PLACE, "is_emergency")
    # On the label's first line (the label may wrap on a phone), to its left.
    assert at["labelTop"] - 4 <= at["boxTop"] < at["labelTop"] + 24, at
    assert at["boxRight"] <= at["labelLeft"], at
    page.click('label[for="is_emergency"]')  # the label still ticks the box
    assert page.is_checked("#is_emergency")
    person.shot(f"repair-form-emergency-{locale}")
