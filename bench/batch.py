"""A supervisor's filter-wide batch over 10,000 work orders: confirmation page, confirm, run.

    python -m bench.batch [--database bench_wuye] [--orders 10000]

Setup (repeatable): the regional supervisor's estates get a plumber who works in all of them,
and the newest --orders work orders there are put back to "new" plumbing jobs. Then, through
the real WSGI app as that supervisor: the confirmation page of "dispatch" over the filter
status=new & trade=plumbing (counts, sample, skips), the confirming POST (records the batch and
queues it on Redis db 5), and the batch itself as the worker runs it — each order through the
same service verb as a single dispatch, with its history. Target: ≤ 2 s for 10k orders.
Writes bench/results/batch.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import timedelta
from pathlib import Path

from .generate import use_database

RESULTS = Path(__file__).parent / "results"
FILTER = "scope=filter&flt0_status_equals=new&flt1_trade_equals=plumbing"


def prepare(orders: int) -> tuple[int, list[int]]:
    """The plumber (created once) and the orders made dispatchable again."""
    from admin_app.extensions import db
    from admin_app.models import Role, Staff, Trade, WorkOrder, WorkOrderStatus
    from admin_app.services import accounts

    regional = db.session.query(Staff).filter_by(username="regional").one()
    estates = list(regional.estates)
    plumber = db.session.query(Staff).filter_by(username="bench_plumber").one_or_none()
    if plumber is None:
        plumber = accounts.create_staff(
            username="bench_plumber",
            password="bench-plumber-1",
            name="压测水工",
            role=Role.technician,
            trades=[Trade.plumbing],
            estates=estates,
        )
    ids = [
        row[0]
        for row in db.session.query(WorkOrder.id)
        .filter(WorkOrder.estate_id.in_([e.id for e in estates]))
        .order_by(WorkOrder.id.desc())
        .limit(orders)
    ]
    db.session.query(WorkOrder).filter(WorkOrder.id.in_(ids)).update(
        {
            WorkOrder.status: WorkOrderStatus.new,
            WorkOrder.trade: Trade.plumbing,
            WorkOrder.technician_id: None,
            WorkOrder.appointment_at: None,
            WorkOrder.arrive_by: None,
            WorkOrder.dispatched_at: None,
        },
        synchronize_session=False,
    )
    db.session.commit()
    return plumber.id, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--orders", type=int, default=10_000)
    args = parser.parse_args()
    use_database(args.database)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")

    from admin_app import clock, create_app
    from admin_app import redis as app_redis
    from admin_app.extensions import db
    from admin_app.models import AuditRecord, BatchRun, WorkOrder, WorkOrderStatus
    from admin_app.panel.actions import batches
    from seed.large import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        plumber, ids = prepare(args.orders)
        app_redis.connection().flushdb()  # db 5 is the bench's own
    client = app.test_client()
    client.post("/login", data={"username": "regional", "password": DEMO_PASSWORD})
    url = f"/admin/work_order/act/dispatch/?{FILTER}"

    started = time.perf_counter()
    page = client.get(url)
    confirm_ms = (time.perf_counter() - started) * 1000
    assert page.status_code == 200, page.status_code

    later = (clock.now() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    started = time.perf_counter()
    response = client.post(url, data={"technician": plumber, "appointment_at": later})
    queue_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    with app.app_context():
        batch_id = db.session.query(db.func.max(BatchRun.id)).scalar()
        started = time.perf_counter()
        batches.execute(batch_id)  # what the RQ worker runs
        run_s = time.perf_counter() - started
        batch = db.session.get(BatchRun, batch_id)
        dispatched = (
            db.session.query(WorkOrder)
            .filter(WorkOrder.id.in_(ids), WorkOrder.status == WorkOrderStatus.dispatched)
            .count()
        )
        history = db.session.query(AuditRecord).filter(AuditRecord.batch_id == batch_id).count()
        result = {
            "orders": batch.total,
            "done": batch.done,
            "skipped": batch.skipped,
            "failed": batch.failed,
            "dispatched_of_prepared": dispatched,
            "history_rows": history,
            "confirmation_page_ms": confirm_ms,
            "confirm_post_ms": queue_ms,
            "run_s": run_s,
            "per_order_ms": run_s * 1000 / max(batch.done, 1),
        }
    for key, value in result.items():
        print(f"{key:<24} {value:,.1f}" if isinstance(value, float) else f"{key:<24} {value:,}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "batch.json").write_text(json.dumps(result, indent=1))
    (RESULTS / "batch.md").write_text(
        "| batch | orders | done | history rows | confirmation page ms | confirm POST ms "
        "| run s | per order ms |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| dispatch, filter-wide | {result['orders']:,} | {result['done']:,} | "
        f"{result['history_rows']:,} | {confirm_ms:.0f} | {queue_ms:.0f} | {run_s:.2f} | "
        f"{result['per_order_ms']:.2f} |\n"
    )


if __name__ == "__main__":
    main()
