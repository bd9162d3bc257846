"""A receptionist with a headset types more than she clicks: logging in, taking a call and
saving the answer are done with the keyboard alone, every focused control shows where the
focus is, and the first Tab offers a way past the menu."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Ticket, TicketStatus

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

# select2 keeps the focus in an input drawn off the screen and marks its box instead.
FOCUSED = """() => {
    const el = document.activeElement;
    const box = el.classList.contains('select2-focusser')
        ? el.closest('.select2-container').querySelector('.select2-choice') : el;
    const style = getComputedStyle(box);
    return {
        id: el.id, href: el.getAttribute('href'), tag: el.tagName,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            || style.boxShadow !== 'none',
    };
}"""


def has_focus(page, element_id: str) -> None:
    """Wait until the page has put the focus on `element_id` (autofocus runs after loading)."""
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=element_id
    )


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until the focus is on the control `matches` accepts; each stop must show it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            assert focused["visible"], f"focus not visible on {focused}"
        if matches(focused):
            return focused
    raise AssertionError("not reachable with Tab")


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_call_is_taken_and_answered_with_the_keyboard_alone(factories, screen, in_app, locale):
    estate = factories.estate(code="HY", name="华苑小区")
    unit = factories.unit(estate, building="3", room="1201")
    resident = factories.resident(unit, name="王丽", phone="13800138000")
    factories.staff(Role.receptionist, estates=[estate], username="front", name="王前台")
    page = screen("reception", locale=locale).page

    page.goto("/login")
    has_focus(page, "username")  # the name field has the focus when the page opens
    page.keyboard.type("front")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/admin/")

    skip = tab_to(page, lambda f: True, limit=1)
    assert skip["href"] == "#content"  # the first stop skips the menu
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["href"] == "/admin/ticket/call/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    has_focus(page, "caller-search")
    page.keyboard.type("8000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == f"call-{resident.id}-inquiry")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == "description")
    page.keyboard.type("物业费怎么交？")
    tab_to(page, lambda f: f["id"] == "answer")
    page.keyboard.type("可在服务中心缴纳。")
    tab_to(page, lambda f: f["id"] == "save-call")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    with in_app():
        ticket = db.session.query(Ticket).one()
        assert ticket.status is TicketStatus.closed
        assert ticket.reporter_name == "王丽" and ticket.description == "物业费怎么交？"
