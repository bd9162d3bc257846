"""PostgreSQL: the statements every page runs (the user, the inbox count, a record with its
related records, a list's rows) are parsed and planned once per connection, not per request.

psycopg prepares a statement on a connection once it has run it five times
(`prepare_threshold`) and keeps the 100 most recent (`prepared_max`). But at every rollback it
forgets them all and deallocates them on the server — and every request that only reads ends
with a rollback (the session closes, the pool resets the connection). No statement reached five
runs between two rollbacks, so every page planned every query afresh: planning was 2.8 ms of
the 3.3 ms that a ticket's details page spends reading the ticket with its eight related
records (bench_wuye), and most of every small lookup's time.

PostgreSQL keeps prepared statements across ROLLBACK, even of a failed transaction (they
belong to the session, not to a transaction); psycopg forgets them there only as a precaution
against DDL that the rollback undid. Requests run no DDL but the import's temporary tables,
whose DROP still makes psycopg forget (its check of each command's status is unchanged), as
DISCARD ALL and DEALLOCATE ALL do. Which plan a prepared statement runs — one for its values,
or a generic one once that is no dearer — PostgreSQL decides per statement
(plan_cache_mode = auto).
"""

from __future__ import annotations

from psycopg import Connection
from psycopg._preparing import PrepareManager
from sqlalchemy import event


class _KeptAcrossRollback(PrepareManager):
    """psycopg's cache of prepared statements, left as it is while the connection rolls back."""

    rolling_back = False

    def clear(self) -> bool:
        if self.rolling_back:
            return False  # nothing to deallocate on the server either
        return super().clear()


class KeepsPreparedStatements(Connection):
    """A psycopg connection whose prepared statements outlive a rollback."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepared = _KeptAcrossRollback()  # connect() sets its threshold afterwards

    def rollback(self) -> None:
        self._prepared.rolling_back = True
        try:
            super().rollback()
        finally:
            self._prepared.rolling_back = False


def configure(engine) -> None:
    """Connections of a PostgreSQL engine (psycopg) keep their prepared statements."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        return KeepsPreparedStatements.connect(*cargs, **cparams)
