"""The call centre's screen pop: a phone number gives the callers (masked), their units, the
household's open tickets, and a link that opens the desk's new-call form with the caller."""

from __future__ import annotations

import re

from admin_app.models import Role, TicketCategory, TicketStatus


def test_a_phone_finds_the_caller_masked_with_units_and_open_tickets(
    api, factories, two_estates, make_token
):
    _, secret = make_token([two_estates.a], scopes=["callers:read"])
    second_unit = factories.unit(two_estates.a, building="2", room="202")
    factories.resident(second_unit, name="甲住户", phone="13800000001")
    open_one = factories.ticket(two_estates.a, unit_id=two_estates.unit_a.id)
    factories.ticket(
        two_estates.a,
        category=TicketCategory.help,
        unit_id=two_estates.unit_a.id,
        status=TicketStatus.closed,
    )
    response = api.get("/callers?phone=+86 138-0000-0001", secret)
    assert response.status_code == 200
    callers = response.get_json()["callers"]
    assert len(callers) == 2
    first = callers[0]
    assert first["resident"]["name"] == "甲**"
    assert first["resident"]["phone"] == "138****0001"
    assert "13800000001" not in response.get_data(as_text=True)
    assert {u["id"] for u in first["units"]} == {two_estates.unit_a.id, second_unit.id}
    assert [t["id"] for t in first["open_tickets"]] == [open_one.id]
    assert first["new_call_url"]["repair"].endswith(
        f"/admin/ticket/new/?category=repair&resident={two_estates.resident_a.id}"
    )


def test_the_link_opens_the_desks_form_with_the_caller_filled_in(
    api, factories, two_estates, make_token, login
):
    _, secret = make_token([two_estates.a], scopes=["callers:read"])
    url = api.get("/callers?phone=13800000001", secret).get_json()["callers"][0]["new_call_url"]
    desk = login(factories.staff(Role.receptionist, estates=[two_estates.a]))
    page = desk.get(url["inquiry"].replace("http://localhost", "")).get_data(as_text=True)
    assert "甲住户" in page and "13800000001" in page
    assert re.search(r'name="reporter_phone"[^>]*value="13800000001"', page)


def test_an_unknown_or_malformed_phone(api, two_estates, make_token):
    _, secret = make_token([two_estates.a], scopes=["callers:read"])
    missing = api.get("/callers?phone=13999999999", secret, lang="en")
    assert missing.status_code == 404
    assert "No resident" in missing.get_json()["error"]["message"]
    for wrong in ("/callers", "/callers?phone=abc", "/callers?phone=12"):
        response = api.get(wrong, secret)
        assert response.status_code == 422, wrong
        assert "phone" in response.get_json()["error"]["fields"]
