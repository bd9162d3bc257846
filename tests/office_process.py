"""One process of a deployment — `web PORT`, `worker` or `scheduler` — on an office clock the
test moves: the file CLOCK holds the office time, and a thread of this process travels to
each time written there (time-machine, ticking in between). For tests/test_many_processes.py:

    python -m tests.office_process CLOCK web 5001 | worker | scheduler

Workers are rq SimpleWorkers (no fork: a forked work horse would keep a stopped clock);
batches go to a worker from 3 records on, 2 records a chunk (as in the batch fault tests)."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime

import time_machine


def follow_clock(path: str) -> None:
    def read() -> str:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()

    seen = read()
    coordinates = time_machine.travel(datetime.fromisoformat(seen), tick=True).start()

    def loop() -> None:
        nonlocal seen
        while True:
            time.sleep(0.02)
            try:
                now = read()
            except OSError:
                continue
            if now and now != seen:
                seen = now
                coordinates.move_to(datetime.fromisoformat(now))

    threading.Thread(target=loop, daemon=True, name="office-clock").start()


def main() -> None:
    clock_file, kind = sys.argv[1], sys.argv[2]
    follow_clock(clock_file)
    from admin_app import create_app
    from admin_app import redis as app_redis
    from admin_app.panel.actions import batches

    batches.INLINE_LIMIT, batches.CHUNK = 2, 2
    app = create_app()
    if kind == "web":
        app.run(host="127.0.0.1", port=int(sys.argv[3]), threaded=True, use_reloader=False)
        return
    with app.app_context():
        connection = app_redis.connection()
        if kind == "worker":
            from rq import SimpleWorker

            SimpleWorker(["reminders", "default"], connection=connection).work(with_scheduler=True)
        else:
            from rq.cron import CronScheduler

            # rq's cron sleeps up to a minute of real time; the office's minutes pass faster.
            longest = CronScheduler.calculate_sleep_interval
            CronScheduler.calculate_sleep_interval = lambda self: min(longest(self), 0.1)
            cron = CronScheduler(connection=connection)
            cron.load_config_from_file("admin_app.cron")
            cron.start()


if __name__ == "__main__":
    main()
