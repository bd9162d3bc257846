"""Failed background jobs (RQ's FailedJobRegistry), for administrators: read, retry, remove.

A view of our own rather than rq-dashboard, so that it sits behind the panel's login, role
check and CSRF like every other page. A Redis that does not answer is reported on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from admin_app import clock
from admin_app import redis as app_redis
from admin_app.auth.permissions import may
from admin_app.jobs import reminders
from admin_app.jobs.queue import DEFAULT_QUEUE, queue
from admin_app.panel.access import SecurePage

SHOWN = 100  # the newest failures per queue


def office_time(moment: datetime | None) -> datetime | None:
    """rq keeps UTC; the office reads its own clock."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(clock.office_zone()).replace(tzinfo=None)


def queue_names() -> tuple[str, ...]:
    return (reminders.QUEUE, DEFAULT_QUEUE)


def failed_jobs(queue_name: str) -> list[dict]:
    registry = FailedJobRegistry(queue=queue(queue_name))
    ids = registry.get_job_ids(0, SHOWN - 1, desc=True)
    found = []
    for job in Job.fetch_many(ids, connection=registry.connection):
        if job is None:
            continue
        result = job.latest_result()
        traceback = (result.exc_string if result else None) or job.exc_info or ""
        lines = [line for line in traceback.strip().splitlines() if line.strip()]
        found.append(
            {
                "id": job.id,
                "queue": queue_name,
                "description": job.description,
                "enqueued_at": office_time(job.enqueued_at),
                "ended_at": office_time(job.ended_at),
                "error": lines[-1] if lines else "",
                "traceback": traceback,
            }
        )
    return found


class FailedJobsView(SecurePage):
    resource = "failed_job"

    @expose("/")
    def index(self):
        jobs, problem = [], None
        if not app_redis.configured():
            problem = gettext("No Redis is configured: background work runs inside the panel.")
        else:
            try:
                for name in queue_names():
                    jobs += failed_jobs(name)
            except RedisError:
                problem = gettext("Redis does not answer; failed jobs cannot be listed now.")
        return self.render(
            "admin/wuye/failed_jobs.html",
            jobs=jobs,
            problem=problem,
            may_requeue=may(current_user, "failed_job.requeue"),
            may_delete=may(current_user, "failed_job.delete"),
        )

    @expose("/requeue", methods=("POST",))
    def requeue(self):
        return self._act("failed_job.requeue", gettext("The job was queued again."))

    @expose("/delete", methods=("POST",))
    def delete(self):
        return self._act("failed_job.delete", gettext("The job was removed."))

    def _act(self, action: str, done: str):
        if not may(current_user, action):
            abort(403)
        queue_name, job_id = request.form.get("queue", ""), request.form.get("job_id", "")
        if queue_name not in queue_names() or not job_id or not app_redis.configured():
            abort(400)
        try:
            registry = FailedJobRegistry(queue=queue(queue_name))
            if job_id not in registry:
                raise NoSuchJobError(job_id)
            if action == "failed_job.requeue":
                registry.requeue(job_id)
            else:
                registry.remove(job_id, delete_job=True)
            flash(done, "success")
        except NoSuchJobError:
            flash(gettext("This job is no longer in the failed list."), "error")
        except RedisError:
            flash(gettext("Redis does not answer; nothing was changed."), "error")
        return redirect(url_for(".index"))
