"""The admins' screen of tokens: made with estates and scopes, the secret shown once (only
its digest kept), revoked from the list; nobody but an admin reaches it."""

from __future__ import annotations

import hashlib
import re

import pytest

from admin_app.extensions import db
from admin_app.models import ApiToken, AuditRecord, Role


def made_secret(page: str) -> str:
    return re.search(r'id="token-secret"[^>]*value="([^"]+)"', page).group(1)


def test_an_admin_makes_a_token_and_sees_its_secret_once(login, factories, two_estates, app, api):
    admin = login(factories.staff(Role.admin, all_estates=True))
    response = admin.post(
        "/admin/api_token/new/",
        {
            "name": "呼叫中心",
            "estates": str(two_estates.a.id),
            "scope_list": ["callers:read", "tickets:write"],
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = made_secret(page)
    assert "shown only this once" in page
    with app.app_context():
        token = db.session.query(ApiToken).one()
        assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.scopes == ["callers:read", "tickets:write"]
        assert token.estate_ids == {two_estates.a.id}
        assert token.created_by_id is not None
        token_id = token.id
        history = db.session.query(AuditRecord).filter_by(entity_type="api_token").one()
        assert secret not in str(history.changes) and token.secret_hash not in str(history.changes)
    listing = admin.get("/admin/api_token/").get_data(as_text=True)
    details = admin.get(f"/admin/api_token/details/?id={token_id}").get_data(as_text=True)
    edit = admin.get(f"/admin/api_token/edit/?id={token_id}").get_data(as_text=True)
    for shown in (listing, details, edit):
        assert secret not in shown and token.secret_hash not in shown
    assert secret[:9] in listing  # the first characters tell tokens apart
    assert api.get("/callers?phone=13800000001", secret).status_code == 200
    assert api.get("/tickets", secret).status_code == 403  # tickets:write only


def test_a_token_needs_a_scope_and_an_estate(login, factories, two_estates, app):
    admin = login(factories.staff(Role.admin, all_estates=True))
    admin.post("/admin/api_token/new/", {"name": "x", "estates": str(two_estates.a.id)})
    admin.post("/admin/api_token/new/", {"name": "y", "scope_list": ["tickets:read"]})
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_revoking_from_the_list_stops_the_token(login, factories, two_estates, make_token, api):
    token_id, secret = make_token([two_estates.a])
    admin = login(factories.staff(Role.admin, all_estates=True))
    response = admin.post("/admin/api_token/action/", {"action": "revoke", "rowid": str(token_id)})
    assert response.status_code == 302
    assert api.get("/tickets", secret).status_code == 401
    listing = admin.get("/admin/api_token/").get_data(as_text=True)
    assert "1 token(s) revoked." in listing


@pytest.mark.parametrize("role", ["director", "supervisor", "receptionist", "technician", "guard"])
def test_nobody_but_an_admin_reaches_the_tokens(login, factories, two_estates, role):
    user = login(factories.staff(role, estates=[two_estates.a]))
    assert user.get("/admin/api_token/").status_code == 403
    assert user.get("/admin/api_token/new/").status_code == 403


def test_an_admin_of_one_estate_sees_only_tokens_within_it(
    login, factories, two_estates, make_token
):
    make_token([two_estates.a], name="甲的门禁")
    make_token([two_estates.a, two_estates.b], name="公司呼叫中心")
    admin = login(factories.staff(Role.admin, estates=[two_estates.a]))
    listing = admin.get("/admin/api_token/").get_data(as_text=True)
    assert "甲的门禁" in listing and "公司呼叫中心" not in listing
