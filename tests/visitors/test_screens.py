"""The visitor and parcel screen at the desk (/visitors/) and on the gate's phone
(/gate/visitors/), and the register's pages in the panel: what a person sees and may do."""

from __future__ import annotations

import base64

import pytest

from admin_app.extensions import db
from admin_app.models import Parcel, ParcelStatus, Role, Visitor

from ..conftest import page_messages

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")


@pytest.fixture
def people(factories, two_estates):
    return {
        "desk": factories.staff(Role.receptionist, estates=[two_estates.a], username="desk"),
        "guard": factories.staff(Role.guard, estates=[two_estates.a], username="guard"),
        "tech": factories.staff(Role.technician, estates=[two_estates.a], username="tech"),
        "boss": factories.staff(Role.supervisor, estates=[two_estates.a], username="boss"),
    }


def visitor_form(**fields):
    return {"name": "李访客", "phone": "13912345678", "unit": "1-1-101", **fields}


@pytest.mark.parametrize("start", ["/visitors/", "/gate/visitors/"])
def test_a_visitor_in_and_out_with_the_phone_masked(login, people, in_app, start):
    who = login("desk" if start == "/visitors/" else "guard")
    sent = who.post(start, visitor_form(plate="粤B12345"))
    assert sent.status_code == 302 and sent.location.endswith(start)
    page = who.get(start).get_data(as_text=True)
    assert "李访客 is in." in page_messages(page)
    assert "139****5678" in page and "13912345678" not in page
    assert "Bldg 1, Ent. 1, Rm 101" in page
    with in_app():
        visitor = db.session.query(Visitor).one()
        assert visitor.point.value == ("desk" if start == "/visitors/" else "gate")
    out = who.post(f"{start}out/{visitor.id}")
    assert out.status_code == 302
    page = who.get(start).get_data(as_text=True)
    assert "李访客 left." in page_messages(page)
    assert 'id="nobody-inside"' in page
    with in_app():
        assert db.session.get(Visitor, visitor.id).out_at is not None


def test_a_unit_that_does_not_exist_is_said_and_nothing_is_written(login, people, in_app):
    page = login("desk").post("/visitors/", visitor_form(unit="9-9-909")).get_data(as_text=True)
    assert any("9-9-909" in m or "unit" in m.lower() for m in page_messages(page)), page_messages(
        page
    )
    with in_app():
        assert db.session.query(Visitor).count() == 0


def test_bad_input_is_a_translated_message_not_an_error(login, people, in_app):
    desk = login("desk", lang="zh-CN")
    response = desk.post("/visitors/", visitor_form(phone="12345"))
    assert response.status_code == 200
    assert any("电话号码" in m for m in page_messages(response.get_data(as_text=True)))
    with in_app():
        assert db.session.query(Visitor).count() == 0


def test_who_may_open_the_screen(client, login, people):
    assert client.get("/visitors/").status_code == 302
    assert "/login" in client.get("/gate/visitors/").location
    assert login("tech").get("/visitors/").status_code == 403
    assert login("tech").get("/gate/visitors/").status_code == 403
    assert login("guard").get("/gate/visitors/").status_code == 200
    assert login("boss").get("/visitors/").status_code == 200
    # The guard reaches it from the gate check; the desk from the panel's menu.
    assert "/gate/visitors/" in login("guard").get("/gate/").get_data(as_text=True)
    assert 'href="/visitors/"' in login("desk").get("/admin/").get_data(as_text=True)


def test_another_estates_records_do_not_exist_here(login, people, factories, two_estates):
    theirs = factories.visitor(two_estates.b, two_estates.unit_b, name="乙访客")
    their_parcel = factories.parcel(two_estates.b, two_estates.unit_b)
    desk = login("desk")
    assert desk.post(f"/visitors/out/{theirs.id}").status_code == 404
    assert desk.get(f"/visitors/parcel/{their_parcel.id}/hand-over").status_code == 404
    assert "乙访客" not in desk.get("/visitors/").get_data(as_text=True)
    assert desk.get(f"/admin/visitor/details/?id={theirs.id}").status_code in (302, 404)
    assert desk.get(f"/admin/parcel/signature/?id={their_parcel.id}").status_code in (302, 404)
    # Their units are not suggested either.
    assert desk.get("/visitors/units?q=1-1-101").get_json() == ["Bldg 1, Ent. 1, Rm 101"]
    assert desk.post("/visitors/choose", {"estate_id": two_estates.b.id}).status_code == 400


def test_every_form_needs_its_csrf_token(login, people, factories, two_estates):
    inside = factories.visitor(two_estates.a, two_estates.unit_a)
    desk = login("desk")
    assert desk.post(f"/visitors/out/{inside.id}", csrf=False).status_code == 400
    desk.post("/visitors/", visitor_form(), csrf=False)
    assert (
        desk.post("/visitors/choose", {"estate_id": two_estates.a.id}, csrf=False).status_code
        == 400
    )


