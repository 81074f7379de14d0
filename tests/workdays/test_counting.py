"""The counting convention of domain.md §4.3 and its worked examples (§7), on the package's 2025-2026 data."""
from datetime import date, timedelta

import chinese_calendar
import pytest

from review_service.workdays.service import (
    CalendarDataMissing,
    add_calendar_days,
    add_working_days,
    check_year_covered,
    covered_years,
    is_working_day,
    previous_working_day,
    working_days_between,
)

D = date.fromisoformat


@pytest.mark.parametrize("start, n, due", [
    ("2026-04-30", 5, "2026-05-11"),  # 05-01..05-05 off, Sat 05-09 is a make-up day
    ("2026-01-30", 5, "2026-02-06"),
    ("2025-10-03", 5, "2025-10-14"),  # chinese_calendar.find_workday says 10-15
    ("2026-12-24", 5, "2026-12-31"),
    ("2026-12-24", 0, "2026-12-24"),
    ("2026-05-08", 1, "2026-05-09"),  # Fri -> the make-up Saturday
])
def test_worked_examples_in_working_days(ctx, start, n, due):
    assert add_working_days(D(start), n) == D(due)


def test_find_workday_differs_on_a_rest_day_start(ctx):
    assert chinese_calendar.find_workday(5, D("2025-10-03")) == D("2025-10-15")
    assert add_working_days(D("2025-10-03"), 5) != chinese_calendar.find_workday(5, D("2025-10-03"))


@pytest.mark.parametrize("start, n, due", [
    ("2026-05-02", 1, "2026-05-06"),  # start in the holiday: day 1 is the first working day after it
    ("2026-05-03", 5, "2026-05-11"),
    ("2025-10-08", 1, "2025-10-09"),  # 10-08 is the last day off of 国庆+中秋 2025
    ("2025-10-08", 3, "2025-10-11"),  # ... and Sat 10-11 is a make-up day
    ("2026-01-03", 1, "2026-01-04"),  # Sun 01-04 make-up after 元旦
    ("2026-02-13", 1, "2026-02-14"),  # Sat 02-14 make-up before 春节
    ("2026-02-14", 1, "2026-02-24"),  # 春节 2026: 02-15..02-23 off
    ("2025-01-27", 1, "2025-02-05"),  # 春节 2025: 01-28..02-04 off
    ("2025-01-24", 1, "2025-01-26"),  # Fri -> Sun 01-26 make-up
    ("2025-02-07", 1, "2025-02-08"),  # Fri -> Sat 02-08 make-up
    ("2026-09-30", 1, "2026-10-08"),  # 国庆 2026: 10-01..10-07
    ("2026-10-09", 1, "2026-10-10"),  # Sat 10-10 make-up
])
def test_start_on_a_rest_day_and_the_golden_weeks(ctx, start, n, due):
    assert add_working_days(D(start), n) == D(due)


@pytest.mark.parametrize("day", ["2025-01-26", "2025-02-08", "2025-09-28", "2025-10-11", "2026-01-04",
                                 "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10", "2025-04-27",
                                 "2026-05-09"])
def test_make_up_days_are_working_days(ctx, day):
    assert D(day).weekday() >= 5
    assert is_working_day(D(day))


@pytest.mark.parametrize("first, last", [("2025-01-28", "2025-02-04"), ("2025-10-01", "2025-10-08"),
                                         ("2026-02-15", "2026-02-23"), ("2026-10-01", "2026-10-07")])
def test_spring_festival_and_national_day_are_rest_days(ctx, first, last):
    day = D(first)
    while day <= D(last):
        assert not is_working_day(day), day
        day += timedelta(days=1)
    assert is_working_day(D(first) - timedelta(days=1)) or D(first).weekday() == 6
    assert is_working_day(D(last) + timedelta(days=1))


@pytest.mark.parametrize("start, n, due", [
    ("2026-09-03", 30, "2026-10-08"),  # day 30 is 10-03, a holiday
    ("2026-09-10", 30, "2026-10-10"),  # day 30 is Sat 10-10, a make-up day: it stays
    ("2026-09-09", 30, "2026-10-09"),  # an ordinary Friday
    ("2026-10-01", 10, "2026-10-12"),  # Sun 10-11 -> Mon 10-12
    ("2026-12-01", 30, "2026-12-31"),
])
def test_calendar_day_periods(ctx, start, n, due):
    assert add_calendar_days(D(start), n) == D(due)


def test_working_days_between(ctx):
    assert working_days_between(D("2026-04-30"), D("2026-05-11")) == 5
    assert working_days_between(D("2026-04-30"), D("2026-05-10")) == 4
    assert working_days_between(D("2026-05-11"), D("2026-04-30")) == 0
    assert working_days_between(D("2025-12-31"), D("2026-12-31")) == 248
    assert working_days_between(D("2024-12-31"), D("2025-12-31")) == 248


def test_previous_working_day(ctx):
    assert previous_working_day(D("2026-05-06")) == D("2026-04-30")
    assert previous_working_day(D("2026-05-11")) == D("2026-05-09")
    assert previous_working_day(D("2026-01-04")) == D("2025-12-31")
    assert previous_working_day(D("2026-01-05")) == D("2026-01-04")


def test_a_year_without_data_is_an_error_never_a_guess(ctx):
    with pytest.raises(CalendarDataMissing) as raised:
        add_working_days(D("2026-12-24"), 6)
    assert raised.value.year == 2027 and raised.value.status == 422
    assert raised.value.code == "calendar_data_missing" and "2027年" in raised.value.message
    assert raised.value.fields == {"year": ["2027年的节假日安排尚未载入"]}
    for compute in (lambda: is_working_day(D("2027-01-04")), lambda: add_calendar_days(D("2026-12-24"), 10),
                    lambda: working_days_between(D("2026-12-30"), D("2027-01-05")),
                    lambda: previous_working_day(D("2004-01-02")), lambda: check_year_covered(2027),
                    lambda: add_working_days(D("2003-12-20"), 1)):
        with pytest.raises(CalendarDataMissing):
            compute()
    check_year_covered(2026)
    assert covered_years() == list(range(2004, 2027))


def test_every_day_of_2025_and_2026_agrees_with_the_package(ctx):
    day, disagreements = D("2025-01-01"), []
    while day <= D("2026-12-31"):
        if is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []
    assert working_days_between(D("2024-12-31"), D("2026-12-31")) == 496
