"""Reminder jobs: the periodic sweep and the delivery of one reminder (ids only).

With Redis, rq's cron (`flask --app wsgi scheduler`, config in cron.py) enqueues
`sweep_reminders` every REMINDER_SWEEP_SECONDS; the sweep claims what is due and enqueues one
`deliver_reminder` per reminder — at its due time through the worker's scheduler when it falls
inside the next interval (`enqueue_at` works in UTC: clock.to_utc). Without Redis the same
sweep runs in a thread of the web process and delivers in place (`start_in_process`).

Each sweep first asks Redis about what earlier sweeps handed out (`rescue_lost_jobs`): a job
lost with Redis, or stuck on a killed worker or with no scheduler alive, is handed out again
at once, so a reminder is at most two intervals late whatever happened to Redis or a worker.
"""

from __future__ import annotations

import functools
import threading
import time
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from rq.job import Job, JobStatus
from sqlalchemy.exc import DBAPIError

from admin_app import clock, sqlite
from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs.queue import job, queue
from admin_app.models import DeliveryStatus
from admin_app.resident_notices import jobs as resident_notice_jobs
from admin_app.services.disconnects import is_disconnect, retrying_disconnect
from admin_app.services.reminders import delivery, sweep

QUEUE = "reminders"
CHUNK = 500  # reminders claimed per transaction
MAX_BATCHES = 20  # a backlog after an outage drains over several cycles, each bounded
# Waits before RQ runs a failed delivery again (e-mail or SMS server down); with the first
# try that makes delivery.MAX_ATTEMPTS.
RETRY_INTERVALS = [60, 300]
JOB_TIMEOUT = 300
# rq's scheduler releases a job within a second or two of its time, and a job publishes within
# a second of starting: a job this late is stuck (no scheduler alive, its worker killed).
STUCK_AFTER = timedelta(seconds=30)
SCHEDULED = JobStatus.SCHEDULED


class DeliveryRetry(Exception):
    """An e-mail or text could not be sent yet: RQ runs the job again later."""


@job
def deliver_reminder(reminder_id: int) -> bool:
    """Deliver one reminder exactly once: inbox first (one transaction), then each e-mail and
    text (claimed and committed before sending, recorded after). A connection dropped by the
    database is survived once here, without waiting for RQ's retry."""

    def publish() -> bool:
        published = delivery.publish(reminder_id)
        db.session.commit()
        return published

    published = retrying_disconnect(publish)
    again = False
    for delivery_id in retrying_disconnect(lambda: delivery.waiting_outbound(reminder_id)):
        outcome = _send_one(delivery_id)
        again |= outcome is DeliveryStatus.pending
    if again:
        raise DeliveryRetry(f"reminder {reminder_id}: e-mail or SMS to be retried")
    return published


def _send_one(delivery_id: int) -> DeliveryStatus | None:
    """Read, claim, send, record. Until the message is handed to the server a dropped
    connection only costs a second try (the claim is given back: the message never left);
    after it, the outcome is known and written on a fresh connection."""
    for last_try in (False, True):
        token = None
        try:
            message = delivery.prepare_outbound(delivery_id)
            token = message and delivery.claim_outbound(delivery_id)
            if not token:
                db.session.rollback()
                return None  # done, or another job has it
            db.session.commit()
            break
        except DBAPIError as exc:
            db.session.rollback()
            if last_try or not is_disconnect(exc):
                raise
            if token:  # the claim's commit may have landed before the connection went
                retrying_disconnect(functools.partial(_give_back, delivery_id, token))
    outcome, error = delivery.send_prepared(message)

    def record() -> None:
        delivery.record_outbound(delivery_id, token, outcome, error)
        db.session.commit()

    retrying_disconnect(record)
    return outcome


def _give_back(delivery_id: int, token: str) -> None:
    delivery.release_outbound(delivery_id, token)
    db.session.commit()


@job
def sweep_reminders() -> int:
    """One sweep cycle on RQ: claim what is due and enqueue its deliveries. If Redis fails
    half-way the claim is rolled back and the next cycle finds the same reminders."""
    return sweep_once(inline=False)


def sweep_once(inline: bool) -> int:
    """Claim and hand out due reminders, chunk by chunk; returns how many were handed out.
    A chunk whose connection the database dropped is claimed once more on a fresh one (its
    claim was rolled back; a job already on the queue for it finds it delivered or not)."""
    handed = 0
    lookahead = 0 if inline else current_app.config["REMINDER_SWEEP_SECONDS"]
    if not inline:
        handed += retrying_disconnect(lambda: rescue_lost_jobs(clock.now()))
    for _ in range(MAX_BATCHES):
        chunk = retrying_disconnect(lambda: _hand_out_chunk(inline, lookahead))
        if inline:
            for reminder_id in chunk.reminder_ids:
                _deliver_here(reminder_id)
        handed += len(chunk.reminder_ids)
        if len(chunk) < CHUNK:
            break
    # Residents' texts (resident_notices/): what the prompt job left, and the retries.
    handed += retrying_disconnect(lambda: resident_notice_jobs.sweep(inline))
    return handed


def _hand_out_chunk(inline: bool, lookahead: int) -> sweep.Chunk:
    now = clock.now()
    chunk = sweep.claim(now, now + timedelta(seconds=lookahead), CHUNK)
    if not inline:
        try:
            enqueue_deliveries(chunk, now)
        except RedisError:
            db.session.rollback()
            raise
    db.session.commit()  # inline: the deliveries run in their own sessions after this
    return chunk


