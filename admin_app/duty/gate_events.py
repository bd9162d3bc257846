"""What the gate recorded during a shift, for its duty log: large items let out, parcels signed
for and handed over, visitors let in, gate checks refused. The guard reads them beside the log
instead of writing them into it again.

Each kind is one query over the estate's shift window (duty.operations.shift_window: it stops
at an early hand-over), on an index that starts with the estate or the time, and returns at
most SHOWN rows with the kind's whole count (a window count, no second query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func

from admin_app.duty.operations import shift_window
from admin_app.extensions import db
from admin_app.models import DutyShift, GateCheck, GateResult, Parcel, ReleasePass, Visitor

# A long day shift at a big estate lets in hundreds of visitors: the phone lists the latest.
SHOWN = 30


@dataclass(frozen=True)
class Line:
    at: datetime
    text: str
    # The record's kind in the permission table; its page is `<kind>.details_view`.
    kind: str
    record_id: int


@dataclass
class Section:
    key: str
    title: object
    count: int = 0
    lines: list[Line] = field(default_factory=list)


def _in(moment, begin: datetime, end: datetime):
    return (moment >= begin) & (moment < end)


def _latest(query, moment, estate_column, estate_id: int, begin: datetime, end: datetime):
    """The window's rows, the latest SHOWN, oldest first; and how many there are in all."""
    rows = (
        query.add_columns(func.count().over().label("whole"))
        .filter(estate_column == estate_id, _in(moment, begin, end))
        .order_by(moment.desc())
        .limit(SHOWN)
        .all()
    )
    return list(reversed(rows)), (rows[0].whole if rows else 0)


def gate_events(shift: DutyShift) -> list[Section]:
    """The four kinds, in the order a guard's night goes: out, parcels, visitors, refusals."""
    begin, end = shift_window(shift)
    window = (shift.estate_id, begin, end)
    sections = []

    q = db.session.query(
        ReleasePass.id, ReleasePass.number, ReleasePass.applicant_name, ReleasePass.released_at
    )
    released, n = _latest(q, ReleasePass.released_at, ReleasePass.estate_id, *window)
    sections.append(
        Section(
            "released",
            _l("Large items let out"),
            n,
            [
                Line(r.released_at, f"{r.number or ''} · {r.applicant_name}", "release_pass", r.id)
                for r in released
            ],
        )
    )

    # Signed for or handed over in the shift: one line each, at whichever happened in it.
    parcels = _parcels(*window)
    sections.append(Section("parcels", _l("Parcels signed for or handed over"), *parcels))

    q = db.session.query(Visitor.id, Visitor.name, Visitor.in_at)
    visitors, n = _latest(q, Visitor.in_at, Visitor.estate_id, *window)
    sections.append(
        Section(
            "visitors",
            _l("Visitors let in"),
            n,
            [Line(v.in_at, v.name, "visitor", v.id) for v in visitors],
        )
    )

    q = db.session.query(
        GateCheck.id, GateCheck.checked_at, GateCheck.pass_number, GateCheck.scanned
    ).filter(GateCheck.result != GateResult.valid)
    refused, n = _latest(q, GateCheck.checked_at, GateCheck.estate_id, *window)
    sections.append(
        Section(
            "refused",
            _l("Gate checks refused"),
            n,
            [
                Line(c.checked_at, c.pass_number or c.scanned[:24], "gate_check", c.id)
                for c in refused
            ],
        )
    )
    return sections


def _parcels(estate_id: int, begin: datetime, end: datetime) -> tuple[int, list[Line]]:
    """Parcels signed for, or handed over, in the window, one query: each side of the OR has
    its index (received_at; estate and handed_over_at). A parcel both signed for and handed
    over in the shift is one line, at its hand-over."""
    handed = _in(Parcel.handed_over_at, begin, end)
    moment = case((handed, Parcel.handed_over_at), else_=Parcel.received_at)
    query = db.session.query(
        Parcel.id, Parcel.number, Parcel.recipient_name, Parcel.received_at, Parcel.handed_over_at
    ).filter(_in(Parcel.received_at, begin, end) | handed)
    rows, count = _latest(query, moment, Parcel.estate_id, estate_id, begin, end)
    lines = []
    for row in rows:
        number = row.number or ""
        if row.handed_over_at is not None and begin <= row.handed_over_at < end:
            text = gettext("%(number)s handed over", number=number)
            lines.append(Line(row.handed_over_at, text, "parcel", row.id))
        else:
            text = gettext(
                "%(number)s signed for (%(name)s)", number=number, name=row.recipient_name
            )
            lines.append(Line(row.received_at, text, "parcel", row.id))
    return count, lines
