"""Receipt numbers under concurrent closes: every paid close gets its own number and, once
the dust settles, an estate's numbers run 1..n without a gap — also when some closes fail
after taking a number. On PostgreSQL the closes run in threads released at the same instant
(each holding its number a while, so that they truly contend); SQLite, which takes one writer
at a time, runs them one after another."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from flask_babel import force_locale

from admin_app import clock
from admin_app.extensions import db
from admin_app.models import Payment, WorkOrder, WorkOrderStatus
from admin_app.services import numbering

from .support import close, done_order, office

CLOSES = 12
FAILING = {3, 7, 10}  # these closes fail after taking their number (the request dies)


def test_receipt_numbers_stay_unique_and_gapless_under_concurrent_closes(
    app, factories, in_app, monkeypatch
):
    w = office(factories)
    orders = [done_order(factories, w.a, w.tech) for _ in range(CLOSES)]
    other_estate = done_order(factories, w.b, w.tech_b)
    with in_app():
        concurrent = db.engine.dialect.name == "postgresql"

    taken = numbering.next_value

    def slow_next_value(*args, **kwargs):
        value = taken(*args, **kwargs)
        time.sleep(0.05 if concurrent else 0)  # hold the number while the others arrive
        return value

    monkeypatch.setattr(numbering, "next_value", slow_next_value)

    def close_one(index: int, order_id: int, actor_id: int):
        with app.app_context(), force_locale("en"):
            start.wait(timeout=30)
            number = close(order_id, actor_id, "10", method="cash").number
            if index in FAILING:
                db.session.rollback()
                return None
            db.session.commit()
            return number

    jobs = [(i, o.id, w.tech.id) for i, o in enumerate(orders)]
    jobs.append((-1, other_estate.id, w.tech_b.id))
    start = threading.Barrier(len(jobs) if concurrent else 1)
    if concurrent:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = [pool.submit(close_one, *job) for job in jobs]
            numbers = [f.result(timeout=60) for f in futures]
    else:
        numbers = [close_one(*job) for job in jobs]

    kept = [n for n in numbers[:-1] if n is not None]
    period = clock.now().strftime("%y%m")
    expected = {f"{w.a.code}-SK{period}-{n:04d}" for n in range(1, CLOSES - len(FAILING) + 1)}
    assert len(kept) == len(set(kept)) == CLOSES - len(FAILING)
    assert set(kept) == expected
    assert numbers[-1] == f"{w.b.code}-SK{period}-0001"
    with in_app():
        stored = {p.number for p in db.session.query(Payment).filter_by(estate_id=w.a.id)}
        assert stored == expected
        closed = db.session.query(WorkOrder).filter_by(status=WorkOrderStatus.closed).count()
        assert closed == CLOSES - len(FAILING) + 1
