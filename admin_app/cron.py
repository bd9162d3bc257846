"""rq cron configuration: the reminder sweep every REMINDER_SWEEP_SECONDS, pass expiry hourly,
lost batches handed out again every 5 minutes, the retention purge daily, the monthly reception
report on the 1st.

`flask --app wsgi scheduler` loads it (and keeps going through Redis outages); plain
`rq cron admin_app.cron` works too. An interval rather than a cron string: rq reads cron
strings in the scheduler's own zone, while every due time here is already office time in the
database, so the sweep only has to run often.
"""

from __future__ import annotations

import os

from rq import cron

from admin_app.jobs.monthly_report import send_monthly_reports
from admin_app.jobs.queue import DEFAULT_QUEUE
from admin_app.jobs.reminders import QUEUE, sweep_reminders
from admin_app.panel.actions.batches import resume_stalled_batches
from admin_app.passes.jobs import expire_lapsed_passes
from admin_app.retention.jobs import DAY_SECONDS, purge_expired

SWEEP_SECONDS = int(os.environ.get("REMINDER_SWEEP_SECONDS", "60"))

cron.register(
    sweep_reminders,
    QUEUE,
    interval=SWEEP_SECONDS,
    job_timeout=SWEEP_SECONDS * 5,
    result_ttl=SWEEP_SECONDS * 10,
    failure_ttl=7 * 24 * 3600,
)

# Approved passes past their last day become "expired" (idempotent; hourly keeps lists true
# within the hour after midnight without depending on the scheduler's time zone).
cron.register(expire_lapsed_passes, DEFAULT_QUEUE, interval=3600, job_timeout=600)

# A batch whose job was lost (Redis restarted empty, worker killed) and silent for
# BATCH_STALE_SECONDS is taken up again where it stopped (panel/actions/batches.py).
cron.register(resume_stalled_batches, DEFAULT_QUEUE, interval=300, job_timeout=600)

# Trail records past their age are forgotten and long-gone households anonymised
# (admin_app/retention/; RETENTION_* settings). Batches of RETENTION_BATCH_SIZE rows.
cron.register(purge_expired, DEFAULT_QUEUE, interval=DAY_SECONDS, job_timeout=3 * 3600)

# The reception register's report for the month before, to each estate's director and
# supervisors (jobs/monthly_report.py): 01:00 UTC on the 1st, the office's morning in Asia.
cron.register(send_monthly_reports, DEFAULT_QUEUE, cron="0 1 1 * *", job_timeout=1800)

# Home-visit bookings 30 minutes past their time with nothing recorded are abandoned
# (002 篇3 第十一條; home_visits/operations.py): every two minutes keeps it near the half hour.
from admin_app.home_visits.jobs import abandon_overdue_bookings  # noqa: E402

cron.register(abandon_overdue_bookings, DEFAULT_QUEUE, interval=120, job_timeout=600)
