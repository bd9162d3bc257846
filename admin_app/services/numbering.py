"""Readable numbers per estate, kind and month: HY-WO2611-0007.

A model opts in with `__number_prefix__`; any new object of it that reaches a flush without a
number gets the next one, whichever path created it (form, service, import, seed).
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin_app import clock
from admin_app.extensions import listen_once
from admin_app.models.estate import Estate
from admin_app.models.numbering import NumberSequence

PREFIXES = {
    "ticket": "T",
    "work_order": "WO",
    "worker_pass": "WP",
    "vehicle_pass": "VP",
    "release_pass": "RP",
    "renovation": "RN",
    "renovation_permit": "PM",  # not a table: the permit number given with the permit
    "receipt": "SK",  # not a table: the receipt (收款) number given when a fee is paid
    "cash_hand_in": "JK",  # the hand-in sheet (交款单)
    "home_visit_booking": "SM",  # the home-visit booking (上门服务登记表)
    "parcel": "DS",  # a parcel signed for on a resident's behalf (代收)
}


def _estate_code(session: Session, estate_id: int) -> str:
    cache = session.info.setdefault("estate_codes", {})
    if estate_id not in cache:
        cache[estate_id] = (
            session.connection()
            .execute(select(Estate.code).where(Estate.id == estate_id))
            .scalar_one()
        )
    return cache[estate_id]


def next_value(session: Session, estate_id: int, kind: str, period: str, count: int = 1) -> int:
    """Reserve `count` numbers and return the last one; concurrent callers never get the same."""
    table = NumberSequence.__table__
    conn = session.connection()
    bump = (
        update(table)
        .where(table.c.estate_id == estate_id, table.c.kind == kind, table.c.period == period)
        .values(last=table.c.last + count)
        .returning(table.c.last)
    )
    value = conn.execute(bump).scalar()
    if value is not None:
        return value
    try:
        with conn.begin_nested():
            conn.execute(
                insert(table).values(estate_id=estate_id, kind=kind, period=period, last=count)
            )
        return count
    except IntegrityError:
        # Another transaction created this month's counter first: take the next from it.
        return conn.execute(bump).scalar_one()


def format_number(code: str, kind: str, period: str, value: int) -> str:
    return f"{code}-{PREFIXES[kind]}{period}-{value:04d}"


def number_for(session: Session, estate_id: int, kind: str, at=None) -> str:
    """The next number of the month it is registered in (`at`: a record registered back
    then, as the demo's history is; now by default)."""
    period = (at or clock.now()).strftime("%y%m")
    value = next_value(session, estate_id, kind, period)
    return format_number(_estate_code(session, estate_id), kind, period, value)


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in list(session.new):
        kind = getattr(type(obj), "__tablename__", None)
        if kind not in PREFIXES or getattr(obj, "number", None):
            continue
        estate_id = obj.estate_id or (obj.estate.id if obj.estate is not None else None)
        if estate_id:
            obj.number = number_for(session, estate_id, kind)


def install() -> None:
    listen_once(Session, "before_flush", _before_flush)
