"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from admin_app.extensions import db


def skip_postgres_only(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name and name.startswith("pgx_"))


def test_schema_from_migrations_matches_models(app):
    # The session fixture built the schema with `flask db upgrade` from an empty database.
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": skip_postgres_only}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_exists(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="pgx_* indexes are PostgreSQL's")
def test_postgres_search_indexes_exist(app):
    with app.app_context():
        names = {ix["name"] for ix in inspect(db.engine).get_indexes("ticket")}
    assert {
        "pgx_ticket_number_trgm",
        "pgx_ticket_reporter_phone_suffix",
        "pgx_ticket_complaint_stats",
    } <= names
