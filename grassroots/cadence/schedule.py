"""When each cadence job falls due: periods, their keys and their due days (pure).

Every function takes `is_workday` (default: `core.calendar.is_workday`, which reads
the holidays and adjusted working days of `core.models.CalendarDay`), so the rules
can be tested on any calendar.

- **weekly digest** (周提醒), period "2026-W48" (ISO week): due on the first working
  day of the week, i.e. Monday, or the next working day of the same week when Monday
  is a holiday. A week without any working day (never seen in China's calendar) has
  no digest: its due day falls in the next week, whose own period is then current.
- **monthly arrangement** (月安排), period "2026-11": due on the first working day of
  the month (the 1st, or the next working day when the 1st is a holiday or a weekend).
- **quarterly review** (季推进), period "2026-Q3": due on the first working day
  *after* the quarter ends. Decision: the review scores a closed quarter, so every
  assignment of the quarter has had its whole period (the last ones are due on the
  quarter's last day) and nothing changes under the ranking once it is published.
  On a day of Q4 the current review period is therefore Q3.
- **instructors' summary**, period "2026-10": due on the first working day of the
  next month, for the month that ended (like the review, it reports a closed period).
- **instructors' visit check**, period "2026-11-29": every day (a lapse is counted
  in calendar days, so the notice goes on the 30th day whatever its weekday).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from grassroots.core import calendar

Workday = Callable[[dt.date], bool]

WEEKLY = "weekly_digest"
MONTHLY = "monthly_arrangement"
QUARTERLY = "quarterly_review"
SUMMARY = "instructor_summary"
LAPSE = "instructor_lapse"
JOBS = (WEEKLY, MONTHLY, QUARTERLY, SUMMARY, LAPSE)

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def first_workday_from(day: dt.date, is_workday: Workday = calendar.is_workday) -> dt.date:
    """`day` if it is a working day, else the next working day."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


# --- period keys and bounds ---------------------------------------------------------


def week_key(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_key(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month_bounds(key: str) -> tuple[dt.date, dt.date]:
    match = MONTH_RE.match(key)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"not a month: {key!r}")
    start = dt.date(int(match[1]), int(match[2]), 1)
    return start, _next_month(start) - dt.timedelta(days=1)


def quarter_bounds(key: str) -> tuple[dt.date, dt.date]:
    match = QUARTER_RE.match(key)
    if not match:
        raise ValueError(f"not a quarter: {key!r}")
    start = dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
    end = _next_month(_next_month(_next_month(start))) - dt.timedelta(days=1)
    return start, end


def week_bounds(key: str) -> tuple[dt.date, dt.date]:
    match = WEEK_RE.match(key)
    if not match:
        raise ValueError(f"not a week: {key!r}")
    try:
        start = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise ValueError(f"not a week: {key!r}") from exc
    return start, start + dt.timedelta(days=6)


def bounds(job: str, key: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period `key` of `job`."""
    if job == WEEKLY:
        return week_bounds(key)
    if job in (MONTHLY, SUMMARY):
        return month_bounds(key)
    if job == QUARTERLY:
        return quarter_bounds(key)
    if job == LAPSE:
        day = dt.date.fromisoformat(key)
        return day, day
    raise ValueError(f"unknown job: {job!r}")


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: dt.date) -> dt.date:
    return dt.date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


# --- which period is current, and when it is due ------------------------------------


def current_period(job: str, today: dt.date) -> str:
    """The period `job` works on as of `today` (due today, later, or already past)."""
    if job == WEEKLY:
        return week_key(today)
    if job == MONTHLY:
        return month_key(today)
    if job == QUARTERLY:
        start, _ = quarter_bounds(quarter_key(today))
        return quarter_key(start - dt.timedelta(days=1))
    if job == SUMMARY:
        return month_key(_previous_month(today.replace(day=1)))
    if job == LAPSE:
        return today.isoformat()
    raise ValueError(f"unknown job: {job!r}")


def due_on(job: str, key: str, is_workday: Workday = calendar.is_workday) -> dt.date:
    """The working day on which the period `key` of `job` falls due."""
    start, end = bounds(job, key)
    if job in (WEEKLY, MONTHLY):
        return first_workday_from(start, is_workday)
    if job in (QUARTERLY, SUMMARY):
        return first_workday_from(end + dt.timedelta(days=1), is_workday)
    return start  # LAPSE: every calendar day


def is_due(job: str, today: dt.date, is_workday: Workday = calendar.is_workday) -> bool:
    """Whether the current period of `job` is due on or before `today`."""
    return due_on(job, current_period(job, today), is_workday) <= today


def previous_quarters(today: dt.date, count: int) -> list[str]:
    """The `count` quarters before today's quarter, oldest first."""
    keys: list[str] = []
    start, _ = quarter_bounds(quarter_key(today))
    for _ in range(count):
        start = _previous_month(_previous_month(_previous_month(start)))
        keys.append(quarter_key(start))
    return list(reversed(keys))