def test_a_parcel_without_the_phone_confirmation_is_refused_then_signed_and_handed_over(
    login, people, in_app
):
    desk = login("desk")
    form = {"unit": "1-1-101", "recipient_name": "甲住户", "description": "冰箱一台"}
    refused = desk.post("/visitors/parcel/new", form).get_data(as_text=True)
    assert any("Call the resident first" in m for m in page_messages(refused))
    with in_app():
        assert db.session.query(Parcel).count() == 0

    confirmed = {**form, "confirmed_by": "甲住户", "confirmed_at": "2020-01-01T09:30"}
    assert desk.post("/visitors/parcel/new", confirmed).status_code == 302
    with in_app():
        parcel = db.session.query(Parcel).one()
    page = desk.get("/visitors/").get_data(as_text=True)
    assert parcel.number in page

    unsigned = desk.post(f"/visitors/parcel/{parcel.id}/hand-over", {"collected_by": "甲住户"})
    assert "The resident has not signed yet." in page_messages(unsigned.get_data(as_text=True))
    signed = {"collected_by": "甲住户", "signature": SIGNATURE}
    assert desk.post(f"/visitors/parcel/{parcel.id}/hand-over", signed).status_code == 302
    with in_app():
        assert db.session.get(Parcel, parcel.id).status is ParcelStatus.handed_over
    details = desk.get(f"/admin/parcel/details/?id={parcel.id}").get_data(as_text=True)
    assert f"/admin/parcel/signature/?id={parcel.id}" in details
    image = desk.get(f"/admin/parcel/signature/?id={parcel.id}")
    assert image.status_code == 200 and image.data == PNG
    again = desk.post(f"/visitors/parcel/{parcel.id}/hand-over", signed).get_data(as_text=True)
    assert any("already handed over" in m for m in page_messages(again))


def test_the_register_in_the_panel_masks_the_phone_and_is_read_only(
    login, people, factories, two_estates
):
    visitor = factories.visitor(two_estates.a, two_estates.unit_a, phone="13912345678")
    for who in ("desk", "guard", "boss"):
        client = login(who)
        for url in ("/admin/visitor/", f"/admin/visitor/details/?id={visitor.id}"):
            page = client.get(url).get_data(as_text=True)
            assert "139****5678" in page and "13912345678" not in page, (who, url)
        assert client.get("/admin/visitor/new/").status_code in (302, 403)
        assert client.get("/admin/visitor/export/csv/").status_code in (302, 403, 404)
    assert login("tech").get("/admin/visitor/").status_code == 403
    assert login("tech").get("/admin/parcel/").status_code == 403


def test_typed_markup_is_shown_as_text_everywhere(login, people, factories, two_estates):
    payload = "<script>alert(1)</script>"
    visitor = factories.visitor(two_estates.a, two_estates.unit_a, name=payload, host_name=payload)
    parcel = factories.parcel(
        two_estates.a, two_estates.unit_a, recipient_name=payload, description=payload
    )
    desk = login("desk")
    for url in (
        "/visitors/",
        "/gate/visitors/",
        f"/visitors/parcel/{parcel.id}/hand-over",
        "/admin/visitor/",
        f"/admin/visitor/details/?id={visitor.id}",
        "/admin/parcel/",
        f"/admin/parcel/details/?id={parcel.id}",
    ):
        if url.startswith("/gate/"):
            page = login("guard").get(url).get_data(as_text=True)
        else:
            page = desk.get(url).get_data(as_text=True)
        assert payload not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_a_suggestion_answered_after_the_parcel_is_signed_for_keeps_the_notice(
    app, login, people, in_app
):
    # The unit box asks for suggestions as the desk types (unit-choices.js). One sent just
    # before the form is and answered after it came back with the session cookie it started
    # from, which the browser kept in place of the POST's: the "signed for" notice was lost
    # (the parcel browser test, CI, twice).
    cookie = app.config["SESSION_COOKIE_NAME"]
    desk = login("desk")
    token = desk.csrf_token()
    before_the_post = desk.http.get_cookie(cookie).value
    form = {"unit": "1-1-101", "recipient_name": "甲住户", "description": "冰箱一台"}
    confirmed = {**form, "confirmed_by": "甲住户", "confirmed_at": "2020-01-01T09:30"}
    confirmed["csrf_token"] = token
    assert desk.post("/visitors/parcel/new", confirmed, csrf=False).status_code == 302

    suggestions = app.test_client()  # the same browser, its request sent before the POST's
    suggestions.set_cookie(cookie, before_the_post)
    answer = suggestions.get("/visitors/units?q=1-1-10", headers=desk.headers)
    assert answer.status_code == 200 and "Bldg 1, Ent. 1, Rm 101" in answer.get_json()
    if "Set-Cookie" in answer.headers:  # the browser keeps the cookie it heard last
        desk.http.set_cookie(cookie, suggestions.get_cookie(cookie).value)

    page = desk.get("/visitors/")
    with in_app():
        number = db.session.query(Parcel).one().number
    assert f"{number} signed for." in page_messages(page.get_data(as_text=True))
    assert "Set-Cookie" in page.headers  # pages still keep the session alive
