"""The monthly counts kept up to date in the same transaction as the records they count.

Every flush that creates, changes or deletes a ticket or a work order takes the record's old
contribution to the counts away and adds its new one (after_flush, in the flush's own
transaction), as increments: two transactions touching the same month add up instead of
overwriting each other. Statements that change records without the ORM (set-based batches)
call `apply` with the records' values before and after.

`rebuild` counts everything afresh from the records (the migration's first fill, and
`flask statistics rebuild` after hand-made SQL); the tests check that the kept counts equal it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import delete, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from admin_app.extensions import db, listen_once
from admin_app.models import (
    Satisfaction,
    Ticket,
    TicketCategory,
    TicketStatus,
    WorkOrder,
    WorkOrderStatus,
)
from admin_app.models.statistics_rollup import (
    RATINGS,
    ROLLUPS,
    closed_month,
    complaint_month,
    reception_month,
    result_span_month,
    result_time_month,
    revisit_month,
    trade_month,
)
from admin_app.services import bulk

TICKET_COLUMNS = (
    "estate_id",
    "category",
    "received_at",
    "complaint_code",
    "validity",
    "severity",
    "status",
    "revisited_at",
    "reported_back_at",
    "complaint_due_at",
    "complaint_round",
    "channel",
    "callback_due_at",
    "resident_informed_at",
    "resolved_at",
    "after_the_fact",
    "occurred_at",
)
WORK_ORDER_COLUMNS = (
    "estate_id",
    "created_at",
    "trade",
    "status",
    "is_emergency",
    "technician_id",
    "closed_at",
    "revisited_at",
    "satisfaction",
    *(f"rating_{r}" for r in RATINGS),
)
HANDLED = (TicketStatus.resolved, TicketStatus.closed)
FINISHED = (WorkOrderStatus.closed, WorkOrderStatus.revisited)
SATISFIED = (Satisfaction.satisfied, Satisfaction.basically)


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def _value(member) -> str:
    return member.value if member is not None else ""


def ticket_counts(v: Mapping) -> list[tuple]:
    """(table, dimensions, measures) a ticket with these values adds to the counts."""
    return _complaint_counts(v) + _reception_counts(v) + _result_time_counts(v)


def result_minutes(start: datetime, result: datetime) -> int:
    """The time to a result in whole minutes (whole seconds apart, never below zero), counted
    down to two figures in hours: a tenth of an hour below ten hours, an hour below a hundred,
    ten hours above. The statistics show no finer, and so an estate's month holds a few hundred
    such values at most, however many tickets it had."""
    seconds = (result.replace(microsecond=0) - start.replace(microsecond=0)).total_seconds()
    minutes = max(int(seconds), 0) // 60
    step = 6 if minutes < 600 else 60 if minutes < 6000 else 600
    return minutes // step * step


def result_span(minutes: int) -> int:
    """Which span of times the minutes fall in: 0 below 6 minutes, then each span twice as
    long as the one before (6–12, 12–24, 24–48 … minutes)."""
    return (minutes // 6).bit_length()


def _result_time_counts(v: Mapping) -> list[tuple]:
    """A ticket with a result, by its time to the result: from the real time of the event for
    one recorded after the fact, else from receipt."""
    if v["status"] not in HANDLED or v["resolved_at"] is None or v["received_at"] is None:
        return []
    after = v["after_the_fact"] is True and v["occurred_at"] is not None
    start = v["occurred_at"] if after else v["received_at"]
    minutes = result_minutes(start, v["resolved_at"])
    dims = {"estate_id": v["estate_id"], "month": month_of(v["received_at"])}
    dims["span"] = result_span(minutes)
    return [
        (result_time_month, dims | {"minutes": minutes}, {"tickets": 1}),
        (result_span_month, dims, {"tickets": 1}),
    ]


def _reception_counts(v: Mapping) -> list[tuple]:
    """The register's contact, as reception.py's recount groups it."""
    if v["status"] is TicketStatus.cancelled or v["received_at"] is None:
        return []
    inquiry = v["category"] is TicketCategory.inquiry
    due = v["callback_due_at"]
    answered_at = v["resident_informed_at"] or v["resolved_at"]
    dims = {
        "estate_id": v["estate_id"],
        "month": month_of(v["received_at"]),
        "category": _value(v["category"]),
        "channel": _value(v["channel"]),
        "at_once": inquiry and due is None and v["status"] in HANDLED,
        "callback": inquiry and due is not None,
        "kept": inquiry and due is not None and answered_at is not None and answered_at <= due,
        "after_the_fact": v["after_the_fact"] is True,
    }
    return [(reception_month, dims, {"contacts": 1})]


def _complaint_counts(v: Mapping) -> list[tuple]:
    if v["category"] is not TicketCategory.complaint or v["received_at"] is None:
        return []
    reported = v["reported_back_at"] is not None
    due = v["complaint_due_at"]
    dims = {
        "estate_id": v["estate_id"],
        "month": month_of(v["received_at"]),
        "code": _value(v["complaint_code"]),
        "validity": _value(v["validity"]),
        "severity": _value(v["severity"]),
        "handled": v["status"] in HANDLED,
        "revisited": v["revisited_at"] is not None,
        "reported": reported,
        "on_time": reported and due is not None and v["reported_back_at"] <= due,
        "reopened": (v["complaint_round"] or 0) > 1,
    }
    return [(complaint_month, dims, {"complaints": 1})]


def work_order_counts(v: Mapping) -> list[tuple]:
    """(table, dimensions, measures) a work order with these values adds to the counts."""
    found = []
    estate = v["estate_id"]
    if v["revisited_at"] is not None:
        ratings = [v[f"rating_{r}"] for r in RATINGS]
        measures = {"revisits": 1}
        for name, given in zip(RATINGS, ratings, strict=True):
            measures[f"{name}_sum"] = given or 0
            measures[f"{name}_given"] = int(given is not None)
        measures["satisfied"] = int(v["satisfaction"] in SATISFIED)
        measures["unsatisfied"] = int(v["satisfaction"] is Satisfaction.unsatisfied)
        dims = {
            "estate_id": estate,
            "month": month_of(v["revisited_at"]),
            "technician_id": v["technician_id"] or 0,
        }
        found.append((revisit_month, dims, measures))
    if v["closed_at"] is not None:
        dims = {"estate_id": estate, "month": month_of(v["closed_at"])}
        found.append(
            (closed_month, dims, {"closed": 1, "revisited": int(v["revisited_at"] is not None)})
        )
    if v["created_at"] is not None:
        dims = {
            "estate_id": estate,
            "month": month_of(v["created_at"]),
            "trade": _value(v["trade"]),
        }
        measures = {
            "orders": 1,
            "finished": int(v["status"] in FINISHED),
            "emergencies": int(bool(v["is_emergency"])),
        }
        found.append((trade_month, dims, measures))
    return found


COUNTERS = {
    Ticket: (TICKET_COLUMNS, ticket_counts),
    WorkOrder: (WORK_ORDER_COLUMNS, work_order_counts),
}


class Changes:
    """Increments to the counts, summed per row, applied in one statement per row."""

    def __init__(self):
        self.rows: dict = defaultdict(lambda: defaultdict(int))

    def add(self, contributions: Iterable[tuple], sign: int) -> None:
        for table, dims, measures in contributions:
            found = self.rows[(table.name, tuple(sorted(dims.items())))]
            for name, amount in measures.items():
                found[name] += sign * amount

    def apply(self, connection) -> None:
        """One executemany per table (pipelined on PostgreSQL), its rows in a fixed order: two
        transactions never wait for each other's rows crosswise."""
        tables = {t.name: t for t in ROLLUPS}
        by_table = defaultdict(list)
        for (name, dims), measures in sorted(self.rows.items(), key=lambda i: repr(i[0])):
            if any(measures.values()):
                by_table[name].append((dict(dims), measures))
        for name in sorted(by_table):
            _increment(connection, tables[name], by_table[name])


