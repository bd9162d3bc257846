"""Batches: one workflow step over many records, recorded and run inline or as an RQ job.

The confirmation page (panel/actions/pages.py) decides what runs; `start_batch` records it; `execute`
runs each record through the same RecordAction — so the same service verb, state rules, scope
and history as a single action — a chunk at a time, committing progress as it goes so that the
page's progress bar (any web process) can show it. A batch whose job was lost (Redis
restarted empty, a worker killed) is queued again by `resume_stalled_batches` (rq cron) and
goes on after the chunks it had committed.
"""

from __future__ import annotations

import copy
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from admin_app import clock, sqlite
from admin_app.auth.scope import scoped
from admin_app.extensions import db
from admin_app.jobs.queue import job, submit
from admin_app.models import BatchRun, BatchStatus, Estate, Staff
from admin_app.panel.actions.core import perform_batch
from admin_app.services import handoffs, history

INLINE_LIMIT = 200  # up to this many records run in the request; more go to a worker
# Records per transaction. PostgreSQL locks only the chunk's own rows, so a chunk can be large:
# each costs a fixed twenty-odd statements and a commit (10,000 dispatches, interleaved: a
# median 5.2 s in chunks of 1,000 against 6.7 s in chunks of 200). On SQLite a chunk holds the
# database's one write lock and every request that writes waits for it: it stays short there.
CHUNK = 1000
SQLITE_CHUNK = 200
MAX_PROBLEMS = 50

# resource -> the ActionsMixin view that knows its model, machine and actions
REGISTRY: dict[str, object] = {}


def register(view) -> None:
    REGISTRY[view.resource] = view


def start_batch(view, action, ready, skipped, params: MultiDict, selection: str, actor) -> BatchRun:
    estate_ids = {r.estate_id for r in ready} | {r.estate_id for r, _ in skipped}
    batch = BatchRun(
        resource=view.resource,
        action=action.name,
        actor_id=actor.id,
        selection=selection,
        record_ids=[r.id for r in ready],
        params=_storable(params),
        total=len(ready) + len(skipped),
        skipped=len(skipped),
        processed=len(skipped),
        problems={str(r): reason for r, reason in skipped[:MAX_PROBLEMS]},
        estates=db.session.query(Estate).filter(Estate.id.in_(estate_ids)).all(),
    )
    db.session.add(batch)
    db.session.commit()
    if len(ready) <= INLINE_LIMIT:
        execute(batch.id)
    else:
        submit(run_batch, batch.id)
    return batch


def newest_batch() -> int:
    """The batches' mark a confirmation page carries (see `started_since`)."""
    return db.session.scalar(select(func.max(BatchRun.id))) or 0


def started_since(resource: str, action: str, selection: str, actor, seen: int | None):
    """The same batch (step, records or filter) this person started since the confirmation
    page was shown (`seen`: `newest_batch` then): a double click or a second tab, not a new
    batch. Two confirmations at once take turns on the person's row (PostgreSQL; SQLite has
    one writer), so the second finds the first."""
    if seen is None:
        return None
    db.session.execute(select(Staff.id).where(Staff.id == actor.id).with_for_update(key_share=True))
    return db.session.scalars(
        select(BatchRun)
        .where(
            BatchRun.id > seen,
            BatchRun.actor_id == actor.id,
            BatchRun.resource == resource,
            BatchRun.action == action,
            BatchRun.selection == selection,
        )
        .order_by(BatchRun.id)
        .limit(1)
    ).first()


def _storable(params: MultiDict) -> dict:
    return {
        key: params.getlist(key)
        for key in params
        if key not in ("csrf_token", "ids", "url", "seen")
    }


@job
def run_batch(batch_id: int) -> None:
    """The RQ job (or embedded thread) for a large batch. On SQLite each chunk takes the write
    lock at its start (admin_app/sqlite.py): requests wait for a chunk, never fail on it."""
    with sqlite.writer():
        execute(batch_id)


