"""China's statutory holidays and make-up working days (调休), the calendar every estate starts
from; an estate's own days (WorkdayOverride) are set on the working-day screen.

2026: the State Council General Office's notice on the 2026 holidays (国务院办公厅关于2026年
部分节假日安排的通知, published 4 November 2025), day for day.

2027: NOT an official schedule. No notice for 2027 was available when this was written, so the
days below are projected from the holiday rules as revised in 2024 (全国年节及纪念日放假办法:
New Year 1 day, Spring Festival 4 days from the eve, Qingming 1, Labour Day 2, Dragon Boat 1,
Mid-Autumn 1, National Day 3) and the way recent notices bridge and make up days. When the
State Council publishes the 2027 notice, correct this table (or each estate's screen).
"""

from __future__ import annotations

from datetime import date, timedelta


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# year -> (days off beyond the weekends, weekend days that are working days)
STATUTORY: dict[int, tuple[frozenset[date], frozenset[date]]] = {
    2026: (
        frozenset(
            _days(date(2026, 1, 1), date(2026, 1, 3))  # 元旦
            + _days(date(2026, 2, 15), date(2026, 2, 23))  # 春节, 9 days
            + _days(date(2026, 4, 4), date(2026, 4, 6))  # 清明节
            + _days(date(2026, 5, 1), date(2026, 5, 5))  # 劳动节
            + _days(date(2026, 6, 19), date(2026, 6, 21))  # 端午节
            + _days(date(2026, 9, 25), date(2026, 9, 27))  # 中秋节
            + _days(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
        ),
        frozenset(
            {
                date(2026, 1, 4),  # Sunday, for New Year
                date(2026, 2, 14),  # Saturday, for the Spring Festival
                date(2026, 2, 28),  # Saturday, for the Spring Festival
                date(2026, 5, 9),  # Saturday, for Labour Day
                date(2026, 9, 20),  # Sunday, for National Day
                date(2026, 10, 10),  # Saturday, for National Day
            }
        ),
    ),
    # Projected, not official (see the module's docstring).
    2027: (
        frozenset(
            _days(date(2027, 1, 1), date(2027, 1, 3))  # 元旦 (Friday to Sunday)
            + _days(date(2027, 2, 5), date(2027, 2, 13))  # 春节 from the eve (5 Feb), 9 days
            + _days(date(2027, 4, 3), date(2027, 4, 5))  # 清明节 (Monday 5 April)
            + _days(date(2027, 5, 1), date(2027, 5, 5))  # 劳动节
            + [date(2027, 6, 9)]  # 端午节 (a Wednesday)
            + [date(2027, 9, 15)]  # 中秋节 (a Wednesday)
            + _days(date(2027, 10, 1), date(2027, 10, 7))  # 国庆节
        ),
        frozenset(
            {
                date(2027, 2, 14),  # Sunday, for the Spring Festival
                date(2027, 2, 20),  # Saturday, for the Spring Festival
                date(2027, 5, 8),  # Saturday, for Labour Day
                date(2027, 9, 26),  # Sunday, for National Day
                date(2027, 10, 9),  # Saturday, for National Day
            }
        ),
    ),
}


def holidays() -> frozenset[date]:
    return frozenset().union(*(off for off, _ in STATUTORY.values()))


def make_up_days() -> frozenset[date]:
    return frozenset().union(*(on for _, on in STATUTORY.values()))
