"""Periods of a cadence and the due date of an item in a period (pure functions).

A period is named by a key the assignments and figures carry: an ISO week
("2026-W48", Monday to Sunday), a month ("2026-11"), a quarter ("2026-Q4"), or "once"
(the plan's whole span). `due_on` applies an item's due rule to a period: the rule's
day, clipped to the period, moved to the next working day when it falls on a
non-working day (`core.calendar`, holidays and 调休 included) — but never past the
period's last working day: then the last working day on or before the period's end.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from grassroots.core import calendar
from grassroots.duties.models import Cadence, DueRule

ONCE = "once"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, pycalendar.monthrange(year, month)[1])


def period_for(cadence: str, day: dt.date, plan: Any = None) -> Period:
    """The period of `cadence` that contains `day` ("once": the plan's span)."""
    if cadence == Cadence.WEEKLY:
        year, week, weekday = day.isocalendar()
        start = day - dt.timedelta(days=weekday - 1)
        return Period(f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))
    if cadence == Cadence.MONTHLY:
        return Period(
            f"{day.year}-{day.month:02d}",
            day.replace(day=1),
            _month_end(day.year, day.month),
        )
    if cadence == Cadence.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first = 3 * quarter - 2
        return Period(
            f"{day.year}-Q{quarter}",
            dt.date(day.year, first, 1),
            _month_end(day.year, first + 2),
        )
    if cadence == Cadence.ONCE:
        if plan is None:
            raise ValueError("a once-only item's period is its plan's span")
        return Period(ONCE, plan.starts_on, plan.ends_on)
    raise ValueError(f"unknown cadence {cadence!r}")


def _last_workday_on_or_before(day: dt.date, floor: dt.date) -> dt.date | None:
    while day >= floor:
        if calendar.is_workday(day):
            return day
        day -= DAY
    return None


def _rule_day(rule: str, n: int | None, period: Period) -> dt.date:
    """The rule's day before any working-day adjustment (may lie outside the period)."""
    if rule == DueRule.WEEKDAY:
        return period.start + dt.timedelta(days=(n or 1) - 1)
    if rule == DueRule.DAY_OF_MONTH:
        # The day in the period's last month (a monthly period has one), moved back to
        # that month's last day in a shorter month (31 → 30 April, 28/29 February).
        last = period.end
        return last.replace(day=min(n or 1, pycalendar.monthrange(last.year, last.month)[1]))
    if rule == DueRule.LAST_WORKING_DAY:
        return _last_workday_on_or_before(period.end, period.start) or period.end
    if rule == DueRule.WORKING_DAYS_AFTER_START:
        return calendar.add_working_days(period.start, n or 0)
    if rule == DueRule.END_OF_PERIOD:
        return period.end
    raise ValueError(f"unknown due rule {rule!r}")


def due_date(rule: str, n: int | None, period: Period) -> dt.date:
    """The due date of a rule in a period (see the module docstring)."""
    day = min(max(_rule_day(rule, n, period), period.start), period.end)
    if calendar.is_workday(day):
        return day
    moved = day
    while moved <= period.end:
        if calendar.is_workday(moved):
            return moved
        moved += DAY
    # No working day left in the period: the last one before the rule's day, if the
    # period has any; a period without a single working day keeps the rule's day.
    return _last_workday_on_or_before(day, period.start) or day


def due_on(version: Any, period: Period) -> dt.date:
    """The due date of an item version in a period."""
    return due_date(version.due_rule, version.due_n, period)
