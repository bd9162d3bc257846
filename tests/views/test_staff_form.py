"""The staff account form: a technician's trades, as the administrator picks them."""

from __future__ import annotations

import pytest

from admin_app.extensions import db
from admin_app.models import Role, Staff, Trade

from ..conftest import page_messages


def new_account(**changes) -> dict:
    return {
        "username": "newtech",
        "name": "新师傅",
        "phone": "13900005555",
        "role": "technician",
        "active": "y",
        "password": "long-enough-1",
        **changes,
    }


@pytest.fixture
def admin_client(factories, login):
    w = factories.two_estates()
    admin = factories.staff(Role.admin, all_estates=True)
    w.zh, w.en = login(admin, lang="zh-CN"), login(admin, lang="en")
    return w


def saved_trades(in_app) -> set | None:
    with in_app():
        staff = db.session.query(Staff).filter_by(username="newtech").one_or_none()
        return None if staff is None else staff.trades


@pytest.mark.parametrize("trades", [[""], ["", "plumbing"], ["plumbing", ""]])
def test_an_empty_trade_option_is_no_trade_and_the_account_is_saved(admin_client, in_app, trades):
    w = admin_client
    response = w.zh.post(
        "/admin/staff/new/", {**new_account(estates=str(w.a.id)), "trades": trades}
    )
    assert response.status_code == 302, page_messages(response.get_data(as_text=True))
    assert saved_trades(in_app) == {Trade(t) for t in trades if t}


@pytest.mark.parametrize(("client", "says"), [("zh", "工种"), ("en", "not one of the trades")])
def test_an_unknown_trade_is_a_field_error_in_the_users_language_and_nothing_is_saved(
    admin_client, in_app, client, says
):
    w = admin_client
    response = getattr(w, client).post(
        "/admin/staff/new/", {**new_account(estates=str(w.a.id)), "trades": ["nonsense"]}
    )
    assert response.status_code == 200
    messages = page_messages(response.get_data(as_text=True))
    assert any(says in m for m in messages), messages
    assert saved_trades(in_app) is None
