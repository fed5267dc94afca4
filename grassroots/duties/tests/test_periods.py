"""Periods and due rules: every rule, holidays and 调休, short months, clipping."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from grassroots.core import calendar
from grassroots.core.models import CalendarDay
from grassroots.duties.models import Cadence, DueRule
from grassroots.duties.periods import Period, due_date, due_on, period_for

D = dt.date
pytestmark = pytest.mark.django_db
PLAN = SimpleNamespace(starts_on=D(2026, 3, 1), ends_on=D(2026, 5, 31))


@pytest.mark.parametrize(
    ("cadence", "day", "key", "start", "end"),
    [
        (Cadence.WEEKLY, D(2026, 11, 25), "2026-W48", D(2026, 11, 23), D(2026, 11, 29)),
        (Cadence.WEEKLY, D(2027, 1, 1), "2026-W53", D(2026, 12, 28), D(2027, 1, 3)),
        (Cadence.MONTHLY, D(2026, 2, 10), "2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        (Cadence.MONTHLY, D(2028, 2, 29), "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        (Cadence.QUARTERLY, D(2026, 11, 25), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        (Cadence.QUARTERLY, D(2026, 1, 1), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        (Cadence.ONCE, D(2026, 4, 2), "once", D(2026, 3, 1), D(2026, 5, 31)),
    ],
)
def test_period_for_names_each_cadence(cadence, day, key, start, end) -> None:
    period = period_for(cadence, day, PLAN)
    assert period == Period(key, start, end)
    assert day in period
    assert "2026-11-25" not in period


def test_period_for_refuses_what_it_cannot_name() -> None:
    with pytest.raises(ValueError, match="plan"):
        period_for(Cadence.ONCE, D(2026, 1, 1))
    with pytest.raises(ValueError, match="cadence"):
        period_for("fortnightly", D(2026, 1, 1))
    with pytest.raises(ValueError, match="rule"):
        due_date("whenever", None, period_for(Cadence.WEEKLY, D(2026, 1, 1)))


W48 = period_for(Cadence.WEEKLY, D(2026, 11, 25))
W41 = period_for(Cadence.WEEKLY, D(2026, 10, 8))  # 5–7 Oct National Day, Sat 10 Oct works
FEB = period_for(Cadence.MONTHLY, D(2026, 2, 1))
APR = period_for(Cadence.MONTHLY, D(2026, 4, 1))
MAY = period_for(Cadence.MONTHLY, D(2026, 5, 1))
OCT = period_for(Cadence.MONTHLY, D(2026, 10, 1))
NOV = period_for(Cadence.MONTHLY, D(2026, 11, 1))
Q4 = period_for(Cadence.QUARTERLY, D(2026, 11, 1))


@pytest.mark.parametrize(
    ("rule", "n", "period", "due"),
    [
        (DueRule.WEEKDAY, 5, W48, D(2026, 11, 27)),  # Friday of the week
        (DueRule.WEEKDAY, 1, W41, D(2026, 10, 8)),  # a holiday Monday: next working day
        (DueRule.WEEKDAY, 6, W41, D(2026, 10, 10)),  # a Saturday that is worked (调休)
        (DueRule.WEEKDAY, 7, W48, D(2026, 11, 27)),  # Sunday: no working day left → Friday
        (DueRule.DAY_OF_MONTH, 31, FEB, D(2026, 2, 28)),  # short month; 28 Feb is worked
        (DueRule.DAY_OF_MONTH, 31, APR, D(2026, 4, 30)),
        (DueRule.DAY_OF_MONTH, 1, MAY, D(2026, 5, 6)),  # Labour Day holidays → 6 May
        (DueRule.DAY_OF_MONTH, 15, Q4, D(2026, 12, 15)),  # in the quarter's last month
        (DueRule.LAST_WORKING_DAY, None, OCT, D(2026, 10, 30)),  # 31 Oct is a Saturday
        (DueRule.LAST_WORKING_DAY, None, Q4, D(2026, 12, 31)),
        (DueRule.LAST_WORKING_DAY, None, W48, D(2026, 11, 27)),
        (DueRule.WORKING_DAYS_AFTER_START, 10, Q4, D(2026, 10, 20)),  # the holiday skipped
        (DueRule.WORKING_DAYS_AFTER_START, 3, NOV, D(2026, 11, 4)),
        (DueRule.WORKING_DAYS_AFTER_START, 5, W48, D(2026, 11, 27)),  # clipped to the week
        (DueRule.END_OF_PERIOD, None, NOV, D(2026, 11, 30)),
        (DueRule.END_OF_PERIOD, None, W48, D(2026, 11, 27)),  # Sunday → the last working day
    ],
)
def test_due_rules(rule, n, period, due) -> None:
    assert due_date(rule, n, period) == due
    assert due_on(SimpleNamespace(due_rule=rule, due_n=n), period) == due


def test_a_holiday_seeded_on_the_due_day_moves_it() -> None:
    CalendarDay.objects.create(date=D(2026, 11, 24), is_workday=False, name="测试假日")
    CalendarDay.objects.create(date=D(2026, 11, 27), is_workday=False, name="测试假日")
    calendar.invalidate()
    assert due_date(DueRule.WEEKDAY, 2, W48) == D(2026, 11, 25)  # Tuesday → Wednesday
    # Friday off, the weekend too: nothing left in the week → the Thursday before.
    assert due_date(DueRule.WEEKDAY, 5, W48) == D(2026, 11, 26)
    assert due_date(DueRule.LAST_WORKING_DAY, None, W48) == D(2026, 11, 26)


def test_a_week_without_a_working_day_keeps_the_rule_day() -> None:
    for i in range(7):
        CalendarDay.objects.create(date=W48.start + dt.timedelta(days=i), is_workday=False)
    calendar.invalidate()
    assert due_date(DueRule.WEEKDAY, 3, W48) == D(2026, 11, 25)
    assert due_date(DueRule.LAST_WORKING_DAY, None, W48) == W48.end
