"""Build the large benchmark dataset in PostgreSQL.

    python -m bench.generate [--database bench_wuye] [--scale 1.0] [--force]

Creates the database (dropping it with --force), runs the migrations, then COPYs the rows
(seed/large.py), then what the work leaves behind: reminders, deliveries, inbox entries, gate
checks, release passes, patrols (seed/large_trail.py). At scale 1: 1M tickets, 200k residents,
100k units, in a few minutes. An older dataset without that trail gets it added.
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg

from admin_app import clock
from seed.large import Generator, Size
from seed.large_trail import needs_trail, write_trail

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def use_database(name: str) -> str:
    """Point the app about to be created at the bench database (reminders left to the
    benches that time them); returns the database URL."""
    url = database_url(name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    os.environ["REMINDERS_IN_PROCESS"] = "0"
    return url


def exists(name: str) -> bool:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


def has_data(name: str) -> bool:
    if not exists(name):
        return False
    with psycopg.connect(database_url(name)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM ticket").fetchone()[0] > 0
        except psycopg.errors.UndefinedTable:
            return False


def build(name: str, scale: float, force: bool = False) -> None:
    if has_data(name) and not force:
        print(f"{name}: data present (use --force to rebuild)")
        _top_up(name)
        return
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    from flask_migrate import upgrade

    from admin_app import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    size = Size.scaled(scale)
    print(f"Generating {size} into {name} …", flush=True)
    started = time.perf_counter()
    with psycopg.connect(database_url(name)) as conn, app.app_context():
        Generator(conn, size, clock.now()).run()
        write_trail(conn, clock.now())
    # The rows went in by COPY, past the panel's own writes: count the statistics' monthly
    # figures from them, as `flask statistics rebuild` does.
    with app.app_context():
        from admin_app.extensions import db
        from admin_app.services.statistics import rollups

        rollups.rebuild()
        db.session.commit()
    # VACUUM as autovacuum would soon after: it sets the visibility map that index-only
    # scans (the statistics' covering indexes) depend on.
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"done in {time.perf_counter() - started:.0f} s")


def _top_up(name: str) -> None:
    """A dataset made before the reminders, inbox, gate checks, release passes and patrols
    were generated gets them now, from its own records."""
    with psycopg.connect(database_url(name)) as conn:
        if not needs_trail(conn):
            return
        print(f"{name}: adding reminders, deliveries, inbox, gate checks, release passes, patrols")
        write_trail(conn, clock.now())
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    build(args.database, args.scale, args.force)


if __name__ == "__main__":
    main()
