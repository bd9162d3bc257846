"""`flask backup` / `flask restore`: a backup restored into an empty database holds every
table row for row, and the restored panel works (on SQLite always; on PostgreSQL when the
suite runs on it, into a database made for the test)."""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from admin_app import create_app
from admin_app.extensions import db
from admin_app.models import Role, Staff
from admin_app.services import accounts

from .conftest import Client

ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the demo's published password


def build(url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "REMINDERS_IN_PROCESS": False,
        }
    )


def seed(app) -> None:
    from seed.demo import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()


def order_of(table) -> list:
    return list(table.primary_key.columns) or list(table.columns)


def contents(app) -> dict[str, list[tuple]]:
    """Every table's rows, in a fixed order."""
    with app.app_context(), db.engine.connect() as conn:
        tables = MetaData()
        tables.reflect(conn)
        return {
            name: [tuple(row) for row in conn.execute(select(t).order_by(*order_of(t)))]
            for name, t in tables.tables.items()
        }


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def assert_restored_like(source, restored) -> None:
    expected, got = contents(source), contents(restored)
    assert sorted(got) == sorted(expected)
    for table in expected:
        assert got[table] == expected[table], f"{table} differs after the restore"
    filled = [t for t, rows in expected.items() if rows]
    assert len(filled) >= 20 and sum(len(r) for r in expected.values()) > 500
    # The restored panel works: the demo's receptionist logs in, and new records get new ids.
    assert Client(restored).login("reception", DEMO_PASSWORD).status_code == 302
    with restored.app_context():
        before = db.session.scalar(select(db.func.max(Staff.id)))
        new = accounts.create_staff(
            username="after-restore", password="p" * 8, name="新人", role=Role.guard
        )
        db.session.commit()
        assert new.id > before


@pytest.fixture
def sqlite_source(tmp_path):
    source = build(f"sqlite:///{tmp_path / 'panel.db'}")
    with source.app_context():
        upgrade()
    seed(source)
    yield source
    with source.app_context():
        db.engine.dispose()


def test_a_sqlite_backup_restores_into_an_empty_database_row_for_row(tmp_path, sqlite_source):
    made = cli(sqlite_source, "backup", str(tmp_path / "nightly.backup"))
    assert made.exit_code == 0, made.output
    empty = build(f"sqlite:///{tmp_path / 'new-machine.db'}")
    restored = cli(empty, "restore", str(tmp_path / "nightly.backup"))
    assert restored.exit_code == 0, restored.output
    assert_restored_like(sqlite_source, empty)


def test_a_restore_never_overwrites_a_database_unless_asked(tmp_path, sqlite_source):
    assert cli(sqlite_source, "backup", str(tmp_path / "b")).exit_code == 0
    with sqlite_source.app_context():
        accounts.create_staff(username="later", password="p" * 8, name="后来", role=Role.guard)
        db.session.commit()
    refused = cli(sqlite_source, "restore", str(tmp_path / "b"))
    assert refused.exit_code != 0 and "--replace" in refused.output
    assert "later" in {row[1] for row in contents(sqlite_source)["staff"]}
    replaced = cli(sqlite_source, "restore", "--replace", str(tmp_path / "b"))
    assert replaced.exit_code == 0, replaced.output
    assert "later" not in {row[1] for row in contents(sqlite_source)["staff"]}


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database " * 100)
    empty = build(f"sqlite:///{tmp_path / 'empty.db'}")
    refused = cli(empty, "restore", str(bogus))
    assert refused.exit_code != 0 and "not a database backup" in refused.output
    assert contents(empty) == {}


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL backup runs when DATABASE_URL is one")
def test_a_postgres_backup_restores_into_an_empty_database_row_for_row(app, tmp_path):
    seed(app)
    made = cli(app, "backup", str(tmp_path / "nightly.dump"))
    assert made.exit_code == 0, made.output
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"{url.database}_restore"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        empty = build(url.set(database=name).render_as_string(hide_password=False))
        restored = cli(empty, "restore", str(tmp_path / "nightly.dump"))
        assert restored.exit_code == 0, restored.output
        assert_restored_like(app, empty)
        with empty.app_context():
            db.engine.dispose()
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
