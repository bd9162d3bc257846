"""The complaint category (投诉类别) has no safe default: the ticket form and the classify form
start on a blank choice, and a complaint saved or classified without one is a field error in
the user's language."""

from __future__ import annotations

import re

import pytest

from admin_app.extensions import db
from admin_app.models import (
    ComplaintCode,
    Role,
    Ticket,
    TicketCategory,
    TicketStatus,
    Validity,
)

ZH = "zh-CN,zh;q=0.9"
MISSING = {None: "Choose the complaint category.", ZH: "请选择投诉类别。"}


@pytest.fixture
def world(factories):
    w = factories.two_estates()
    w.reception = factories.staff(Role.receptionist, estates=[w.a])
    w.supervisor = factories.staff(Role.supervisor, estates=[w.a])
    return w


def complaint_codes(page: str) -> list[tuple[str, bool]]:
    """The category select's options: (value, selected), in order."""
    select = re.search(r'<select[^>]*name="complaint_code".*?</select>', page, re.S).group(0)
    return [
        (value, "selected" in attrs)
        for attrs, value in re.findall(r'<option([^>]*?)value="([^"]*)"', select)
    ]


def field_errors(page: str) -> list[str]:
    """The words under the fields (the action pages' and the record forms' alike)."""
    found = re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found if f.strip()]


def ticket_form(world, **overrides) -> dict:
    form = {
        "estate": world.a.id,
        "category": "complaint",
        "channel": "phone",
        "unit": "",
        "resident": "",
        "reporter_name": "陈先生",
        "reporter_phone": "13900001111",
        "location": "",
        "occurred_at": "",
        "description": "楼道一周没人打扫",
        "request": "",
        "callback_due_at": "",
        "complaint_code": "__None",
    }
    form.update(overrides)
    return form


# ---- classify ---------------------------------------------------------------------------------
def test_classify_form_starts_empty_unless_the_front_desk_logged_a_category(
    factories, login, world
):
    blank = factories.ticket(world.a, category=TicketCategory.complaint, validity=Validity.pending)
    logged = factories.ticket(
        world.a,
        category=TicketCategory.complaint,
        validity=Validity.pending,
        complaint_code=ComplaintCode.cleaning,
    )
    c = login(world.supervisor)
    options = complaint_codes(
        c.get(f"/admin/ticket/act/classify/?id={blank.id}").get_data(as_text=True)
    )
    assert options[0][0] == "" and not any(selected for value, selected in options if value)
    assert "service_attitude" in [value for value, _ in options]
    page = c.get(f"/admin/ticket/act/classify/?id={logged.id}").get_data(as_text=True)
    assert [value for value, selected in complaint_codes(page) if selected] == ["cleaning"]


@pytest.mark.parametrize("lang", [None, ZH])
def test_classifying_without_a_category_is_a_field_error(factories, login, in_app, world, lang):
    ticket = factories.ticket(world.a, category=TicketCategory.complaint, validity=Validity.pending)
    c = login(world.supervisor, lang=lang)
    url = f"/admin/ticket/act/classify/?id={ticket.id}"
    form = {"ids": ticket.id, "severity": "ordinary", "validity": "valid", "complaint_code": ""}
    response = c.post(url, form)
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True)) == [MISSING[lang]]
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        assert row.validity is Validity.pending and row.complaint_code is None
    assert c.post(url, {**form, "complaint_code": "fees"}).status_code == 302
    with in_app():
        row = db.session.get(Ticket, ticket.id)
        assert row.complaint_code is ComplaintCode.fees and row.status is TicketStatus.in_progress


# ---- the ticket form --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", [None, ZH])
def test_a_complaint_saved_without_a_category_is_a_field_error(login, in_app, world, lang):
    c = login(world.reception, lang=lang)
    response = c.post("/admin/ticket/new/", ticket_form(world))
    assert response.status_code == 200
    assert MISSING[lang] in field_errors(response.get_data(as_text=True))
    with in_app():
        assert db.session.query(Ticket).count() == 0
    # Chosen, it saves; an inquiry needs none.
    assert (
        c.post("/admin/ticket/new/", ticket_form(world, complaint_code="cleaning")).status_code
        == 302
    )
    inquiry = ticket_form(world, category="inquiry", description="询问停车月卡")
    assert c.post("/admin/ticket/new/", inquiry).status_code == 302
    with in_app():
        saved = {t.category: t.complaint_code for t in db.session.query(Ticket)}
        assert saved == {
            TicketCategory.complaint: ComplaintCode.cleaning,
            TicketCategory.inquiry: None,
        }
