"""Chinese working-day calendar for computing statutory periods (期间).

Two kinds of period occur in administrative enforcement:

- Working-day periods. 《行政处罚法》(2021) 第八十五条 provides that the "二日""三日""五日""七日" in that law
  mean working days (工作日), excluding statutory holidays; use :func:`add_working_days`.
- Calendar-day periods. Longer periods such as 十五日 or 九十日 are counted in calendar days; when the last
  day of such a period falls on a statutory holiday (including weekends), the first working day after it
  becomes the last day of the period ("期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的
  日期"); use :func:`add_calendar_days`.

Holidays and adjusted working days (调休, e.g. a Saturday that is a working day) come from the
``chinese_calendar`` package, which is updated once the State Council publishes each year's arrangement.
For years it does not cover yet, Monday–Friday is used as a fallback and a warning is logged.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)

# Years for which the fallback warning has been logged; deadlines are computed day by day, so without this
# a single long period would flood the log with the same message.
_fallback_warned_years: set[int] = set()

_ONE_DAY = timedelta(days=1)


def is_working_day(day: date) -> bool:
    """Return whether ``day`` is a working day, honouring statutory holidays and adjusted working days."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Deadlines in a year whose holiday arrangement is not yet published must still be computable.
        # Plain Monday–Friday is only right about weekends: it may end a period on a future holiday, which
        # the warning asks an operator to fix by upgrading chinesecalendar.
        if day.year not in _fallback_warned_years:
            _fallback_warned_years.add(day.year)
            logger.warning(
                "chinese_calendar has no holiday data for %s; treating Monday-Friday as working days. "
                "Upgrade the chinesecalendar package once the State Council publishes the arrangement.",
                day.year,
            )
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """Return the ``days``-th working day after ``start`` (``start`` itself is not counted).

    ``days == 0`` returns ``start`` unchanged, even if it is not a working day.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    current = start
    remaining = days
    while remaining:
        current += _ONE_DAY
        if is_working_day(current):
            remaining -= 1
    return current


def add_calendar_days(start: date, days: int) -> date:
    """Return the last day of a period of ``days`` calendar days counted from ``start``.

    The period nominally ends on ``start + days``; if that day is not a working day it is extended to the
    first working day after it. An adjusted working weekend day (调休上班) is a working day and ends the
    period itself.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += _ONE_DAY
    return end


def working_days_between(start: date, end: date) -> int:
    """Count working days ``d`` with ``start < d <= end``; 0 when ``end <= start``."""
    count = 0
    current = start + _ONE_DAY
    while current <= end:
        if is_working_day(current):
            count += 1
        current += _ONE_DAY
    return count
