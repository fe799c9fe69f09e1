import logging
from datetime import date, timedelta

import pytest

from law import calendar as workflow_calendar
from law.calendar import add_calendar_days, add_working_days, is_working_day, working_days_between


@pytest.fixture
def fresh_fallback_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The "warn once per year" memory is process-wide; isolate it so test order does not matter.
    monkeypatch.setattr(workflow_calendar, "_fallback_warned_years", set())


# --- is_working_day ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 26), True),  # ordinary Friday
        (date(2025, 9, 27), False),  # ordinary Saturday
        (date(2025, 9, 28), True),  # Sunday, adjusted working day before National Day
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),  # last day of the 2025 National Day / Mid-Autumn holiday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, adjusted working day
        (date(2025, 10, 12), False),
        (date(2026, 2, 14), True),  # Saturday, adjusted working day before Spring Festival
        (date(2026, 2, 16), False),  # Monday inside the Spring Festival holiday
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, adjusted working day
        (date(2026, 9, 20), True),  # Sunday, adjusted working day
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, adjusted working day
    ],
)
def test_is_working_day_uses_statutory_calendar(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


# --- add_working_days ----------------------------------------------------------------------------------


def test_zero_working_days_returns_start_even_on_holiday() -> None:
    assert add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_negative_working_days_rejected() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 3), -1)


def test_adjusted_working_saturday_counts() -> None:
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_adjusted_working_sunday_counts() -> None:
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_working_days_skip_spring_festival() -> None:
    # Sat 14 Feb is a working day; 15–23 Feb is the holiday.
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_seven_working_days_across_national_day_2025() -> None:
    # Oct 9 (1), 10 (2), Sat 11 adjusted (3), 13 (4), 14 (5), 15 (6), 16 (7).
    # Treating Oct 11 as a rest day would wrongly give Oct 17.
    assert add_working_days(date(2025, 9, 30), 7) == date(2025, 10, 16)


def test_working_days_across_national_day_2026() -> None:
    # Sept 25–27 (Mid-Autumn) and Oct 1–7 are holidays; Sat Oct 10 is an adjusted working day.
    assert add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)


# --- add_calendar_days ---------------------------------------------------------------------------------


def test_calendar_period_ending_on_working_day_is_unchanged() -> None:
    assert add_calendar_days(date(2025, 3, 3), 15) == date(2025, 3, 18)


def test_calendar_period_ending_on_weekend_rolls_to_monday() -> None:
    assert add_calendar_days(date(2025, 3, 7), 15) == date(2025, 3, 24)  # nominal end Sat 22 Mar


def test_ninety_day_period_ending_in_spring_festival_rolls_after_holiday() -> None:
    start = date(2025, 11, 17)
    assert start + timedelta(days=90) == date(2026, 2, 15)
    assert add_calendar_days(start, 90) == date(2026, 2, 24)


def test_fifteen_day_period_ending_in_national_day_rolls_after_holiday() -> None:
    assert add_calendar_days(date(2025, 9, 16), 15) == date(2025, 10, 9)  # nominal end Oct 1


def test_calendar_period_ending_on_adjusted_working_saturday_is_unchanged() -> None:
    assert add_calendar_days(date(2026, 1, 30), 15) == date(2026, 2, 14)


def test_negative_calendar_days_rejected() -> None:
    with pytest.raises(ValueError):
        add_calendar_days(date(2025, 3, 3), -1)


# --- working_days_between ------------------------------------------------------------------------------


def test_working_days_between_across_national_day() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 16)) == 7
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_working_days_between_across_spring_festival() -> None:
    # Fri 13 Feb excluded (it is start), Sat 14 and Tue 24 counted, the holiday in between is not.
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


@pytest.mark.parametrize("end", [date(2025, 10, 1), date(2025, 9, 1)])
def test_working_days_between_is_zero_when_end_not_after_start(end: date) -> None:
    assert working_days_between(date(2025, 10, 1), end) == 0


def test_working_days_between_inverts_add_working_days() -> None:
    start = date(2025, 9, 20)
    for offset in range(0, 60, 3):
        day = start + timedelta(days=offset)
        for n in (1, 2, 5, 7):
            assert working_days_between(day, add_working_days(day, n)) == n


# --- years not covered by chinese_calendar --------------------------------------------------------------


@pytest.mark.usefixtures("fresh_fallback_warnings")
def test_uncovered_year_falls_back_to_weekdays_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="law.calendar"):
        assert add_working_days(date(2027, 1, 8), 1) == date(2027, 1, 11)  # Fri -> Mon
        assert add_working_days(date(2027, 3, 5), 5) == date(2027, 3, 12)
        assert add_calendar_days(date(2027, 3, 5), 15) == date(2027, 3, 22)  # nominal end Sat 20 Mar
        assert working_days_between(date(2027, 3, 5), date(2027, 3, 15)) == 6

    warnings = [r for r in caplog.records if r.name == "law.calendar" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()


@pytest.mark.usefixtures("fresh_fallback_warnings")
def test_fallback_warns_separately_per_year(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="law.calendar"):
        is_working_day(date(2027, 6, 1))
        is_working_day(date(2028, 6, 1))
        is_working_day(date(2027, 6, 2))

    messages = [r.getMessage() for r in caplog.records if r.name == "law.calendar"]
    assert len(messages) == 2
    assert "2027" in messages[0]
    assert "2028" in messages[1]


@pytest.mark.usefixtures("fresh_fallback_warnings")
def test_period_spanning_into_uncovered_year() -> None:
    # Thu 31 Dec 2026 is covered; 2027 uses Monday–Friday, so Fri 1 Jan 2027 counts as a working day.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
