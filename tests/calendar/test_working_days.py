"""Working-day arithmetic around the 2026 holidays and their make-up days, written out by hand
from the State Council's notice; the estate's own days; and adding then counting back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admin_app.services import calendar
from admin_app.services.calendar import STATUTORY, WorkCalendar
from admin_app.services.calendar.defaults import STATUTORY as NOTICE

D = date

# (start, n, the n-th working day after start), read off a wall calendar of 2026.
ADDING = [
    # Spring Festival: 15–23 February off; Saturdays 14 and 28 February worked.
    (D(2026, 2, 12), 1, D(2026, 2, 13)),  # Thursday → Friday
    (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → the make-up Saturday
    (D(2026, 2, 12), 2, D(2026, 2, 14)),
    (D(2026, 2, 14), 1, D(2026, 2, 24)),  # the make-up Saturday → after the holiday
    (D(2026, 2, 13), 2, D(2026, 2, 24)),
    (D(2026, 2, 18), 1, D(2026, 2, 24)),  # asked during the holiday
    (D(2026, 2, 22), 1, D(2026, 2, 24)),
    (D(2026, 2, 27), 1, D(2026, 2, 28)),  # Friday → the second make-up Saturday
    (D(2026, 2, 28), 1, D(2026, 3, 2)),
    (D(2026, 2, 24), -1, D(2026, 2, 14)),  # back over the holiday
    (D(2026, 2, 24), -2, D(2026, 2, 13)),
    # National Day: 1–7 October off; Sunday 20 September and Saturday 10 October worked.
    (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday → the make-up Sunday
    (D(2026, 9, 19), 1, D(2026, 9, 20)),
    (D(2026, 9, 20), 1, D(2026, 9, 21)),
    (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Mid-Autumn 25–27 September
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 9, 30), 3, D(2026, 10, 10)),  # Thursday, Friday, the make-up Saturday
    (D(2026, 10, 9), 1, D(2026, 10, 10)),
    (D(2026, 10, 10), 1, D(2026, 10, 12)),
    (D(2026, 10, 8), -1, D(2026, 9, 30)),
    # New Year 2027 (1–3 January) and a plain weekend.
    (D(2026, 12, 31), 1, D(2027, 1, 4)),
    (D(2026, 11, 27), 1, D(2026, 11, 30)),
    (D(2026, 11, 30), -1, D(2026, 11, 27)),
    (D(2026, 11, 25), 0, D(2026, 11, 25)),
]

# (start, end, working days from start to end: start left out, end counted)
COUNTING = [
    (D(2026, 2, 13), D(2026, 2, 24), 2),  # 14 (make-up) and 24
    (D(2026, 2, 13), D(2026, 3, 2), 7),  # 14, 24, 25, 26, 27, 28 (make-up), 2 March
    (D(2026, 9, 30), D(2026, 10, 12), 4),  # 8, 9, 10 (make-up), 12
    (D(2026, 10, 12), D(2026, 9, 30), -4),
    (D(2026, 2, 15), D(2026, 2, 23), 0),  # the whole Spring Festival
    (D(2026, 5, 8), D(2026, 5, 11), 2),  # Saturday 9 May worked (Labour Day)
    (D(2026, 11, 25), D(2026, 11, 25), 0),
]


@pytest.mark.parametrize(("start", "n", "expected"), ADDING)
def test_adding_working_days_around_the_holidays(start, n, expected):
    assert STATUTORY.add_working_days(start, n) == expected


@pytest.mark.parametrize(("start", "end", "expected"), COUNTING)
def test_counting_working_days_between_two_days(start, end, expected):
    assert STATUTORY.working_days_between(start, end) == expected


def test_the_statutory_days_of_2026_are_the_notices():
    off, on = NOTICE[2026]
    assert len(off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert on == {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9)} | {
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
    assert not STATUTORY.is_working_day(D(2026, 2, 16))  # a Monday of the Spring Festival
    assert STATUTORY.is_working_day(D(2026, 2, 14))  # a Saturday worked
    assert not STATUTORY.is_working_day(D(2026, 2, 21))  # an ordinary Saturday, in the holiday


def test_every_make_up_day_is_a_weekend_day_and_no_day_is_both():
    for off, on in NOTICE.values():
        assert all(day.weekday() >= 5 for day in on)
        assert not off & on


DAYS = st.dates(min_value=D(2025, 12, 1), max_value=D(2027, 11, 30))


@given(start=DAYS, n=st.integers(min_value=-60, max_value=60))
def test_adding_then_counting_back_gives_the_same_number(start, n):
    end = STATUTORY.add_working_days(start, n)
    assert STATUTORY.working_days_between(start, end) == n
    if STATUTORY.is_working_day(start):  # and back again from there
        assert STATUTORY.add_working_days(end, -n) == start
    if n:
        assert STATUTORY.is_working_day(end)
        assert (end > start) == (n > 0)


@given(start=DAYS, a=st.integers(min_value=0, max_value=40), b=st.integers(0, 40))
def test_adding_in_two_steps_is_adding_once(start, a, b):
    assert STATUTORY.add_working_days(STATUTORY.add_working_days(start, a), b) == (
        STATUTORY.add_working_days(start, a + b)
    )


@given(
    start=DAYS,
    n=st.integers(min_value=1, max_value=30),
    own_off=st.sets(DAYS, max_size=10),
    own_on=st.sets(DAYS, max_size=10),
)
def test_an_estates_own_days_keep_the_arithmetic_whole(start, n, own_off, own_on):
    """Whatever days an estate sets, n working days later is n working days away."""
    own = WorkCalendar(
        off=frozenset((STATUTORY.off | own_off) - own_on),
        on=frozenset((STATUTORY.on | own_on) - own_off),
    )
    end = own.add_working_days(start, n)
    assert own.working_days_between(start, end) == n
    assert own.is_working_day(end)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days)]
    assert sum(own.is_working_day(d) for d in between) == n - 1


def test_an_estates_own_days_win_over_the_statutory_calendar(factories, in_app):
    a, b = factories.estate(), factories.estate()
    # Estate A works Monday 16 February (in the Spring Festival) and closes Wednesday 25.
    factories.workday_override(a, day=D(2026, 2, 16), working=True, note="值班")
    factories.workday_override(a, day=D(2026, 2, 25), working=False, note="小区活动")
    with in_app():
        assert calendar.is_working_day(a.id, D(2026, 2, 16))
        assert not calendar.is_working_day(a.id, D(2026, 2, 25))
        assert calendar.add_working_days(a.id, D(2026, 2, 14), 1) == D(2026, 2, 16)
        assert calendar.add_working_days(a.id, D(2026, 2, 24), 1) == D(2026, 2, 26)
        # Estate B keeps the statutory calendar.
        assert calendar.add_working_days(b.id, D(2026, 2, 14), 1) == D(2026, 2, 24)
        assert calendar.working_days_between(b.id, D(2026, 2, 24), D(2026, 2, 26)) == 2
        assert calendar.working_days_between(a.id, D(2026, 2, 24), D(2026, 2, 26)) == 1
