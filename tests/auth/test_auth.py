"""Staff login: passwords, lockout, next, logout, cookies, session rotation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Role, Staff
from admin_app.services import accounts
from admin_app.services.errors import ServiceError

from ..conftest import PASSWORD, Client


@pytest.fixture
def reception(factories):
    estate = factories.estate()
    return factories.staff(Role.receptionist, estates=[estate], username="wang")


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_good_password_logs_in(client, reception):
    response = client.login("wang")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert logged_in(client)


def test_username_is_case_insensitive(client, reception):
    assert client.login("  WANG ").status_code == 302


def test_bad_password_is_refused(client, reception):
    response = client.login("wang", "wrong-password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert not logged_in(client)


def test_unknown_user_gets_the_same_message(client, reception):
    response = client.login("nobody", PASSWORD)
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_message_in_chinese(app, reception):
    client = Client(app, lang="zh-CN,zh;q=0.9")
    response = client.login("wang", "wrong-password")
    assert "用户名或密码错误。" in response.get_data(as_text=True)


def test_password_is_stored_hashed(reception, in_app):
    with in_app():
        stored = db.session.get(Staff, reception.id).password_hash
    assert PASSWORD not in stored
    assert stored.split(":")[0] in {"pbkdf2", "scrypt"}


def test_disabled_account_is_refused(factories, client):
    estate = factories.estate()
    factories.staff(Role.guard, estates=[estate], username="off", active=False)
    response = client.login("off")
    assert response.status_code == 401
    assert "disabled" in response.get_data(as_text=True)


def test_lockout_after_repeated_failures(client, reception, app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        client.login("wang", "wrong-password")
    response = client.login("wang")  # even the right password now waits
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)
    assert not logged_in(client)
    later = clock.now() + timedelta(seconds=app.config["LOGIN_LOCKOUT_SECONDS"] + 60)
    with time_machine.travel(later.replace(tzinfo=clock.office_zone()), tick=False):
        assert Client(app).login("wang").status_code == 302


@pytest.mark.parametrize("target", ["/admin/ticket/", "/admin/unit/?page=2"])
def test_next_on_this_site_is_followed(client, reception, target):
    response = client.post(f"/login?next={target}", {"username": "wang", "password": PASSWORD})
    assert response.headers["Location"].endswith(target)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
    ],
)
def test_next_off_site_is_ignored(client, reception, target):
    response = client.post("/login", {"username": "wang", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith("/admin/")
    assert "evil" not in location and "javascript" not in location


def test_logout(factories, login):
    estate = factories.estate()
    staff = factories.staff(Role.guard, estates=[estate])
    c = login(staff)
    assert c.get("/logout").status_code == 405
    assert c.post("/logout", csrf=False).status_code == 400
    assert logged_in(c)
    assert c.post("/logout").status_code == 302
    assert not logged_in(c)


def test_session_cookie_is_hardened(client, reception):
    response = client.login("wang")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_csrf_token_from_before_login_is_void_after(client, reception):
    old_token = client.csrf_token()
    client.login("wang")
    response = client.post("/language", {"lang": "en", "csrf_token": old_token}, csrf=False)
    assert response.status_code == 400


def test_password_change_ends_other_sessions(app, reception, login, in_app):
    c = login(reception)
    assert logged_in(c)
    with in_app():
        accounts.change_password(db.session.get(Staff, reception.id), "another-pass-9")
        db.session.commit()
    assert not logged_in(c)
    assert Client(app).login("wang", "another-pass-9").status_code == 302


def test_short_password_refused(in_app, reception):
    with in_app(), pytest.raises(ServiceError):
        accounts.change_password(db.session.get(Staff, reception.id), "short")