def _increment(connection, table, rows: list[tuple[dict, dict]]) -> None:
    dimensions = list(rows[0][0])
    measures = sorted({name for _, found in rows for name in found})
    statement = bulk.conflict_insert(connection, table)
    statement = statement.on_conflict_do_update(
        index_elements=dimensions,
        set_={name: table.c[name] + statement.excluded[name] for name in measures},
    )
    params = [dims | {name: found.get(name, 0) for name in measures} for dims, found in rows]
    connection.execute(statement, params)


def apply(model, before: Iterable[Mapping], after: Iterable[Mapping]) -> None:
    """For writes made without the ORM: the changed records' values before and after (a
    mapping per record; none before for a new record, none after for a deleted one)."""
    counts = COUNTERS[model][1]
    changes = Changes()
    for values in before:
        changes.add(counts(values), -1)
    for values in after:
        changes.add(counts(values), +1)
    changes.apply(db.session.connection())


def _values(obj, columns, old: bool) -> dict:
    """The record's counted values, as loaded (old) or as about to be written. Read from the
    instance state (the committed values of changed attributes), not attribute by attribute:
    a batch chunk asks this of hundreds of records in one flush."""
    state = inspect(obj)
    current, committed = state.dict, state.committed_state if old else {}
    found = {}
    for name in columns:
        value = committed[name] if name in committed else current.get(name)
        found[name] = None if value is NO_VALUE else value
    return found


