"""Monthly counts per estate that the statistics page sums instead of counting the records.

Kept in the same transaction as the tickets and work orders they count (see
services/statistics/rollups.py). A dimension that may be empty is stored as '' or 0, never
NULL, so that one row stands for each combination (a unique key ignores NULLs).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, String, Table, UniqueConstraint

from admin_app.extensions import db


def _rollup(name: str, dimensions: list[Column], measures: list[str]) -> Table:
    return Table(
        name,
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("estate_id", Integer, nullable=False),
        Column("month", Date, nullable=False),
        *dimensions,
        *(Column(m, Integer, nullable=False, server_default="0") for m in measures),
        UniqueConstraint(
            "estate_id", "month", *(c.name for c in dimensions), name=f"uq_{name}_key"
        ),
    )


# Complaints by the month they were received, alike in everything the statistics tell apart.
complaint_month = _rollup(
    "complaint_month",
    [
        Column("code", String(32), nullable=False),
        Column("validity", String(32), nullable=False),
        Column("severity", String(32), nullable=False),
        Column("handled", Boolean, nullable=False),
        Column("revisited", Boolean, nullable=False),
        Column("reported", Boolean, nullable=False),
        Column("on_time", Boolean, nullable=False),
        Column("reopened", Boolean, nullable=False),
    ],
    ["complaints"],
)

RATINGS = ("timeliness", "quality", "fee", "attitude")

# Work-order revisits by the month of the revisit and the technician (0: none).
revisit_month = _rollup(
    "revisit_month",
    [Column("technician_id", Integer, nullable=False)],
    [
        "revisits",
        *(f"{r}_sum" for r in RATINGS),
        *(f"{r}_given" for r in RATINGS),
        "satisfied",
        "unsatisfied",
    ],
)

# Work orders by the month they were closed.
closed_month = _rollup("closed_month", [], ["closed", "revisited"])

# Work orders by the month they were created and their trade.
trade_month = _rollup(
    "trade_month",
    [Column("trade", String(32), nullable=False)],
    ["orders", "finished", "emergencies"],
)

# The reception register's contacts by the month they were received (cancelled ones aside),
# alike in everything its statistics tell apart (services/statistics/reception.py).
reception_month = _rollup(
    "reception_month",
    [
        Column("category", String(32), nullable=False),
        Column("channel", String(32), nullable=False),
        Column("at_once", Boolean, nullable=False),
        Column("callback", Boolean, nullable=False),
        Column("kept", Boolean, nullable=False),
        Column("after_the_fact", Boolean, nullable=False),
    ],
    ["contacts"],
)

# Tickets with a result by the month they were received and the minutes it took, counted down
# to the precision the statistics show (rollups.result_minutes): the medians' distribution.
# The span (rollups.result_span) is a function of the minutes, kept beside them so that one
# span's times are one range of the key.
result_time_month = _rollup(
    "result_time_month",
    [Column("span", Integer, nullable=False), Column("minutes", Integer, nullable=False)],
    ["tickets"],
)

# The same tickets by span alone (a few rows per estate and month): where a median lies is
# found here, and only its span's times are read.
result_span_month = _rollup(
    "result_span_month", [Column("span", Integer, nullable=False)], ["tickets"]
)

ROLLUPS = (
    complaint_month,
    revisit_month,
    closed_month,
    trade_month,
    reception_month,
    result_time_month,
    result_span_month,
)