def job_id(reminder_id: int, queued_at) -> str:
    """One hand-out's job id, known from the database row alone (the row keeps when it was
    queued), so that a later sweep can ask Redis about it; a new hand-out, a new id."""
    return f"reminder-{reminder_id}-{queued_at:%Y%m%d%H%M%S}"


def rescue_lost_jobs(now) -> int:
    """Hand out again, at once, what was handed to Redis and is not coming: its job is gone
    (Redis restarted empty) or ended without delivering, sits scheduled well past its time
    (no scheduler alive to release it), or started long ago and never delivered (its worker
    was killed). A job still waiting on the queue is left to the workers."""
    interval = timedelta(seconds=current_app.config["REMINDER_SWEEP_SECONDS"])
    handed = sweep.handed_out(now, now + interval, CHUNK)
    if not handed:
        db.session.rollback()  # a read transaction left open would make SQLite refuse the claim
        return 0
    q = queue(QUEUE)
    jobs = Job.fetch_many([job_id(rid, at) for rid, _, at in handed], connection=q.connection)
    lost = [
        (row, found)
        for row, found in zip(handed, jobs, strict=True)
        if _lost(found, row[1], now, interval)
    ]
    again = set(sweep.claim_again([(rid, at) for (rid, _, at), _ in lost], now))
    if not again:
        db.session.rollback()
        return 0
    chunk = sweep.Chunk(due=[(rid, due) for (rid, due, _), _ in lost if rid in again])
    try:
        enqueue_deliveries(chunk, now)
        for (rid, _, _), found in lost:  # a scheduler coming back must not release it too
            if rid in again and found is not None and found.get_status(refresh=False) == SCHEDULED:
                found.delete()
    except RedisError:
        db.session.rollback()
        raise
    db.session.commit()
    current_app.logger.warning("reminders handed out again (job lost or stuck): %s", sorted(again))
    return len(again)


def _lost(found: Job | None, due_at, now, interval: timedelta) -> bool:
    if found is None:
        return True  # Redis lost it
    status = found.get_status(refresh=False)
    if status in (SCHEDULED, JobStatus.STARTED):
        return due_at < now - min(STUCK_AFTER, interval)
    # Failed jobs (RQ's retries spent) wait for LOST_AFTER: a reminder that fails every time
    # is not to be retried every minute.
    return status in (JobStatus.FINISHED, JobStatus.STOPPED, JobStatus.CANCELED)


def _deliver_here(reminder_id: int) -> None:
    try:
        deliver_reminder(reminder_id)
    except DeliveryRetry as waiting:  # recorded on the delivery; a later sweep tries again
        current_app.logger.info("%s", waiting)
    except Exception:  # a failed reminder must not stop the others; the sweep retries it
        current_app.logger.exception("delivering reminder %s failed", reminder_id)


def enqueue_deliveries(chunk: sweep.Chunk, now) -> None:
    """One Redis round trip for the whole chunk: due now → the queue; due within the next
    interval → the worker's scheduler, at the due time (UTC for rq)."""
    if not chunk.reminder_ids:
        return
    q = queue(QUEUE)
    due_at = dict(chunk.due)
    # Claimed by this sweep, queued at `now`; the e-mails' retries (already sent) get any id.
    job_ids = {rid: job_id(rid, now) for rid in due_at}
    options = {
        "retry": Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        "job_timeout": JOB_TIMEOUT,
        "failure_ttl": 30 * 24 * 3600,
    }
    with q.connection.pipeline() as pipe:
        pipe.multi()  # one MULTI for both kinds (rq would start one half-way otherwise)
        for reminder_id in chunk.reminder_ids:
            description = f"reminder {reminder_id}"
            when = due_at.get(reminder_id)
            if when is not None and when > now:
                q.enqueue_at(
                    clock.to_utc(when),
                    deliver_reminder,
                    reminder_id,
                    description=description,
                    job_id=job_ids.get(reminder_id),
                    pipeline=pipe,
                    **options,
                )
            else:
                q.enqueue(
                    deliver_reminder,
                    reminder_id,
                    description=description,
                    job_id=job_ids.get(reminder_id),
                    pipeline=pipe,
                    **options,
                )
        pipe.execute()


# ---- embedded mode: the sweep in a thread of the web process -----------------------------
_started = threading.Event()


def start_in_process(app) -> None:
    """Start the sweeping thread once per process (the first request calls this, so that CLI
    commands such as `db upgrade` never start it)."""
    if _started.is_set():
        return
    _started.set()
    thread = threading.Thread(target=_sweep_forever, args=(app,), daemon=True)
    thread.name = "reminder-sweep"
    thread.start()


def _sweep_forever(app) -> None:
    from admin_app.home_visits.jobs import run_in_process as abandon_overdue_here
    from admin_app.retention.jobs import run_in_process_if_due

    while True:
        run_in_process_cycle(app)
        # The daily jobs of rq cron that matter without Redis: the retention purge.
        run_in_process_if_due(app)
        # Home-visit bookings past their half hour with no contact (002 篇3 第十一條).
        abandon_overdue_here(app)
        time.sleep(app.config["REMINDER_SWEEP_SECONDS"])


def run_in_process_cycle(app) -> int:
    # On SQLite each of the sweep's transactions takes the write lock at its start: short
    # ones (a claim, one reminder's inbox), so a request waits for it briefly, never fails.
    with app.app_context(), sqlite.writer():
        try:
            return sweep_once(inline=not app_redis.configured())
        except Exception:  # the thread has no caller; the next cycle tries again
            db.session.rollback()
            app.logger.exception("reminder sweep failed")
            return 0
        finally:
            db.session.remove()
