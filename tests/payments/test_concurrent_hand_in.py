"""Two hand-in sheets written at the same moment for one collector (his phone and the desk):
each payment lands on one sheet only, the other is told there is nothing left. On PostgreSQL
the two run in threads released together; on SQLite one after the other."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from flask_babel import force_locale

from admin_app.extensions import db
from admin_app.models import CashHandIn, Payment, Staff
from admin_app.payments import operations as payments
from admin_app.services.errors import ServiceError

from .support import collect, office


def test_a_payment_is_never_on_two_sheets(app, factories, in_app):
    w = office(factories)
    for fee in ("10", "20", "30.50"):
        collect(factories, in_app, w.a, w.tech, fee, "cash")
    with in_app():
        concurrent = db.engine.dialect.name == "postgresql"
    start = threading.Barrier(2 if concurrent else 1)

    def write_sheet(writer_id: int):
        with app.app_context(), force_locale("en"):
            start.wait(timeout=30)
            writer = db.session.get(Staff, writer_id)
            collector = db.session.get(Staff, w.tech.id)
            try:
                sheet = payments.hand_in(writer, collector=collector, estate_id=w.a.id)
            except ServiceError as refused:
                db.session.rollback()
                return str(refused)
            db.session.commit()
            return sheet.total

    writers = (w.tech.id, w.reception.id)
    if concurrent:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = [f.result(timeout=60) for f in [pool.submit(write_sheet, i) for i in writers]]
    else:
        results = [write_sheet(i) for i in writers]

    assert sorted(results, key=str) == sorted(
        [Decimal("60.50"), "张师傅 holds nothing to hand in."], key=str
    )
    with in_app():
        sheet = db.session.query(CashHandIn).one()
        on_it = db.session.query(Payment).filter_by(hand_in_id=sheet.id).count()
        assert on_it == db.session.query(Payment).count() == 3
