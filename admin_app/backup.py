"""Backups that are known to restore: `pg_dump` custom format on PostgreSQL, the online backup
API on SQLite; a restore goes into an empty database (or replaces one when asked)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from admin_app.extensions import db


class BackupError(Exception):
    pass


def backup(path: str) -> str:
    """Write a backup of the configured database to `path` and check that it reads back."""
    url = make_url(db.engine.url)
    if url.get_backend_name() == "postgresql":
        _pg_dump(url, path)
    elif url.get_backend_name() == "sqlite":
        _sqlite_backup(path)
    else:
        raise BackupError(f"no backup for {url.get_backend_name()}")
    return f"wrote {path} ({os.path.getsize(path)} bytes)"


def restore(path: str, replace: bool = False) -> str:
    """Put the backup at `path` into the configured database, which must be empty unless
    `replace` is given (then what is there is dropped first)."""
    if not os.path.isfile(path):
        raise BackupError(f"{path}: no such file")
    url = make_url(db.engine.url)
    tables = inspect(db.engine).get_table_names()
    if tables and not replace:
        raise BackupError(
            f"the database already holds {len(tables)} tables: restore into an empty database, "
            "or pass --replace to drop what is there"
        )
    db.session.remove()
    db.engine.dispose()  # no connection of ours stands in the way
    if url.get_backend_name() == "postgresql":
        _pg_restore(url, path, replace=bool(tables))
    elif url.get_backend_name() == "sqlite":
        _sqlite_restore(path)
    else:
        raise BackupError(f"no restore for {url.get_backend_name()}")
    db.engine.dispose()
    count = len(inspect(db.engine).get_table_names())
    return f"restored {path}: {count} tables"


# PostgreSQL: the client programs, given the address without the password (it goes in the
# environment, not on a command line every user of the machine can read).


def _libpq(url: URL) -> tuple[str, dict]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client programs)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _pg_dump(url: URL, path: str) -> None:
    address, env = _libpq(url)
    _run(["pg_dump", "--format=custom", "--file", path, "--dbname", address], env)
    _run(["pg_restore", "--list", path], env)  # the file's table of contents reads back


def _pg_restore(url: URL, path: str, replace: bool) -> None:
    address, env = _libpq(url)
    # Everything but the extensions' comments: only their owner (a superuser) may set them,
    # and the database's own account restoring must not fail on that.
    listing = _run(["pg_restore", "--list", path], env)
    wanted = [line for line in listing.splitlines() if "COMMENT - EXTENSION" not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as fh:
        fh.write("\n".join(wanted) + "\n")
    # One transaction: a restore that fails half-way leaves the database as it was.
    command = ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error"]
    if replace:
        command += ["--clean", "--if-exists"]
    try:
        _run([*command, "--use-list", fh.name, "--dbname", address, path], env)
    finally:
        os.remove(fh.name)


# SQLite: the online backup API copies a consistent snapshot while the panel keeps writing.


def _sqlite_backup(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=folder)
    os.close(fd)
    source = db.engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        with target:
            source.driver_connection.backup(target)
        _check_sqlite(target)
        target.close()
        os.replace(partial, path)  # a backup cut short never takes the file's name
    finally:
        source.close()
        if os.path.exists(partial):
            os.remove(partial)


def _sqlite_restore(path: str) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_sqlite(source)
        target = db.engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
    finally:
        source.close()


def _check_sqlite(connection: sqlite3.Connection) -> None:
    try:
        ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"not a database backup: {error}") from None
    if not ok or "alembic_version" not in tables:
        raise BackupError("not a backup of this panel's database (or a damaged one)")
