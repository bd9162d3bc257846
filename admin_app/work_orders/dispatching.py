"""Who should get a work order: the estate's technicians of the order's trade, ranked.

Ranked by open workload (fewest open orders first, then by name), or — where the estate has
round-robin on — in turn: the technicians of the trade in a fixed ring, starting after the one
who received the estate's last order of that trade (DispatchTurn). The dispatch screen shows
the ranking with the best first; auto-dispatch (operations.auto_dispatch) takes the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from admin_app.extensions import db
from admin_app.models import (
    DispatchTurn,
    Estate,
    Role,
    Staff,
    StaffTrade,
    Trade,
    WorkOrder,
    WorkOrderStatus,
    staff_estate,
)
from admin_app.services import bulk, workflow

S = WorkOrderStatus
TURN = DispatchTurn.__table__
# The orders a technician carries: dispatched to him and not yet done.
CARRIED = (S.dispatched, S.arrived, S.quoted, S.in_progress, S.next_visit)


@dataclass(frozen=True)
class Candidate:
    """One technician as the dispatch screen ranks him."""

    id: int
    name: str
    open_orders: int
    technician: Staff | None = None


def ranked(
    people: Sequence[Candidate], *, round_robin: bool = False, last: int | None = None
) -> list[Candidate]:
    """The candidates best first. Least busy: fewest open orders, then name, then id. In turn:
    the ring of ids, starting with the first id after `last` (the estate's previous order of
    the trade), wrapping round; a technician who left the ring moves the start on, not back."""
    if not round_robin:
        return sorted(people, key=lambda c: (c.open_orders, c.name, c.id))
    ring = sorted(people, key=lambda c: c.id)
    start = 0 if last is None else next((i for i, c in enumerate(ring) if c.id > last), 0)
    return ring[start:] + ring[:start]


def open_orders(technician_ids: Iterable[int]) -> dict[int, int]:
    ids = list(technician_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(WorkOrder.technician_id, func.count())
        .where(WorkOrder.technician_id.in_(ids), WorkOrder.status.in_(CARRIED))
        .group_by(WorkOrder.technician_id)
    ).all()
    return dict(rows)


def eligible(estate_id: int, trade: Trade) -> list[Staff]:
    """Active technicians working in the estate who do the trade."""
    members = select(staff_estate.c.staff_id).where(staff_estate.c.estate_id == estate_id)
    trades = select(StaffTrade.staff_id).where(StaffTrade.trade == trade)
    return (
        db.session.query(Staff)
        .filter(
            Staff.role == Role.technician,
            Staff.active.is_(True),
            or_(Staff.all_estates.is_(True), Staff.id.in_(members)),
            Staff.id.in_(trades),
        )
        .all()
    )


def last_turn(estate_id: int, trade: Trade) -> int | None:
    return db.session.scalar(
        select(DispatchTurn.technician_id).where(
            DispatchTurn.estate_id == estate_id, DispatchTurn.trade == trade
        )
    )


def ranking(order: WorkOrder, *, leave_out: Iterable[int] = ()) -> list[Candidate]:
    """The order's candidates, best first (`leave_out`: e.g. the technician passing it on)."""
    estate = order.estate or db.session.get(Estate, order.estate_id)
    skip = set(leave_out)
    people = [t for t in eligible(order.estate_id, order.trade) if t.id not in skip]
    load = open_orders(t.id for t in people)
    candidates = [Candidate(t.id, t.name, load.get(t.id, 0), t) for t in people]
    round_robin = bool(estate.dispatch_round_robin)
    last = last_turn(order.estate_id, order.trade) if round_robin else None
    return ranked(candidates, round_robin=round_robin, last=last)


def took_turn(order: WorkOrder, technician: Staff) -> None:
    """Remember who received the estate's latest order of the trade (the round-robin's
    place), kept whether or not round-robin is on, so turning it on starts in the right
    place. A batch chunk moves each place on once, by all its orders (workflow.chunk_state)."""
    trade = Trade(order.trade)
    turn = {"estate_id": order.estate_id, "trade": trade, "technician_id": technician.id}
    state = workflow.chunk_state(("dispatch_turn", order.estate_id, trade), _move_turns)
    if state is None:
        _move_turns([{**turn, "turns": 1}])
    else:
        state.update(turn, turns=state.get("turns", 0) + 1)


def _move_turns(turns: list[dict]) -> None:
    """One statement, no read, for any number of estates and trades: the first dispatch of a
    trade in an estate, made twice at once, inserts one row; each dispatch moves it on
    atomically."""
    conn = db.session.connection()
    statement = bulk.conflict_insert(conn, TURN)
    statement = statement.on_conflict_do_update(
        index_elements=["estate_id", "trade"],
        set_={
            "technician_id": statement.excluded.technician_id,
            "turns": TURN.c.turns + statement.excluded.turns,
        },
    )
    # In a fixed order: two chunks moving the same places never wait for each other crosswise.
    rows = sorted(turns, key=lambda t: (t["estate_id"], t["trade"].value))
    conn.execute(statement, rows)