def execute(batch_id: int) -> None:
    """Run a batch, or what is left of it: the chunks committed before (by a job lost with
    Redis or with its worker) are not run again."""
    if not _claim(batch_id):
        return  # running, done or failed: a retried job never runs a batch twice
    batch = db.session.get(BatchRun, batch_id)
    view = REGISTRY[batch.resource]
    action = view.action_for(batch.action)
    actor = db.session.get(Staff, batch.actor_id)
    try:
        # Each chunk commits its records and the counts together: `processed` says how many
        # of the ready records are done (the skipped ones were counted at the confirmation).
        size = _chunk_size()
        for start in range(batch.processed - batch.skipped, len(batch.record_ids), size):
            _run_chunk(view, action, batch, actor, batch.record_ids[start : start + size])
        batch.status = BatchStatus.done
    except Exception:
        db.session.rollback()
        batch = db.session.get(BatchRun, batch_id)
        batch.status = BatchStatus.failed
        raise
    finally:
        if batch.status in (BatchStatus.done, BatchStatus.failed):  # not when the worker dies
            batch.finished_at = clock.now()
            # Whom the committed chunks handed records to hears of them once (a failed
            # batch's too: those records are handed over).
            handoffs.announce_gathered(batch)
            db.session.commit()


def _chunk_size() -> int:
    if db.session.get_bind().dialect.name == "sqlite":
        return min(CHUNK, SQLITE_CHUNK)
    return CHUNK


def _claim(batch_id: int) -> bool:
    """Take a queued batch (one conditional UPDATE: two workers never both take it)."""
    claimed = db.session.execute(
        update(BatchRun)
        .where(BatchRun.id == batch_id, BatchRun.status == BatchStatus.queued)
        .values(status=BatchStatus.running, progress_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


@job
def resume_stalled_batches() -> int:
    """rq cron (cron.py): a batch queued or running but silent for BATCH_STALE_SECONDS
    lost its job (Redis restarted empty, the worker killed). It is queued again — its next
    job goes on after the chunks already committed. Returns how many."""
    cutoff = clock.now() - timedelta(seconds=current_app.config["BATCH_STALE_SECONDS"])
    stalled = (
        BatchRun.status.in_([BatchStatus.queued, BatchStatus.running]),
        func.coalesce(BatchRun.progress_at, BatchRun.created_at) < cutoff,
    )
    resumed = []
    for batch_id in db.session.scalars(select(BatchRun.id).where(*stalled)).all():
        requeued = db.session.execute(  # unless another sweep or a worker was quicker
            update(BatchRun)
            .where(BatchRun.id == batch_id, *stalled)
            .values(status=BatchStatus.queued, progress_at=clock.now())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if requeued:
            resumed.append(batch_id)
    for batch_id in resumed:
        submit(run_batch, batch_id)
    return len(resumed)


def _run_chunk(view, action, batch: BatchRun, actor, ids: list[int]) -> None:
    model = view.model
    # The actor's scope again: a record moved out of reach since the confirmation is skipped.
    # Locked (PostgreSQL) and read afresh: a single step on one of them waits, or is waited for.
    records = (
        scoped(db.session.query(model), model, actor)
        .filter(model.id.in_(ids))
        .with_for_update(of=model)
        .populate_existing()
        .all()
    )
    missing = len(ids) - len(records)
    form = (
        action.form(
            formdata=MultiDict([(k, v) for k, values in batch.params.items() for v in values]),
            meta={"csrf": False},
        )
        if action.form
        else None
    )
    if action.prepare is not None and form is not None:
        action.prepare(form, records)
    if form is not None and not form.validate():
        raise ValueError(f"batch {batch.id}: stored parameters no longer valid: {form.errors}")
    to_tell = copy.deepcopy(batch.to_tell or {})  # a new value: the change is written
    with history.action(action.name, actor=actor, batch_id=batch.id), handoffs.gathered(to_tell):
        done, failed = perform_batch(action, records, actor, form)
        db.session.flush()
    problems = dict(batch.problems or {})
    for record, reason in failed:
        if len(problems) < MAX_PROBLEMS:
            problems[str(record)] = reason
    batch.done += done
    batch.failed += len(failed) + missing
    batch.processed += len(ids)
    batch.problems = problems
    batch.to_tell = to_tell
    batch.progress_at = clock.now()
    db.session.commit()
