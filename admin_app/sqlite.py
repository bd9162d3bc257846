"""SQLite as an embedded database: one writer at a time, taken at the start, never mid-way.

In write-ahead-log mode readers never wait, but a transaction that has read and then writes
cannot wait for the writer ahead of it: SQLite answers "database is locked" at once (the
busy timeout does not apply, and once another writer has committed the reader's view is stale
for good). So a transaction that may write asks for the write lock at BEGIN (BEGIN IMMEDIATE),
where the busy timeout does apply: a request that saves waits its turn behind the reminder
sweep's short transactions instead of failing. Pages that only show (GET) begin as readers.
"""

from __future__ import annotations

import contextlib
import contextvars

from flask import has_request_context, request
from sqlalchemy import event

BUSY_TIMEOUT_MS = 10_000  # the longest a writer waits for the one ahead of it
SHOWING = frozenset({"GET", "HEAD", "OPTIONS"})

_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_writing", default=False)


@contextlib.contextmanager
def writer():
    """Every transaction begun inside the block takes the write lock at BEGIN (background
    work of this process that writes: the in-process reminder sweep, a batch's thread)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def holds_write_lock(engine) -> bool:
    """Work inside `writer()` on SQLite: its transaction holds the database's one write lock,
    which a second connection of the same work would wait for in vain."""
    return engine.dialect.name == "sqlite" and _writing.get()


def begins_writing() -> bool:
    if _writing.get():
        return True
    return has_request_context() and request.method not in SHOWING


def configure(engine) -> None:
    """Foreign keys enforced; transactions begun by SQLAlchemy (not pysqlite) so savepoints
    work — the batch actions give each record its own savepoint; write-ahead logging and a
    busy timeout; and a writer's transaction begun IMMEDIATE (see above)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        # PostgreSQL's reverse(), used by the phone search (last digits).
        dbapi_connection.create_function("reverse", 1, _reverse, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # A commit reaches the disk before it is reported done: an office PC loses power, and
        # a saved call or a signed work order must still be there (NORMAL, WAL's faster
        # pairing, may lose the last commits then; the office writes a few rows a minute).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if begins_writing() else "BEGIN")


def _reverse(text):
    return text[::-1] if text is not None else None
