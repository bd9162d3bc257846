"""Working-day arithmetic (工作日) for an estate: weekends, statutory holidays and make-up days
(defaults.py), then the estate's own days set on the working-day screen (WorkdayOverride).

Every deadline stated in working days reads it: the home-visit answer (1 working day), the
next-day revisit call, the cash hand-in.

`add_working_days(estate, start, n)` is the n-th working day after `start` (before it when n
is negative); `working_days_between(estate, start, end)` counts the working days from `start`
to `end`, `start` itself left out and `end` counted (negative when `end` is earlier), so
that `working_days_between(e, s, add_working_days(e, s, n)) == n` for every n.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app, has_app_context

from admin_app.extensions import db
from admin_app.models import WorkdayOverride
from admin_app.services.calendar.defaults import holidays, make_up_days

# Far enough for any deadline; a loop bound, so bad input cannot spin forever.
MAX_SPAN = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """One estate's calendar: the statutory days, then the estate's own (which win)."""

    off: frozenset[date]
    on: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.on:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        step = 1 if n >= 0 else -1
        day, left = start, abs(n)
        for _ in range(MAX_SPAN * max(1, left)):
            if not left:
                return day
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        raise ValueError("no working day within reach")

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            return -sum(self.is_working_day(d) for d in _span(end, start - timedelta(days=1)))
        return sum(self.is_working_day(d) for d in _span(start + timedelta(days=1), end))

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        return self.add_working_days(day, 1)


def _span(first: date, last: date):
    return (first + timedelta(days=i) for i in range((last - first).days + 1))


STATUTORY = WorkCalendar(off=holidays(), on=make_up_days())


def calendar_for(estate_id: int | None) -> WorkCalendar:
    """The estate's calendar (the statutory one for no estate). Its own days are few (a handful
    a year), so they are read whole."""
    if estate_id is None:
        return STATUTORY
    # Read inside verbs half-way through a change: nothing of theirs is flushed by it.
    with db.session.no_autoflush:
        rows = db.session.execute(
            db.select(WorkdayOverride.day, WorkdayOverride.working).where(
                WorkdayOverride.estate_id == estate_id
            )
        ).all()
    own_on = {day for day, working in rows if working}
    own_off = {day for day, working in rows if not working}
    return WorkCalendar(
        off=frozenset((STATUTORY.off - own_on) | own_off),
        on=frozenset((STATUTORY.on - own_off) | own_on),
    )


def is_statutory_holiday(day: date) -> bool:
    """A day off by the State Council's notice (not a weekend, not an estate's own day)."""
    return day in STATUTORY.off


def _estate_id(estate) -> int | None:
    return getattr(estate, "id", estate)


def is_working_day(estate, day: date) -> bool:
    return calendar_for(_estate_id(estate)).is_working_day(day)


def add_working_days(estate, start: date, n: int) -> date:
    return calendar_for(_estate_id(estate)).add_working_days(start, n)


def working_days_between(estate, start: date, end: date) -> int:
    return calendar_for(_estate_id(estate)).working_days_between(start, end)


def opening_time() -> time:
    start = current_app.config["OFFICE_HOURS_START"] if has_app_context() else 8
    return time(start % 24)


def closing_time() -> time:
    end = current_app.config["OFFICE_HOURS_END"] if has_app_context() else 20
    return time(end % 24)


def by_close_of(estate, start: datetime, n: int, at: time | None = None) -> datetime:
    """A deadline "within n working days": the close of the n-th working day after `start`
    (at `at`, the office's closing hour unless given)."""
    day = add_working_days(estate, start.date(), n)
    return datetime.combine(day, at or closing_time())
