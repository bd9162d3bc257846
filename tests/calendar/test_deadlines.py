"""The deadlines stated in working days read the estate's calendar: the cash hand-in (the close
of the next working day), the next-day revisit call and the home-visit answer (1 working day)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from admin_app.home_visits import operations as home_visits
from admin_app.payments import operations as payments
from admin_app.work_orders import operations as work_orders

CLOSES = 20  # OFFICE_HOURS_END in the tests
REVISIT_BY = 18

# (taken / closed / requested at, the next working day)
NEXT_WORKING_DAY = [
    (datetime(2026, 2, 13, 16, 0), date(2026, 2, 14)),  # Friday → the make-up Saturday
    (datetime(2026, 2, 14, 11, 0), date(2026, 2, 24)),  # the make-up Saturday → after
    (datetime(2026, 9, 30, 9, 30), date(2026, 10, 8)),  # before National Day
    (datetime(2026, 10, 9, 15, 0), date(2026, 10, 10)),  # Friday → the make-up Saturday
    (datetime(2026, 11, 27, 17, 0), date(2026, 11, 30)),  # Friday → Monday
    (datetime(2026, 11, 24, 10, 0), date(2026, 11, 25)),  # an ordinary Tuesday
]


@pytest.mark.parametrize(("at", "next_day"), NEXT_WORKING_DAY)
def test_cash_is_handed_in_by_the_close_of_the_next_working_day(factories, in_app, at, next_day):
    estate = factories.estate()
    with in_app():
        assert payments.hand_in_due(at, estate.id) == datetime.combine(
            next_day, datetime.min.time()
        ).replace(hour=CLOSES)


@pytest.mark.parametrize(("at", "next_day"), NEXT_WORKING_DAY)
def test_the_revisit_call_is_due_the_next_working_day(factories, in_app, at, next_day):
    estate = factories.estate()
    with in_app():
        due = work_orders.revisit_due(at, False, estate.id)
        assert due == datetime(next_day.year, next_day.month, next_day.day, REVISIT_BY)


def test_an_emergency_is_still_revisited_within_24_hours(factories, in_app):
    estate = factories.estate()
    with in_app():
        closed = datetime(2026, 9, 30, 9, 30)
        assert work_orders.revisit_due(closed, True, estate.id) == datetime(2026, 10, 1, 9, 30)


@pytest.mark.parametrize(("at", "next_day"), NEXT_WORKING_DAY)
def test_a_home_visit_request_is_answered_by_the_close_of_the_next_working_day(
    factories, in_app, at, next_day
):
    estate = factories.estate()
    with in_app():
        due = home_visits.answer_due(estate.id, at)
        assert due == datetime(next_day.year, next_day.month, next_day.day, CLOSES)


def test_an_estates_own_day_off_moves_its_deadlines_and_no_other_estates(factories, in_app):
    a, b = factories.estate(), factories.estate()
    factories.workday_override(a, day=date(2026, 11, 25), working=False, note="停电检修")
    tuesday = datetime(2026, 11, 24, 10, 0)
    with in_app():
        assert payments.hand_in_due(tuesday, a.id) == datetime(2026, 11, 26, CLOSES)
        assert payments.hand_in_due(tuesday, b.id) == datetime(2026, 11, 25, CLOSES)
        assert home_visits.answer_due(a.id, tuesday) == datetime(2026, 11, 26, CLOSES)
        assert work_orders.revisit_due(tuesday, False, a.id) == datetime(2026, 11, 26, REVISIT_BY)
