"""The daily retention run: rq cron enqueues it (cron.py); without Redis the web process's
reminder thread runs it once a day; `flask --app wsgi purge` runs it by hand."""

from __future__ import annotations

import time

from flask import current_app

from admin_app.extensions import db
from admin_app.jobs.queue import job
from admin_app.retention import anonymise, purge

DAY_SECONDS = 24 * 3600
ANONYMISED = "residents"  # the count of anonymised residents, beside the purged kinds
# Embedded mode: the first run waits this long after start-up (not during the first logins).
FIRST_RUN_DELAY_SECONDS = 600
_in_process: dict[str, float] = {}


def run(dry_run: bool = False) -> dict[str, int]:
    """Purge every kind past its age and anonymise the households due; the count per kind
    (what would go, with dry_run). Each batch is its own transaction."""
    batch_size = current_app.config["RETENTION_BATCH_SIZE"]
    counts = {}
    for kind in purge.KINDS:
        before = purge.cutoff(kind.setting)
        counts[kind.name] = 0 if before is None else kind.run(before, batch_size, dry_run)
    counts[ANONYMISED] = anonymise.anonymise(batch_size, dry_run)
    if dry_run:
        db.session.rollback()
    return counts


@job
def purge_expired() -> dict[str, int]:
    counts = run()
    current_app.logger.info("retention purge: %s", counts)
    return counts


def run_in_process_if_due(app) -> None:
    """Embedded mode: called after every in-process sweep; runs the purge once a day, the
    first time FIRST_RUN_DELAY_SECONDS after the process started sweeping."""
    now = time.monotonic()
    due = _in_process.setdefault("next", now + FIRST_RUN_DELAY_SECONDS)
    if now < due:
        return
    _in_process["next"] = now + DAY_SECONDS
    with app.app_context():
        try:
            purge_expired()
        except Exception:  # the thread has no caller; tomorrow's run tries again
            app.logger.exception("retention purge failed")
