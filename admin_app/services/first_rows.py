"""The first rows of a list a page shows (a department's queue, a document's openings) with
how many there are in all, so the page costs the same however long the list grows."""

from __future__ import annotations

from sqlalchemy import func


class Counted(list):
    """The first rows of a list; `count` is how many there are in all."""

    count = 0


def first_rows(query, limit: int) -> Counted:
    """The query's first `limit` rows with the count of all (a window function: one query).
    The query selects one entity; its order and options are the caller's."""
    rows = query.add_columns(func.count().over()).limit(limit).all()
    found = Counted(row[0] for row in rows)
    found.count = rows[0][1] if rows else 0
    return found
