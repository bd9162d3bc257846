"""Background steps of a resident import: the check (dry run) and the commit.

Both run the same service verbs as the web request does for small files; here they also record
a refusal or a failure on the batch, so the page polling its progress can say what happened.
"""

from __future__ import annotations

import time

from flask import current_app, has_request_context
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError

from admin_app.extensions import db
from admin_app.jobs.queue import job
from admin_app.models.resident_import import ImportStatus, ResidentImport
from admin_app.residents import operations as resident_import
from admin_app.residents.importing.problems import ImportRefused
from admin_app.services.conflicts import retrying_conflicts


class ProgressWriter:
    """Writes a background step's progress on its own connection, at most twice a second, so
    every web process can show it while the step's own transaction is still open."""

    def __init__(self, batch_id: int, interval: float = 0.5) -> None:
        self.batch_id = batch_id
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if has_request_context():
            # A small file checked or written within its request: nobody polls its progress,
            # and on SQLite the request's transaction holds the write lock this would wait for.
            return
        now = time.monotonic()
        if now - self._last < self.interval:
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
    _run(batch_id, ImportStatus.checking, resident_import.check)


@job
def commit_import(batch_id: int, actor_id: int | None = None) -> None:
    _run(
        batch_id,
        ImportStatus.importing,
        lambda batch, progress: resident_import.commit(batch, actor_id, progress),
    )


def _run(batch_id: int, expected: ImportStatus, step) -> None:
    batch = db.session.get(ResidentImport, batch_id)
    if batch is None or batch.status is not expected:
        return  # cancelled, or already done by another worker
    progress = ProgressWriter(batch_id)
    try:
        # On SQLite the progress, written on its own connection, can make this step's first
        # write a conflict: it starts over rather than failing the import.
        retrying_conflicts(lambda: step(db.session.get(ResidentImport, batch_id), progress))
    except ImportRefused as refused:
        db.session.rollback()
        resident_import.mark_refused(batch_id, refused.problem)
    except (IntegrityError, OperationalError) as collided:
        # Another transaction wrote the same residents (or held them too long): nothing of
        # this import was written; checking again shows the estate as it is now.
        current_app.logger.info("import %s collided: %s", batch_id, collided)
        db.session.rollback()
        retrying_conflicts(lambda: resident_import.mark_failed(batch_id, "collision"))
    except Exception:
        db.session.rollback()
        resident_import.mark_failed(batch_id)
        db.session.commit()
        raise
