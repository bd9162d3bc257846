"""The monthly counts kept with the records equal a recount, whatever happened to the records.

The recount is the statistics' own SQL grouping over the records (complaints.py,
work_orders.py), which the counts kept in Python do not share; the migration's fill is a third
way to the same numbers.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from admin_app.extensions import db
from admin_app.models import (
    Channel,
    ComplaintCode,
    Satisfaction,
    Severity,
    Ticket,
    TicketCategory,
    TicketStatus,
    Trade,
    Validity,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.models.statistics_rollup import ROLLUPS
from admin_app.services.statistics import (
    complaints,
    kept_counts,
    reception,
    rollups,
    work_orders,
)
from admin_app.services.statistics.periods import months_spanning, parse_period

YEAR = parse_period("2026")
MONTHS = months_spanning([YEAR])
START = datetime(2026, 1, 1)

moments = st.one_of(
    st.none(),
    st.integers(min_value=-20, max_value=400).map(lambda d: START + timedelta(days=d, hours=9)),
)
ticket_fields = st.fixed_dictionaries(
    {},
    optional={
        "category": st.sampled_from(
            [TicketCategory.complaint, TicketCategory.repair, TicketCategory.inquiry]
        ),
        "channel": st.sampled_from(Channel),
        "received_at": moments.filter(lambda m: m is not None),
        "complaint_code": st.none() | st.sampled_from(ComplaintCode),
        "validity": st.none() | st.sampled_from(Validity),
        "severity": st.none() | st.sampled_from(Severity),
        "status": st.sampled_from(TicketStatus),
        "revisited_at": moments,
        "reported_back_at": moments,
        "complaint_due_at": moments,
        "complaint_round": st.integers(min_value=1, max_value=3),
        "callback_due_at": moments,
        "resident_informed_at": moments,
        "resolved_at": moments,
        "after_the_fact": st.booleans(),
    },
)
ratings = st.none() | st.integers(min_value=1, max_value=5)
order_fields = st.fixed_dictionaries(
    {},
    optional={
        "created_at": moments.filter(lambda m: m is not None),
        "trade": st.sampled_from(Trade),
        "status": st.sampled_from(WorkOrderStatus),
        "is_emergency": st.booleans(),
        "technician": st.booleans(),
        "closed_at": moments,
        "revisited_at": moments,
        "satisfaction": st.none() | st.sampled_from(Satisfaction),
        "rating_timeliness": ratings,
        "rating_quality": ratings,
        "rating_fee": ratings,
        "rating_attitude": ratings,
    },
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("new ticket"), ticket_fields),
        st.tuples(st.just("change ticket"), st.integers(0, 50), ticket_fields),
        st.tuples(st.just("delete ticket"), st.integers(0, 50)),
        st.tuples(st.just("new order"), order_fields),
        st.tuples(st.just("change order"), st.integers(0, 50), order_fields),
        st.tuples(st.just("delete order"), st.integers(0, 50)),
        st.tuples(st.just("move order"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=25,
)


def _order_values(fields: dict, technician_id: int) -> dict:
    values = dict(fields)
    if "technician" in values:
        values["technician_id"] = technician_id if values.pop("technician") else None
    return values


def _run(step, estates, technician_id):
    """One step, in its own transaction, through the ORM as the panel writes."""
    kind, *args = step
    model = Ticket if "ticket" in kind else WorkOrder
    records = db.session.scalars(
        select(model).where(model.estate_id.in_(estates)).order_by(model.id)
    ).all()
    if kind == "new ticket":
        fields = {"category": TicketCategory.complaint, "received_at": START, **args[0]}
        db.session.add(Ticket(estate_id=estates[0], description="漏水", **fields))
    elif kind == "new order":
        db.session.add(
            WorkOrder(
                estate_id=estates[0], description="灯", **_order_values(args[0], technician_id)
            )
        )
    elif records and kind.startswith("change"):
        record = records[args[0] % len(records)]
        values = args[1] if model is Ticket else _order_values(args[1], technician_id)
        for name, value in values.items():
            setattr(record, name, value)
    elif records and kind.startswith("delete"):
        db.session.delete(records[args[0] % len(records)])
    elif records and kind == "move order":
        record = records[args[0] % len(records)]
        record.estate_id = estates[1] if record.estate_id == estates[0] else estates[0]
    db.session.commit()


def _kept_and_recounted(estates):
    """(kept, recounted) for each statistics pass, as comparable multisets."""
    pairs = [
        (kept_counts.complaint_groups, complaints.complaint_groups),
        (kept_counts.revisit_groups, work_orders.revisit_groups),
        (reception.kept_groups, reception.recounted_groups),
    ]
    found = [
        (Counter(kept(estates, MONTHS)), Counter(fresh(estates, MONTHS))) for kept, fresh in pairs
    ]
    found.append(
        (kept_counts.closed_counts(estates, MONTHS), work_orders.closed_counts(estates, MONTHS))
    )
    found.append((kept_counts.by_trade(estates, YEAR), work_orders.by_trade(estates, YEAR)))
    return found


def _fix(group):
    # The recount sums ratings with SQL (NULL when none was given); the kept counts add zeros.
    return replace(group, rating_sums=tuple(int(s or 0) for s in group.rating_sums))


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_kept_counts_equal_a_recount_after_any_changes(factories, in_app, steps):
    # New estates for every example: the fixtures are shared between examples.
    a, b = factories.estate(), factories.estate()
    technician = factories.staff("technician", estates=[a, b])
    estates = [a.id, b.id]
    with in_app():
        for step in steps:
            _run(step, estates, technician.id)
        found = _kept_and_recounted(estates)
        (kc, fc), (kr, fr), (kreception, freception), (kclosed, fclosed), (ktrade, ftrade) = found
        assert kc == fc
        assert kreception == freception
        assert Counter({_fix(g): n for g, n in kr.items()}) == Counter(
            {_fix(g): n for g, n in fr.items()}
        )
        assert kclosed == fclosed
        assert ktrade == ftrade
        for estate in estates:  # and each estate on its own
            assert Counter(kept_counts.complaint_groups([estate], MONTHS)) == Counter(
                complaints.complaint_groups([estate], MONTHS)
            )
            assert Counter(reception.kept_groups([estate], MONTHS)) == Counter(
                reception.recounted_groups([estate], MONTHS)
            )


# A contact's every kind, state and channel, and the times its figures compare.
reception_fields = st.fixed_dictionaries(
    {
        "category": st.sampled_from(TicketCategory),
        "status": st.sampled_from(TicketStatus),
        "channel": st.sampled_from(Channel),
    },
    optional={
        "received_at": moments.filter(lambda m: m is not None),
        "callback_due_at": moments,
        "resident_informed_at": moments,
        "resolved_at": moments,
        "occurred_at": moments,
        "after_the_fact": st.booleans(),
    },
)
reception_steps = st.lists(
    st.one_of(
        st.tuples(st.just("new ticket"), reception_fields),
        st.tuples(st.just("change ticket"), st.integers(0, 50), reception_fields),
        st.tuples(st.just("delete ticket"), st.integers(0, 50)),
    ),
    min_size=3,
    max_size=15,
)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=reception_steps)
def test_the_reception_counts_equal_a_recount_after_any_changes_to_tickets(
    factories, in_app, steps
):
    a, b = factories.estate(), factories.estate()
    estates = [a.id, b.id]
    with in_app():
        for step in steps:
            _run(step, estates, None)
        assert Counter(reception.kept_groups(estates, MONTHS)) == Counter(
            reception.recounted_groups(estates, MONTHS)
        )
        # ... and so do the figures, the medians of the times to a result among them
        for estates_asked in (estates, estates[1:]):
            assert reception.report(estates_asked, YEAR) == reception.report(
                estates_asked, YEAR, recount=True
            )


def _rows(estates) -> dict:
    """Every kept row of the estates but those whose counts are all zero (a record that came
    and went leaves one: harmless, and a recount never writes it)."""
    found = {}
    for table in ROLLUPS:
        columns = [c for c in table.c if c.name != "id"]
        measures = sum(1 for c in columns if c.server_default is not None)
        rows = db.session.execute(select(*columns).where(table.c.estate_id.in_(estates))).all()
        found[table.name] = sorted(tuple(r) for r in rows if any(r[-measures:]))
    return found


def _migration(name: str):
    path = Path(__file__).parents[2] / "admin_app" / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_fill_and_a_rebuild_equal_the_kept_counts(factories, in_app, app):
    w = factories.two_estates()
    tech = factories.staff("technician", estates=[w.a])
    march = datetime(2026, 3, 9, 10)
    factories.ticket(
        w.a,
        category=TicketCategory.complaint,
        received_at=march,
        status=TicketStatus.closed,
        severity=Severity.serious,
        validity=Validity.valid,
        complaint_code=ComplaintCode.fees,
        complaint_due_at=march + timedelta(days=2),
        reported_back_at=march + timedelta(days=1),
        complaint_round=2,
    )
    factories.ticket(w.b, category=TicketCategory.complaint, received_at=march)
    factories.ticket(
        w.a,
        category=TicketCategory.inquiry,
        channel=Channel.visit,
        received_at=march,
        callback_due_at=march + timedelta(hours=4),
        resolved_at=march + timedelta(hours=3, seconds=59, microseconds=300),
        occurred_at=march - timedelta(hours=2, microseconds=700),
        status=TicketStatus.resolved,
        after_the_fact=True,
    )
    factories.ticket(  # a result entered before the time received: no time at all
        w.b,
        category=TicketCategory.help,
        received_at=march,
        resolved_at=march - timedelta(minutes=5),
        status=TicketStatus.closed,
    )
    factories.ticket(w.b, category=TicketCategory.inquiry, status=TicketStatus.closed)
    factories.ticket(w.b, category=TicketCategory.repair, status=TicketStatus.cancelled)
    factories.work_order(
        w.a,
        technician_id=tech.id,
        status=WorkOrderStatus.revisited,
        created_at=march,
        closed_at=march + timedelta(days=1),
        revisited_at=march + timedelta(days=40),
        satisfaction=Satisfaction.basically,
        rating_quality=4,
        is_emergency=True,
    )
    factories.work_order(w.b, created_at=march, trade=Trade.electrical)
    estates = [w.a.id, w.b.id]
    with in_app():
        kept = _rows(estates)
        assert kept["complaint_month"] and kept["revisit_month"] and kept["trade_month"]
        assert len(kept["reception_month"]) == 5  # the cancelled ticket is no contact
        assert [r[2:] for r in kept["result_time_month"]] == [(6, 300, 1), (0, 0, 1)]
        assert [r[2:] for r in kept["result_span_month"]] == [(6, 1), (0, 1)]

        rollups.rebuild()
        assert _rows(estates) == kept

        connection = db.session.connection()
        for table in ROLLUPS:
            connection.execute(delete(table))
        with Operations.context(MigrationContext.configure(connection)):
            _migration("0022_rollups")._fill()
            _migration("0038_receptionrollup")._fill()
        assert _rows(estates) == kept
        db.session.rollback()


def test_rows_loaded_behind_the_panels_back_count_after_statistics_rebuild(factories, in_app, app):
    w = factories.two_estates()
    march = datetime(2026, 3, 9, 10)
    with in_app():
        # A bulk load (COPY, an SQL fix) writes rows without the panel's after-flush counting.
        db.session.execute(
            Ticket.__table__.insert().values(
                estate_id=w.a.id,
                category=TicketCategory.complaint,
                status=TicketStatus.open,
                number="T-LOADED-1",
                description="漏水",
                received_at=march,
                created_at=march,
            )
        )
        db.session.commit()
        assert sum(g.count for g in kept_counts.complaint_groups([w.a.id], MONTHS)) == 0

    result = app.test_cli_runner().invoke(args=["statistics", "rebuild"])
    assert result.exit_code == 0, result.output

    with in_app():
        kept = Counter(kept_counts.complaint_groups([w.a.id], MONTHS))
        assert kept == Counter(complaints.complaint_groups([w.a.id], MONTHS))
        assert sum(g.count for g in kept) == 1
