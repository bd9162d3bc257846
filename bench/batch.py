"""A supervisor's filter-wide batch over 10,000 work orders: confirmation page, confirm, run.

    python -m bench.batch [--database bench_wuye] [--orders 10000]

Setup (repeatable): the regional supervisor's estates get a plumber who works in all of them,
and the newest --orders work orders there are put back to "new" plumbing jobs (then work_order
and audit_record are vacuumed, so no round pays for the dead rows of the one before). Then, through
the real WSGI app as that supervisor: the confirmation page of "dispatch" over the filter
status=new & trade=plumbing (counts, sample, skips), the confirming POST (records the batch and
queues it on Redis db 5), and the batch itself as the worker runs it — each order through the
same service verb as a single dispatch, with its history and the technician told. Interleaved
with each round, the floor: the same orders reset and changed by one set-based UPDATE plus one
INSERT … SELECT of their history rows. Target: ≤ 1.5× the floor.
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
    # Every round resets and rewrites the same orders: without a VACUUM their dead rows pile
    # up between autovacuum runs and each round (ours and the floor alike) pays for the
    # last one's (the floor drifted from 2.4 to 4.0 s over six rounds).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) work_order, audit_record")
    return plumber.id, ids


def floor_run(ids: list[int], plumber: int, actor: int, appointment) -> float:
    """What PostgreSQL itself needs for the same change: one set-based UPDATE of the orders and
    one INSERT … SELECT of their history rows, in one transaction. Seconds."""
    from sqlalchemy import text

    from admin_app import clock
    from admin_app.extensions import db

    now = clock.now()
    started = time.perf_counter()
    params = {"ids": ids, "tech": plumber, "actor": actor, "at": appointment, "now": now}
    db.session.execute(
        text(
            "UPDATE work_order SET status = 'dispatched', technician_id = :tech,"
            " appointment_at = :at, dispatched_at = :now, dispatched_by_id = :actor"
            " WHERE id = ANY(:ids)"
        ),
        params,
    )
    db.session.execute(
        text(
            "INSERT INTO audit_record (at, actor_id, action, entity_type, entity_id, estate_id,"
            " changes) SELECT :now, :actor, 'dispatch', 'work_order', id, estate_id,"
            " json_build_object('status', json_build_array('new', 'dispatched'),"
            " 'technician_id', json_build_array(NULL, :tech),"
            " 'appointment_at', json_build_array(NULL, CAST(:at AS text)))"
            " FROM work_order WHERE id = ANY(:ids)"
        ),
        params,
    )
    db.session.commit()
    return time.perf_counter() - started


def ours_run(app, client, plumber: int, ids: list[int], appointment) -> dict:
    """The confirmation page, the confirming POST and the batch as the worker runs it."""
    from admin_app.extensions import db
    from admin_app.models import AuditRecord, BatchRun, Notification, WorkOrder, WorkOrderStatus
    from admin_app.panel.actions import batches

    def inbox() -> int:
        return db.session.query(Notification).filter(Notification.staff_id == plumber).count()

    url = f"/admin/work_order/act/dispatch/?{FILTER}"
    started = time.perf_counter()
    page = client.get(url)
    confirm_ms = (time.perf_counter() - started) * 1000
    assert page.status_code == 200, page.status_code
    started = time.perf_counter()
    later = appointment.strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data={"technician": plumber, "appointment_at": later})
    queue_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        batch_id = db.session.query(db.func.max(BatchRun.id)).scalar()
        inbox_before = inbox()
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
        return {
            "plumber_told": inbox() - inbox_before,  # inbox entries the batch gave him
            "orders": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "dispatched_of_prepared": dispatched,
            "history_rows": history,
            "confirmation_page_ms": confirm_ms,
            "confirm_post_ms": queue_ms,
            "run_s": run_s,
        }


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_wuye")
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="ours and the floor, interleaved")
    args = parser.parse_args()
    use_database(args.database)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")

    from admin_app import clock, create_app
    from admin_app import redis as app_redis
    from admin_app.extensions import db
    from admin_app.models import Staff
    from seed.large import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "regional", "password": DEMO_PASSWORD})
    rows = []
    for round_number in range(1, args.rounds + 1):
        # A different appointment each round: the hand-offs are new events, not repeats.
        appointment = clock.now() + timedelta(hours=4, minutes=round_number)
        with app.app_context():
            plumber, ids = prepare(args.orders)
            app_redis.connection().flushdb()  # db 5 is the bench's own
        ours = ours_run(app, client, plumber, ids, appointment)
        assert ours["dispatched_of_prepared"] == len(ids), ours
        rows.append({"round": round_number, "side": "ours", "load": _load(), **ours})
        with app.app_context():
            plumber, ids = prepare(args.orders)
            regional = db.session.query(Staff.id).filter_by(username="regional").scalar()
            floor_s = floor_run(ids, plumber, regional, appointment)
        rows.append({"round": round_number, "side": "floor", "load": _load(), "run_s": floor_s})
        print(
            f"round {round_number}: ours {ours['run_s']:.2f} s ({ours['done']:,} orders, "
            f"{ours['history_rows']:,} history rows, {ours.get('plumber_told', 0):,} inbox "
            f"entries for the plumber), floor {floor_s:.2f} s, "
            f"ratio {ours['run_s'] / floor_s:.1f}x, load {_load()}",
            flush=True,
        )
    ours_s = sorted(r["run_s"] for r in rows if r["side"] == "ours")
    floor_s = sorted(r["run_s"] for r in rows if r["side"] == "floor")
    result = {
        "orders": args.orders,
        "rounds": rows,
        "ours_median_s": ours_s[len(ours_s) // 2],
        "floor_median_s": floor_s[len(floor_s) // 2],
    }
    result["ratio"] = result["ours_median_s"] / result["floor_median_s"]
    print(
        f"median: ours {result['ours_median_s']:.2f} s, floor {result['floor_median_s']:.2f} s, "
        f"{result['ratio']:.1f}x the floor (target 1.5x)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "batch.json").write_text(json.dumps(result, indent=1, default=str))
    (RESULTS / "batch.md").write_text(
        "| batch | orders | round | ours s | floor s | ratio | load |\n"
        "|---|---:|---:|---:|---:|---:|---|\n"
        + "".join(
            f"| dispatch, filter-wide | {args.orders:,} | {o['round']} | {o['run_s']:.2f} | "
            f"{f['run_s']:.2f} | {o['run_s'] / f['run_s']:.1f}x | {o['load']} |\n"
            for o, f in zip(rows[::2], rows[1::2], strict=True)
        )
    )


if __name__ == "__main__":
    main()
