"""The API's call log is forgotten like the panel's other trails: after RETENTION_API_CALL_DAYS
(90 by default; 0 keeps it), by the daily purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import ApiCall
from admin_app.retention import jobs as retention


def logged(days_ago: int, token_id=None) -> None:
    db.session.execute(
        insert(ApiCall.__table__).values(
            at=clock.now() - timedelta(days=days_ago),
            token_id=token_id,
            method="GET",
            endpoint="/api/v1/tickets",
            status=200,
        )
    )
    db.session.commit()


def test_calls_older_than_the_setting_go_and_recent_ones_stay(app, in_app, make_token, two_estates):
    token_id, _ = make_token([two_estates.a])
    with in_app():
        logged(91, token_id)
        logged(400)
        logged(89, token_id)
        assert retention.run()["api_calls"] == 2
        left = db.session.query(ApiCall).one()
        assert left.at > clock.now() - timedelta(days=90)


def test_zero_days_keeps_the_log_for_ever(app, in_app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_API_CALL_DAYS", 0)
    with in_app():
        logged(5000)
        assert retention.run()["api_calls"] == 0
        assert db.session.query(ApiCall).count() == 1
