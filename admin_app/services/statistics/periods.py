"""Periods (a month, a quarter, a year) and the SQL pieces every statistics query shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, literal_column

from admin_app.services.errors import ServiceError


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive
    label: str

    def contains(self, column):
        return and_(column >= self.start, column < self.end)

    def holds(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def parse_period(text: str) -> Period:
    """'2026-11' (a month), '2026-Q4' (a quarter) or '2026' (a year)."""
    text = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return Period(
                datetime(year, month, 1), _month_after(year, month), f"{year}-{month:02d}"
            )
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return quarter(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return Period(datetime(year, 1, 1), datetime(year + 1, 1, 1), str(year))
    raise ServiceError(_l("Choose a month (2026-11), a quarter (2026-Q4) or a year (2026)."))


def _month_after(year: int, month: int) -> datetime:
    return datetime(year + (month == 12), month % 12 + 1, 1)


def months_spanning(periods: list[Period]) -> list[Period]:
    """The months from the first period's start to the last one's end: the buckets one query
    groups by, so that any of the periods is a sum of whole months."""
    start, end = min(p.start for p in periods), max(p.end for p in periods)
    months, year, month = [], start.year, start.month
    while datetime(year, month, 1) < end:
        months.append(Period(datetime(year, month, 1), _month_after(year, month), ""))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(datetime(year, first, 1), _month_after(year, first + 2), f"{year}-Q{number}")


def quarters_up_to(period: Period, count: int = 4) -> list[Period]:
    """The quarter that ends the period and those before it (for a year: its four quarters)."""
    last = period.end - timedelta(days=1)
    year, number = last.year, (last.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        result.append(quarter(year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return list(reversed(result))


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def flag(condition):
    return case((condition, 1), else_=0)


def bucket(column, periods: list[Period]):
    """Which of the periods the column's value falls in (-1: none)."""
    return case(*((p.contains(column), i) for i, p in enumerate(periods)), else_=-1)


def by_name(labels) -> list:
    """GROUP BY the output columns' names (g_…, unlike any table column, which would win):
    both databases accept it, and PostgreSQL would not match a repeated CASE whose bound
    parameters are numbered apart."""
    return [literal_column(label.name) for label in labels]


def in_range(column, periods: list[Period]) -> tuple:
    return column >= min(p.start for p in periods), column < max(p.end for p in periods)


def buckets_within(periods: list[Period], outer: Period) -> set[int]:
    return {i for i, p in enumerate(periods) if outer.holds(p)}
