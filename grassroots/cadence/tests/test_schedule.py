"""cadence.schedule: periods, keys and due days on a made-up calendar (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cadence import schedule as s

D = dt.date
HOLIDAYS = {D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6), D(2026, 12, 1)}


def workday(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def test_keys() -> None:
    assert s.week_key(D(2026, 11, 23)) == "2026-W48"
    assert s.week_key(D(2027, 1, 1)) == "2026-W53"
    assert s.month_key(D(2026, 1, 31)) == "2026-01"
    assert s.quarter_key(D(2026, 9, 30)) == "2026-Q3"
    assert s.quarter_key(D(2026, 10, 1)) == "2026-Q4"


def test_bounds() -> None:
    assert s.week_bounds("2026-W48") == (D(2026, 11, 23), D(2026, 11, 29))
    assert s.month_bounds("2026-12") == (D(2026, 12, 1), D(2026, 12, 31))
    assert s.month_bounds("2028-02") == (D(2028, 2, 1), D(2028, 2, 29))
    assert s.quarter_bounds("2026-Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert s.quarter_bounds("2026-Q1") == (D(2026, 1, 1), D(2026, 3, 31))
    assert s.bounds(s.LAPSE, "2026-11-29") == (D(2026, 11, 29), D(2026, 11, 29))
    assert s.bounds(s.SUMMARY, "2026-10") == (D(2026, 10, 1), D(2026, 10, 31))
    assert s.bounds(s.QUARTERLY, "2026-Q2") == (D(2026, 4, 1), D(2026, 6, 30))
    assert s.bounds(s.WEEKLY, "2026-W01") == (D(2025, 12, 29), D(2026, 1, 4))


@pytest.mark.parametrize(
    "fn,key",
    [
        (s.week_bounds, "2026-48"),
        (s.week_bounds, "2026-W54"),
        (s.month_bounds, "2026-13"),
        (s.month_bounds, "2026-Q1"),
        (s.quarter_bounds, "2026-Q5"),
    ],
)
def test_bad_keys_are_refused(fn, key) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        fn(key)


def test_unknown_job_is_refused() -> None:
    for fn in (s.bounds, s.current_period):
        with pytest.raises(ValueError):
            fn("yearly", D(2026, 1, 1) if fn is s.current_period else "2026")


def test_current_periods() -> None:
    day = D(2026, 10, 8)
    assert s.current_period(s.WEEKLY, day) == "2026-W41"
    assert s.current_period(s.MONTHLY, day) == "2026-10"
    assert s.current_period(s.QUARTERLY, day) == "2026-Q3"  # the closed quarter
    assert s.current_period(s.SUMMARY, day) == "2026-09"
    assert s.current_period(s.LAPSE, day) == "2026-10-08"
    assert s.current_period(s.QUARTERLY, D(2026, 2, 1)) == "2025-Q4"
    assert s.current_period(s.SUMMARY, D(2026, 1, 5)) == "2025-12"


def test_weekly_digest_is_due_on_monday_or_the_next_working_day() -> None:
    assert s.due_on(s.WEEKLY, "2026-W40", workday) == D(2026, 9, 28)  # a Monday
    # National Day: Monday 5 and Tuesday 6 are holidays → Wednesday 7
    assert s.due_on(s.WEEKLY, "2026-W41", workday) == D(2026, 10, 7)


def test_monthly_jobs_are_due_on_the_first_working_day() -> None:
    assert s.due_on(s.MONTHLY, "2026-10", workday) == D(2026, 10, 7)  # 1, 2 off; 3–6
    assert s.due_on(s.MONTHLY, "2026-12", workday) == D(2026, 12, 2)  # made-up holiday
    assert s.due_on(s.MONTHLY, "2026-11", workday) == D(2026, 11, 2)  # 1st is a Sunday
    assert s.due_on(s.SUMMARY, "2026-11", workday) == D(2026, 12, 2)
    assert s.due_on(s.LAPSE, "2026-11-29", workday) == D(2026, 11, 29)  # a Sunday too


def test_the_quarterly_review_is_due_after_the_quarter() -> None:
    assert s.due_on(s.QUARTERLY, "2026-Q3", workday) == D(2026, 10, 7)
    assert s.due_on(s.QUARTERLY, "2026-Q2", workday) == D(2026, 7, 1)


def test_is_due_and_previous_quarters() -> None:
    assert not s.is_due(s.MONTHLY, D(2026, 10, 6), workday)
    assert s.is_due(s.MONTHLY, D(2026, 10, 7), workday)
    assert not s.is_due(s.QUARTERLY, D(2026, 10, 2), workday)
    assert s.previous_quarters(D(2026, 11, 29), 2) == ["2026-Q2", "2026-Q3"]
    assert s.previous_quarters(D(2026, 2, 1), 1) == ["2025-Q4"]


def test_first_workday_from() -> None:
    assert s.first_workday_from(D(2026, 10, 3), workday) == D(2026, 10, 7)
    assert s.first_workday_from(D(2026, 10, 7), workday) == D(2026, 10, 7)


def test_the_default_calendar_is_the_database_one(db: None) -> None:
    # The seeded Chinese calendar: 1–7 October 2026 are off (the 3rd and 4th a weekend).
    assert s.due_on(s.MONTHLY, "2026-10") == D(2026, 10, 8)
