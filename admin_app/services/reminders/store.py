"""Small SQL helpers shared by the outbox, the sweep and delivery (core statements, so that
they run inside a flush and in bulk)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Table

from admin_app.services import bulk


def chunks(values: Iterable, size: int = 500) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# Bound parameters per statement: SQLite (3.32+) takes 32,766, PostgreSQL 65,535.
MAX_PARAMETERS = 30_000


def insert_ignoring_duplicates(
    conn, table: Table, rows: list[dict], keys: list[str], *, returning=()
) -> list[tuple]:
    """INSERT … ON CONFLICT DO NOTHING: a row another transaction (or an earlier try of this
    one) already wrote is left alone instead of failing the whole change. `returning`: those
    columns of the rows written (rows of one shape only)."""
    if not rows:
        return []
    # Rows of one shape go in one multi-row VALUES statement per chunk: a batch chunk's
    # reminders and inbox entries in a round trip or two rather than one per row.
    names = list(rows[0])
    if all(list(row) == names for row in rows):
        per_statement = max(1, MAX_PARAMETERS // len(names))
        written = []
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            written += bulk.insert_values(conn, table, chunk, conflict=keys, returning=returning)
        return written
    if returning:
        raise ValueError("returning needs rows of one shape")
    conn.execute(
        bulk.conflict_insert(conn, table).on_conflict_do_nothing(index_elements=keys), rows
    )
    return []


def is_postgresql(conn) -> bool:
    return conn.dialect.name == "postgresql"
