"""Fixtures of the API tests: tokens made by the admin's verb, and a client that sends them."""

from __future__ import annotations

import pytest

from admin_app.api import tokens
from admin_app.api.tokens import SCOPES
from admin_app.extensions import db
from admin_app.models import ApiToken, Estate, Role, Staff

ALL_SCOPES = tuple(SCOPES)


class Api:
    """JSON calls to /api/v1 with a bearer token (or none), in a language."""

    def __init__(self, app):
        self.http = app.test_client()

    def call(self, method, path, token=None, json=None, lang="en", headers=None, **kwargs):
        sent = {"Accept-Language": lang, **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        return self.http.open(f"/api/v1{path}", method=method, json=json, headers=sent, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, json=None, token=None, **kwargs):
        return self.call("POST", path, token, json=json, **kwargs)


@pytest.fixture
def api(app):
    return Api(app)


@pytest.fixture
def make_token(app, factories):
    """make_token(estates, scopes=ALL, name=…) -> (token id, secret), issued by an admin."""
    admin = factories.staff(Role.admin, all_estates=True)
    made = iter(range(1, 1000))

    def make(estates, scopes=ALL_SCOPES, name=None):
        with app.app_context():
            token = ApiToken(
                name=name or f"呼叫中心 {next(made)}",
                scopes=list(scopes),
                estates=[db.session.get(Estate, e.id) for e in estates],
            )
            secret = tokens.issue(token, db.session.get(Staff, admin.id))
            db.session.add(token)
            db.session.commit()
            return token.id, secret

    return make