def _changed(obj, columns) -> bool:
    """Whether a counted column changed: the changed attributes are those with a committed
    value kept beside the new one (active history loads it)."""
    committed = inspect(obj).committed_state
    return any(committed[name] != getattr(obj, name) for name in columns if name in committed)


def add_updates(changes: Changes, objects: Iterable) -> None:
    """What changed records (about to be written) move in the counts: their old contribution
    away, their new one added. The flush and a batch chunk's set-based write both use it."""
    for obj in objects:
        if type(obj) in COUNTERS and _changed(obj, COUNTERS[type(obj)][0]):
            columns, counts = COUNTERS[type(obj)]
            changes.add(counts(_values(obj, columns, old=True)), -1)
            changes.add(counts(_values(obj, columns, old=False)), +1)


def _after_flush(session: Session, flush_context) -> None:
    changes = Changes()
    for obj in session.new:
        if type(obj) in COUNTERS:
            columns, counts = COUNTERS[type(obj)]
            changes.add(counts(_values(obj, columns, old=False)), +1)
    add_updates(changes, session.dirty)
    for model, values in session.info.pop("rollup_deleted", ()):
        changes.add(COUNTERS[model][1](values), -1)
    if changes.rows:
        changes.apply(session.connection())


def _keep_old_value(target, value, oldvalue, initiator) -> None:
    """Nothing to do: listening with active history is what loads the old value."""


def _before_flush(session: Session, flush_context, instances) -> None:
    # A record about to be deleted: its values while its row is still there to load them.
    session.info["rollup_deleted"] = [
        (type(obj), _values(obj, COUNTERS[type(obj)][0], old=True))
        for obj in session.deleted
        if type(obj) in COUNTERS
    ]


def install() -> None:
    # Active history: a change to a column not yet loaded loads the old value first, so the
    # old contribution is known.
    for model, (columns, _) in COUNTERS.items():
        for name in columns:
            attribute = getattr(model, name)
            if not event.contains(attribute, "set", _keep_old_value):
                event.listen(attribute, "set", _keep_old_value, active_history=True)
    listen_once(Session, "before_flush", _before_flush)
    listen_once(Session, "after_flush", _after_flush)


def rebuild(batch_size: int = 2000) -> None:
    """Count everything again from the records (in the caller's transaction)."""
    connection = db.session.connection()
    for table in ROLLUPS:
        connection.execute(delete(table))
    for model, (columns, counts) in COUNTERS.items():
        changes = Changes()
        selected = [getattr(model, c) for c in columns]
        rows = db.session.execute(db.select(*selected).execution_options(yield_per=batch_size))
        for row in rows:
            changes.add(counts(dict(zip(columns, row, strict=True))), +1)
        changes.apply(connection)
