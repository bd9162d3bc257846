"""PostgreSQL plans the statements a connection runs again and again once (pg_statements.py):
they stay prepared across the rollback that ends every request that only reads."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from admin_app.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="prepared statements are PostgreSQL's"
)

COUNT_ESTATES = text("SELECT count(*) FROM estate WHERE id > :above")


def prepared(conn) -> list[str]:
    return conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()


def run_as_requests_do(conn, times: int) -> None:
    """The statement once per transaction, each ended by a rollback, as read-only pages end."""
    for above in range(times):
        conn.execute(COUNT_ESTATES, {"above": above}).scalar()
        conn.rollback()


def test_a_statement_every_request_runs_is_prepared_despite_the_rollbacks(app):
    with app.app_context(), db.engine.connect() as conn:
        run_as_requests_do(conn, 7)
        assert any("FROM estate WHERE id >" in s for s in prepared(conn))


def test_a_failed_transaction_leaves_the_prepared_statements_usable(app):
    with app.app_context(), db.engine.connect() as conn:
        run_as_requests_do(conn, 7)
        with pytest.raises(DBAPIError):
            conn.exec_driver_sql("SELECT 1 / 0")
        conn.rollback()
        assert conn.execute(COUNT_ESTATES, {"above": 0}).scalar() == 0
        assert any("FROM estate WHERE id >" in s for s in prepared(conn))


def test_dropping_a_table_still_forgets_them(app):
    # A dropped table may come back with other columns: psycopg forgets (and deallocates)
    # every prepared statement when a DROP runs, as before.
    with app.app_context(), db.engine.connect() as conn:
        run_as_requests_do(conn, 7)
        conn.exec_driver_sql("CREATE TEMPORARY TABLE _scratch (x integer)")
        conn.exec_driver_sql("DROP TABLE _scratch")
        assert prepared(conn) == []
        conn.rollback()
