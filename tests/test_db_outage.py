"""A database connection dropped under a request (admin_app/db_outage.py), on any database: a
page that only reads is served again once; a save is never repeated behind the person's back
and says the database cannot be reached (503, in the person's language); any other database
error stays a fault of ours (500). The real drop on PostgreSQL: tests/test_faults.py."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy.exc import OperationalError

UNREACHABLE = (
    "The database cannot be reached just now. Please try again in a moment; "
    "if you were saving, check whether it was saved."
)


def dropped(invalidated: bool = True) -> OperationalError:
    return OperationalError(
        "SELECT 1",
        {},
        Exception("server closed the connection"),
        connection_invalidated=invalidated,
    )


@pytest.fixture
def login_page(app, monkeypatch):
    """The login page, whose database connection drops `fails` times (set by the test)."""
    calls = {"count": 0, "fails": 0, "invalidated": True}

    def view():
        calls["count"] += 1
        if calls["count"] <= calls["fails"]:
            raise dropped(calls["invalidated"])
        return "the login page"

    monkeypatch.setitem(app.view_functions, "auth.login", view)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return calls


def test_a_page_read_on_a_dropped_connection_is_served_again(client, login_page):
    login_page["fails"] = 1
    response = client.get("/login")
    assert response.status_code == 200 and response.get_data(as_text=True) == "the login page"
    assert login_page["count"] == 2


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_page_whose_connection_drops_twice_says_so(app, client, login_page, lang):
    login_page["fails"] = 2
    response = client.get("/login", headers={"Accept-Language": lang})
    assert response.status_code == 503
    with app.test_request_context(), force_locale("en" if lang == "en" else "zh_Hans_CN"):
        message = gettext(UNREACHABLE)
    body = response.get_data(as_text=True)
    assert message in body and "OperationalError" not in body and "SELECT" not in body
    assert login_page["count"] == 2  # once more, not again and again


def test_a_save_on_a_dropped_connection_is_not_repeated(app, client, login_page, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the page with the token is mocked
    login_page["fails"] = 1
    response = client.post("/login", data={"username": "x", "password": "y"}, csrf=False)
    assert response.status_code == 503
    assert UNREACHABLE in response.get_data(as_text=True)
    assert login_page["count"] == 1


def test_any_other_database_error_stays_a_500(client, login_page):
    login_page["fails"], login_page["invalidated"] = 1, False
    response = client.get("/login")
    assert response.status_code == 500
    assert UNREACHABLE not in response.get_data(as_text=True)
    assert login_page["count"] == 1
