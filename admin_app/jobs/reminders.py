"""Reminder jobs: the periodic sweep and the delivery of one reminder (ids only).

With Redis, rq's cron (`flask --app wsgi scheduler`, config in cron.py) enqueues
`sweep_reminders` every REMINDER_SWEEP_SECONDS; the sweep claims what is due and enqueues one
`deliver_reminder` per reminder — at its due time through the worker's scheduler when it falls
inside the next interval (`enqueue_at` works in UTC: clock.to_utc). Without Redis the same
sweep runs in a thread of the web process and delivers in place (`start_in_process`).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry

from admin_app import clock, sqlite
from admin_app import redis as app_redis
from admin_app.extensions import db
from admin_app.jobs.queue import job, queue
from admin_app.models import DeliveryStatus
from admin_app.services.reminders import delivery, sweep

QUEUE = "reminders"
CHUNK = 500  # reminders claimed per transaction
MAX_BATCHES = 20  # a backlog after an outage drains over several cycles, each bounded
# Waits before RQ runs a failed delivery again (e-mail or SMS server down); with the first
# try that makes delivery.MAX_ATTEMPTS.
RETRY_INTERVALS = [60, 300]
JOB_TIMEOUT = 300


class DeliveryRetry(Exception):
    """An e-mail or text could not be sent yet: RQ runs the job again later."""


@job
def deliver_reminder(reminder_id: int) -> bool:
    """Deliver one reminder exactly once: inbox first (one transaction), then each e-mail and
    text (claimed and committed before sending, recorded after)."""
    published = delivery.publish(reminder_id)
    db.session.commit()
    again = False
    for delivery_id in delivery.waiting_outbound(reminder_id):
        if not delivery.claim_outbound(delivery_id):
            continue  # another job has it
        db.session.commit()
        outcome = delivery.send_outbound(delivery_id)
        db.session.commit()
        again |= outcome is DeliveryStatus.pending
    if again:
        raise DeliveryRetry(f"reminder {reminder_id}: e-mail or SMS to be retried")
    return published


@job
def sweep_reminders() -> int:
    """One sweep cycle on RQ: claim what is due and enqueue its deliveries. If Redis fails
    half-way the claim is rolled back and the next cycle finds the same reminders."""
    return sweep_once(inline=False)


def sweep_once(inline: bool) -> int:
    """Claim and hand out due reminders, chunk by chunk; returns how many were handed out."""
    handed = 0
    lookahead = 0 if inline else current_app.config["REMINDER_SWEEP_SECONDS"]
    for _ in range(MAX_BATCHES):
        now = clock.now()
        chunk = sweep.claim(now, now + timedelta(seconds=lookahead), CHUNK)
        if inline:
            db.session.commit()  # the deliveries below run in their own sessions
            for reminder_id in chunk.reminder_ids:
                _deliver_here(reminder_id)
        else:
            try:
                enqueue_deliveries(chunk, now)
            except RedisError:
                db.session.rollback()
                raise
            db.session.commit()
        handed += len(chunk.reminder_ids)
        if len(chunk) < CHUNK:
            break
    return handed


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
                    pipeline=pipe,
                    **options,
                )
            else:
                q.enqueue(
                    deliver_reminder, reminder_id, description=description, pipeline=pipe, **options
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
    while True:
        run_in_process_cycle(app)
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
