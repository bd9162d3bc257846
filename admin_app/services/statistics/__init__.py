"""Monthly and quarterly statistics the offices are judged on [DOMAIN: Targets].

complaint handling rate = complaints with a result (resolved or closed) / complaints received
revisit rate            = handled complaints revisited / handled complaints
                          (work orders: closed orders revisited / orders closed)
satisfaction rate       = revisits judged satisfied or basically satisfied / revisits
reopened complaints     = complaints needing more than one round (an unsatisfied revisit),
                          per month of receipt
Deadlines: invalid 1 day, valid 3 days, serious 48 hours, counted from receipt to report-back.
All numbers are computed in the database (GROUP BY over indexed columns), per period and
for the estates asked, which are always within the user's own.

The reception register (inquiries, help requests, callbacks, channels) has its own figures in
reception.py, its tables in reception_sheets.py (the page's XLSX and the monthly e-mail).

The page (report) reads each table family once, grouped by month over the period and the four
quarters compared, and adds the months up: four passes in all, whatever the period.
"""

from __future__ import annotations

from admin_app.models import Trade
from admin_app.services.statistics import (
    cache,
    chases,
    complaints,
    kept_counts,
    reception,
    reception_sheets,
    work_orders,
)
from admin_app.services.statistics.at_once import all_at_once
from admin_app.services.statistics.periods import (
    Period,
    buckets_within,
    months_spanning,
    parse_period,
    quarters_up_to,
    rate,
)

__all__ = [
    "TARGETS",
    "Period",
    "chase_table",
    "complaint_summary",
    "deadline_table",
    "parse_period",
    "quarterly",
    "reception",
    "reception_sheets",
    "report",
    "revisit_table",
    "work_order_revisit_rate",
    "work_orders_by_trade",
]

TARGETS = {"complaint_handling": 1.0, "complaint_revisit": 1.0, "satisfaction": 0.95}


def report(estate_ids, period: Period, fresh: bool = False) -> dict:
    """Everything the statistics page shows; fresh: count again rather than use the figures
    kept from a few minutes ago (see cache)."""
    quarters = quarters_up_to(period)
    months = months_spanning([period, *quarters])
    found = _Months(estate_ids, months, fresh, trades_in=period)
    in_period = buckets_within(months, period)
    return {
        "as_of": found.as_of,
        "complaints": complaints.summary(found.complaints_in(in_period)),
        "revisits": work_orders.revisit_rows(found.revisits_in(in_period)),
        "order_revisits": work_orders.revisit_rate(found.closed, in_period),
        "by_trade": found.by_trade,
        "quarters": [found.quarter_row(q) for q in quarters],
        "rounds_by_month": [found.rounds_row(b) for b in sorted(in_period)],
        # Few rows, counted afresh (an indexed range of one small table): never stale.
        "chases": chases.chase_rows(estate_ids, period),
    }


class _Months:
    """The month-grouped passes, and sums of them over any whole-month period."""

    def __init__(self, estate_ids, months, fresh: bool = False, trades_in: Period | None = None):
        self.months = months
        key = ("months", sorted(estate_ids), months[0].start, months[-1].end, trades_in)
        rows, self.as_of = cache.remembered(
            key, lambda: _passes(estate_ids, months, trades_in), fresh
        )
        self.by_trade = [dict(r, trade=Trade(r["trade"])) for r in rows["by_trade"]]
        self.complaints = [complaints.from_row(r) for r in rows["complaints"]]
        self.revisits = [work_orders.revisit_from_row(r) for r in rows["revisits"]]
        self.closed = {int(b): tuple(v) for b, v in rows["closed"].items()}

    def complaints_in(self, buckets: set[int]) -> list:
        return [g for g in self.complaints if g.bucket in buckets]

    def revisits_in(self, buckets: set[int]) -> list:
        return [g for g in self.revisits if g.bucket in buckets]

    def rounds_row(self, bucket: int) -> dict:
        """One month: complaints received, and how many needed more than one round."""
        groups = self.complaints_in({bucket})
        return {
            "month": f"{self.months[bucket].start:%Y-%m}",
            "complaints": sum(g.count for g in groups),
            "reopened": sum(g.count for g in groups if g.reopened),
        }

    def quarter_row(self, quarter: Period) -> dict:
        buckets = buckets_within(self.months, quarter)
        total, handled_n, revisited_n, _ = complaints.totals(self.complaints_in(buckets))
        revisits = self.revisits_in(buckets)
        revisit_count = sum(g.count for g in revisits)
        closed = work_orders.revisit_rate(self.closed, buckets)
        return {
            "quarter": quarter.label,
            "complaints": total,
            "handling_rate": rate(handled_n, total),
            "complaint_revisit_rate": rate(revisited_n, handled_n),
            "revisits": revisit_count,
            "satisfaction_rate": rate(sum(g.satisfied for g in revisits), revisit_count),
            "order_revisit_rate": closed["rate"],
        }


def _passes(estate_ids, months, trades_in: Period | None) -> dict:
    """The three month-grouped passes (and the orders per trade of a period), JSON-ready, from
    the monthly counts kept with the records (see rollups); they are independent, so they run
    at once (see at_once)."""
    found = all_at_once(
        {
            "by_trade": lambda: kept_counts.by_trade(estate_ids, trades_in) if trades_in else [],
            "complaints": lambda: kept_counts.complaint_groups(estate_ids, months),
            "revisits": lambda: kept_counts.revisit_groups(estate_ids, months),
            "closed": lambda: kept_counts.closed_counts(estate_ids, months),
        }
    )
    return {
        "by_trade": [dict(r, trade=r["trade"].value) for r in found["by_trade"]],
        "complaints": [complaints.as_row(g) for g in found["complaints"]],
        "revisits": [work_orders.revisit_as_row(g) for g in found["revisits"]],
        "closed": {str(b): list(v) for b, v in found["closed"].items()},
    }


# One table at a time, counted from the records, for the exports and the tests (never kept).


def complaint_summary(estate_ids, period: Period) -> dict:
    return complaints.summary(complaints.complaint_groups(estate_ids, [period]))


def deadline_table(estate_ids, period: Period) -> list[dict]:
    return complaints.deadline_rows(complaints.complaint_groups(estate_ids, [period]))


def revisit_table(estate_ids, period: Period) -> list[dict]:
    return work_orders.revisit_rows(work_orders.revisit_groups(estate_ids, [period]))


def work_order_revisit_rate(estate_ids, period: Period) -> dict:
    return work_orders.revisit_rate(work_orders.closed_counts(estate_ids, [period]), {0})


def work_orders_by_trade(estate_ids, period: Period) -> list[dict]:
    return work_orders.by_trade(estate_ids, period)


def chase_table(estate_ids, period: Period) -> list[dict]:
    return chases.chase_rows(estate_ids, period)


def quarterly(estate_ids, period: Period) -> list[dict]:
    """The last four quarters side by side, for the comparison charts."""
    quarters = quarters_up_to(period)
    found = _Months(estate_ids, months_spanning(quarters))
    return [found.quarter_row(q) for q in quarters]
