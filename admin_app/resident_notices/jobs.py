"""The residents' texts in the background: `deliver_notices` right after the commit that wrote
them (an rq worker with Redis, a thread of this process without), and the reminder sweep's
share (`sweep`), which sends what is left and retries what failed."""

from __future__ import annotations

from flask import current_app
from redis.exceptions import RedisError

from admin_app import clock
from admin_app.extensions import db
from admin_app.jobs.queue import job, queue
from admin_app.resident_notices import sending

QUEUE = "reminders"  # the reminders' workers send them


@job
def deliver_notices(notice_ids: list[int]) -> int:
    """Send each text once; returns how many left. A failed one stays waiting for the sweep."""
    sent = 0
    for notice_id in notice_ids:
        try:
            outcome = sending.send_one(notice_id)
        except Exception:  # one text must not stop the others; the sweep tries again
            db.session.rollback()
            current_app.logger.exception("sending resident notice %s failed", notice_id)
            continue
        sent += outcome is not None and outcome.value == "sent"
    return sent


def sweep(inline: bool) -> int:
    """Hand out the texts waiting: sent here (embedded mode) or queued for the workers."""
    ids = sending.waiting(clock.now())
    db.session.commit()
    if not ids:
        return 0
    if inline:
        deliver_notices(ids)
    else:
        try:
            queue(QUEUE).enqueue(deliver_notices, ids, job_timeout=300)
        except RedisError:  # still waiting in the outbox: the next sweep tries again
            current_app.logger.warning("Redis unreachable: residents' texts wait")
            return 0
    return len(ids)
