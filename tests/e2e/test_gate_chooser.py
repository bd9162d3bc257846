"""A guard of two estates picks the gate he stands at: choosing it is enough, no button."""

from __future__ import annotations

import pytest

from admin_app.models import Role

from ..conftest import PASSWORD
from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_choosing_another_gate_shows_it(factories, screen):
    first = factories.estate(code="HY", name="华苑小区")
    second = factories.estate(code="JX", name="锦绣花园")
    factories.staff(Role.guard, estates=[first, second], username="gate1", name="孙保安")
    guard = screen("guard", viewport=PHONE).login("gate1", PASSWORD)
    phone = guard.page
    shown = phone.eval_on_selector("#estate_id", "select => select.selectedOptions[0].text")
    other = second if shown == first.name else first
    with phone.expect_navigation():
        phone.select_option("#estate_id", str(other.id))
    assert phone.eval_on_selector("#estate_id", "s => s.selectedOptions[0].text") == other.name
    assert phone.url.endswith("/gate/")
