"""Signing in by phone number and a one-time code: the code arrives by text, works once, not
after a few minutes, not after too many wrong tries; the page says the same for a stranger's
number; asking and trying are limited per number and per client."""

from __future__ import annotations

import re
from datetime import timedelta

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ResidentSignInCode
from admin_app.services.reminders.channels import MemorySmsProvider

from .conftest import ResidentClient, code_sent_to


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_a_resident_signs_in_with_the_code_sent_to_the_phone(two_estates, portal_client):
    phone = two_estates.resident_a.phone
    asked = portal_client.ask_code(phone)
    assert asked.status_code == 200
    code = code_sent_to(phone)
    assert code is not None
    signed = portal_client.post("/r/sign-in/code", {"phone": phone, "code": code})
    assert signed.status_code == 302
    home = portal_client.get("/r/")
    assert home.status_code == 200
    assert "甲小区" in page_text(home)  # the household's estate (a name, in any language)


def test_the_page_is_the_same_for_a_number_nobody_has(two_estates, portal_client, in_app):
    known = portal_client.ask_code(two_estates.resident_a.phone)
    unknown = portal_client.ask_code("13912345678")

    def shown(response, phone):
        page = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page_text(response))
        return page.replace(phone, "N")

    assert known.status_code == unknown.status_code == 200
    assert shown(known, two_estates.resident_a.phone) == shown(unknown, "13912345678")
    assert code_sent_to("13912345678") is None  # nobody is texted
    with in_app():  # the same work was done: a code row for each
        assert db.session.query(ResidentSignInCode).count() == 2


def test_a_code_works_once(two_estates, portal_client, app):
    phone = two_estates.resident_a.phone
    portal_client.ask_code(phone)
    code = code_sent_to(phone)
    assert portal_client.post("/r/sign-in/code", {"phone": phone, "code": code}).status_code == 302
    other = ResidentClient(app)
    again = other.post("/r/sign-in/code", {"phone": phone, "code": code})
    assert again.status_code == 400
    assert "no longer valid" in page_text(again)
    assert other.get("/r/").status_code == 302


def test_a_code_expires(two_estates, portal_client, in_app):
    phone = two_estates.resident_a.phone
    portal_client.ask_code(phone)
    with in_app():
        row = db.session.query(ResidentSignInCode).one()
        row.expires_at = clock.now() - timedelta(seconds=1)
        assert len(row.code_digest) == 64 and code_sent_to(phone) not in row.code_digest
        db.session.commit()
    response = portal_client.post("/r/sign-in/code", {"phone": phone, "code": code_sent_to(phone)})
    assert response.status_code == 400


def test_five_wrong_codes_void_the_right_one(two_estates, portal_client):
    phone = two_estates.resident_a.phone
    portal_client.ask_code(phone)
    code = code_sent_to(phone)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        assert (
            portal_client.post("/r/sign-in/code", {"phone": phone, "code": wrong}).status_code
            == 400
        )
    assert portal_client.post("/r/sign-in/code", {"phone": phone, "code": code}).status_code == 400


def test_codes_asked_are_limited_per_number(two_estates, app):
    phone = two_estates.resident_a.phone
    statuses = [ResidentClient(app).ask_code(phone).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_codes_asked_are_limited_per_client(two_estates, portal_client):
    statuses = [portal_client.ask_code(f"1390000{n:04d}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_one_phone_in_two_homes_chooses_which(factories, two_estates, app):
    phone = two_estates.resident_a.phone
    second = factories.unit(two_estates.b, building="9", room="909")
    there = factories.resident(second, name="甲住户", phone=phone)
    client = ResidentClient(app)
    client.ask_code(phone)
    chosen = client.post("/r/sign-in/code", {"phone": phone, "code": code_sent_to(phone)})
    assert chosen.status_code == 302 and "/r/sign-in/home" in chosen.location
    page = page_text(client.get(chosen.location))
    assert "甲小区" in page and "乙小区" in page
    client.post("/r/sign-in/home", {"resident": str(there.id)})
    assert "乙小区" in page_text(client.get("/r/"))


def test_a_resident_who_moved_out_cannot_sign_in(two_estates, portal_client, in_app):
    from admin_app.models import Resident

    with in_app():
        resident = db.session.get(Resident, two_estates.resident_a.id)
        resident.move_out = clock.today() - timedelta(days=1)
        db.session.commit()
    portal_client.ask_code(two_estates.resident_a.phone)
    assert code_sent_to(two_estates.resident_a.phone) is None


def test_signing_out_ends_the_session(two_estates, resident_client):
    client = resident_client(two_estates.resident_a)
    assert client.get("/r/").status_code == 200
    assert client.post("/r/sign-out").status_code == 302
    assert client.get("/r/").status_code == 302


def test_the_text_comes_in_the_language_of_the_page(two_estates, app):
    phone = two_estates.resident_a.phone
    ResidentClient(app, lang="zh-CN,zh;q=0.9").ask_code(phone)
    assert "验证码" in MemorySmsProvider.last_to(phone)
    ResidentClient(app).ask_code(phone)
    assert "sign-in code" in MemorySmsProvider.last_to(phone)
