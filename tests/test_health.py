"""GET /healthz reports the database and Redis."""

from __future__ import annotations

import os

import pytest


def test_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_redis_absent_is_reported_not_an_error(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    body = client.get("/healthz").get_json()
    assert body["redis"] == "not configured" and body["status"] == "ok"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis (REDIS_URL)")
def test_real_redis_is_ok(client):
    assert client.get("/healthz").get_json()["redis"] == "ok"


def test_unreachable_redis_is_reported(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200  # the panel still works without Redis
    assert response.get_json()["redis"] == "unreachable"


def test_unreachable_database_is_503(app, client, monkeypatch):
    from admin_app.extensions import db

    def broken(*args, **kwargs):
        raise RuntimeError("connection refused")

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
