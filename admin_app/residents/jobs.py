"""Background steps of a resident import: the check (dry run) and the commit.

Both run the same service verbs as the web request does for small files; here they also record
a refusal or a failure on the batch, so the page polling its progress can say what happened.
"""

from __future__ import annotations

import time

from flask import current_app, has_request_context
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from admin_app import sqlite
from admin_app.extensions import db
from admin_app.jobs.queue import job
from admin_app.models.resident_import import ImportStatus, ResidentImport
from admin_app.residents import operations as resident_import
from admin_app.residents.importing.problems import ImportRefused
from admin_app.services.conflicts import retrying_conflicts


class ProgressWriter:
    """Writes a background step's progress on its own connection, at most twice a second, so
    every web process can show it while the step's own transaction is still open."""

    INTERVAL_SECONDS = 0.5

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if has_request_context() or sqlite.holds_write_lock(db.engine):
            # A small file checked or written within its request (nobody polls its progress),
            # or an import's commit on SQLite: its transaction holds the one write lock this
            # would wait for.
            return
        now = time.monotonic()
        if now - self._last < self.INTERVAL_SECONDS:
            return
        self._last = now
        with db.engine.begin() as conn:
            conn.execute(
                update(ResidentImport)
                .where(ResidentImport.id == self.batch_id)
                .values(progress_done=done, progress_total=total)
            )


@job
def check_import(batch_id: int) -> None:
    _run(batch_id, ImportStatus.checking, _check)


@job
def commit_import(batch_id: int, actor_id: int | None = None) -> None:
    _run(
        batch_id,
        ImportStatus.importing,
        lambda batch_id, progress: _commit(batch_id, progress, actor_id),
    )


def _check(batch_id: int, progress: ProgressWriter) -> None:
    checked = resident_import.read_check(db.session.get(ResidentImport, batch_id), progress)
    # The reading is over before the preview is written: on SQLite a reader that writes after
    # another's commit (the progress is one) is refused; the write takes its turn instead.
    db.session.rollback()
    with sqlite.writer():
        batch = db.session.get(ResidentImport, batch_id)
        if batch.status is ImportStatus.checking:  # a restarted check may have finished first
            resident_import.keep_check(batch, checked)
        db.session.commit()


def _commit(batch_id: int, progress: ProgressWriter, actor_id: int | None) -> None:
    # Re-read and written in one transaction: on SQLite it holds the one write lock from its
    # start (so nothing can make its reading stale, and its progress is not written).
    with sqlite.writer():
        resident_import.commit(db.session.get(ResidentImport, batch_id), actor_id, progress)
        db.session.commit()


def _run(batch_id: int, expected: ImportStatus, step) -> None:
    batch = db.session.get(ResidentImport, batch_id)
    if batch is None or batch.status is not expected:
        return  # cancelled, or already done by another worker
    progress = ProgressWriter(batch_id)
    db.session.rollback()  # the look ends here: each step begins its own transactions
    try:
        # A write that waited longer than the busy timeout (SQLite) or a serialization
        # failure (PostgreSQL) starts the step over rather than failing the import.
        retrying_conflicts(lambda: step(batch_id, progress))
    except ImportRefused as refused:
        db.session.rollback()
        problem = refused.problem
        _mark(lambda: resident_import.mark_refused(batch_id, problem))
    except (IntegrityError, OperationalError) as collided:
        # Another transaction wrote the same residents (or held them too long): nothing of
        # this import was written; checking again shows the estate as it is now.
        current_app.logger.info("import %s collided: %s", batch_id, collided)
        db.session.rollback()
        _mark(lambda: resident_import.mark_failed(batch_id, "collision"))
    except Exception:
        db.session.rollback()
        _mark(lambda: resident_import.mark_failed(batch_id))
        raise


def _mark(outcome) -> None:
    """Record a refusal or a failure in a transaction of its own that waits its turn for the
    write lock on SQLite (the page polling the batch must learn of it)."""

    def record() -> None:
        outcome()
        db.session.commit()

    with sqlite.writer():
        retrying_conflicts(record)
