"""Repeat complaints: a household (the unit, or the resident when no unit was recorded) that
complained of the same category in the 30 days before has a repeat, which counts as serious
[seed 003]. Shown on the complaint's page and to the supervisor classifying it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ComplaintCode, Role, Ticket, TicketCategory, TicketStatus
from admin_app.tickets import complaints

COMPLAINT = TicketCategory.complaint
NOISE, FEES = ComplaintCode.neighbours, ComplaintCode.fees


@pytest.fixture
def household(factories):
    w = factories.two_estates()
    w.unit = factories.unit(w.a, building="3", entrance="1", room="601")
    w.resident = factories.resident(w.unit, name="王芳")
    w.neighbour = factories.unit(w.a, building="3", entrance="1", room="602")
    w.now = clock.now()
    return w


def complaint(factories, w, days_ago: float, code=NOISE, **fields) -> Ticket:
    fields.setdefault("unit_id", w.unit.id)
    return factories.ticket(
        w.a,
        category=COMPLAINT,
        complaint_code=code,
        received_at=w.now - timedelta(days=days_ago),
        **fields,
    )


def repeats(in_app, ticket) -> list[str]:
    with in_app():
        return [t.number for t in complaints.repeats_of(db.session.get(Ticket, ticket.id))]


def test_the_same_category_from_the_same_unit_within_30_days_is_a_repeat(
    household, factories, in_app
):
    w = household
    first = complaint(factories, w, 20)
    second = complaint(factories, w, 5)
    latest = complaint(factories, w, 0)
    assert repeats(in_app, latest) == [second.number, first.number]  # newest first
    assert repeats(in_app, first) == []  # a later complaint does not make it a repeat


@pytest.mark.parametrize(
    ("why", "earlier"),
    [
        ("another category", dict(days_ago=5, code=FEES)),
        ("more than 30 days before", dict(days_ago=31)),
        ("another unit", dict(days_ago=5, unit="neighbour")),
        ("cancelled", dict(days_ago=5, status=TicketStatus.cancelled)),
        ("not a complaint", dict(days_ago=5, category=TicketCategory.repair)),
    ],
)
def test_is_no_repeat_after(household, factories, in_app, why, earlier):
    w = household
    earlier = dict(earlier)
    days_ago = earlier.pop("days_ago")
    code = earlier.pop("code", NOISE)
    if earlier.pop("unit", None):
        earlier["unit_id"] = w.neighbour.id
    if "category" in earlier:
        factories.ticket(
            w.a,
            unit_id=w.unit.id,
            complaint_code=code,
            received_at=w.now - timedelta(days=days_ago),
            **earlier,
        )
    else:
        complaint(factories, w, days_ago, code=code, **earlier)
    assert repeats(in_app, complaint(factories, w, 0)) == [], why


def test_without_a_unit_the_resident_is_the_household(household, factories, in_app):
    w = household
    earlier = complaint(factories, w, 10, unit_id=None, resident_id=w.resident.id)
    latest = complaint(factories, w, 0, unit_id=None, resident_id=w.resident.id)
    assert repeats(in_app, latest) == [earlier.number]
    # The unit's complaint also counts the resident's earlier one made without the unit.
    with_unit = complaint(factories, w, 0, resident_id=w.resident.id)
    assert earlier.number in repeats(in_app, with_unit)
    # A complaint naming neither has no household.
    nobody = complaint(factories, w, 0, unit_id=None)
    assert repeats(in_app, nobody) == []


def _alert(page: str, ident: str) -> str:
    match = re.search(rf'id="{ident}".*?</div>', page, re.S)
    return match.group(0) if match else ""


def test_the_complaints_page_flags_a_repeat_with_links_to_the_earlier_ones(
    household, factories, login
):
    w = household
    earlier = complaint(factories, w, 12)
    latest = complaint(factories, w, 0)
    c = login(factories.staff(Role.supervisor, estates=[w.a]), lang="zh-CN")
    page = c.get(f"/admin/ticket/details/?id={latest.id}").get_data(as_text=True)
    alert = _alert(page, "repeat-complaint")
    assert "重复投诉" in alert and "重大" in alert
    assert f'href="/admin/ticket/details/?id={earlier.id}"' in alert
    page = c.get(f"/admin/ticket/details/?id={earlier.id}").get_data(as_text=True)
    assert _alert(page, "repeat-complaint") == ""


def test_the_supervisor_classifying_a_repeat_sees_the_earlier_ones_and_serious_is_offered(
    household, factories, login
):
    w = household
    factories.staff(Role.director, estates=[w.a])
    earlier = complaint(factories, w, 12)
    other = complaint(factories, w, 3, code=FEES)
    latest = complaint(factories, w, 0)
    c = login(factories.staff(Role.supervisor, estates=[w.a]))
    page = c.get(f"/admin/ticket/act/classify/?id={latest.id}").get_data(as_text=True)
    alert = _alert(page, "repeat-complaint")
    assert f'href="/admin/ticket/details/?id={earlier.id}"' in alert
    assert other.number not in alert
    assert other.number in _alert(page, "household-complaints")  # of another category
    serious = re.search(r'<input[^>]*value="serious"[^>]*>', page).group(0)
    assert "checked" in serious
    # A first complaint is offered no severity: the supervisor chooses.
    page = c.get(f"/admin/ticket/act/classify/?id={earlier.id}").get_data(as_text=True)
    assert _alert(page, "repeat-complaint") == ""
    assert "checked" not in re.search(r'<input[^>]*value="serious"[^>]*>', page).group(0)
