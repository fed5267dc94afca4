"""Deadlines measured in working time.

A working day counts its full 24 hours; a weekend or holiday (core.calendar, with
调休 working Saturdays) counts nothing. So "3 working days" from Friday 10:00 is
Wednesday 10:00, and the 80 % warning instant always falls inside a working day:
a sweep never warns or escalates on a holiday. Response limits (hours) use the
same clock, so a Saturday report's two-hour limit runs from Monday 00:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from grassroots.core import calendar

DAY = dt.timedelta(days=1)
WARN_FRACTION = 0.8
ESCALATION_PERIOD_DAYS = 1  # one level up the grid per working day overdue
HANDLER_ACCEPT_DAYS = 1  # a handler accepts or returns within one working day
MAX_RETURNS = 3  # after this many returns the town designates the handler
MAX_REOPENS = 2  # a case reopened this often goes to the town


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def add_working_time(start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """The instant `delta` of working time after `start` (local calendar days)."""
    if delta < dt.timedelta(0):
        raise ValueError("delta must not be negative")
    cursor = timezone.localtime(start)
    remaining = delta
    for _ in range(3660):  # ten years of days: a guard, never reached in practice
        day = cursor.date()
        day_end = _day_start(day + DAY)
        if calendar.is_workday(day):
            room = day_end - cursor
            if remaining < room:
                return cursor + remaining
            if remaining == room:
                # Land inside the working day, not on the next (maybe holiday) midnight.
                return day_end - dt.timedelta(seconds=1)
            remaining -= room
        cursor = day_end
    raise ValueError("deadline too far away")


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time in [start, end); zero when end is not after start."""
    if end <= start:
        return dt.timedelta(0)
    total = dt.timedelta(0)
    cursor = timezone.localtime(start)
    end = timezone.localtime(end)
    while cursor < end:
        day_end = _day_start(cursor.date() + DAY)
        stop = min(day_end, end)
        if calendar.is_workday(cursor.date()):
            total += stop - cursor
        cursor = stop
    return total


@dataclass(frozen=True)
class Deadlines:
    response_due_at: dt.datetime
    resolve_due_at: dt.datetime
    warn_at: dt.datetime


def compute(start: dt.datetime, respond_hours: int, resolve_days: int) -> Deadlines:
    resolve = dt.timedelta(days=resolve_days)
    return Deadlines(
        response_due_at=add_working_time(start, dt.timedelta(hours=respond_hours)),
        resolve_due_at=add_working_time(start, resolve),
        warn_at=add_working_time(start, resolve * WARN_FRACTION),
    )


def handler_due(assigned_at: dt.datetime) -> dt.datetime:
    """When an assigned handler must have taken or returned the case.

    One working day of working time on the core calendar: assigned on Friday
    15:00 → Monday 15:00; on the eve of a holiday → the same hour of the first
    working day after it. Always inside a working day, so the dispatcher is
    never told on a holiday.
    """
    return add_working_time(assigned_at, dt.timedelta(days=HANDLER_ACCEPT_DAYS))


def next_escalation(after: dt.datetime) -> dt.datetime:
    return add_working_time(after, dt.timedelta(days=ESCALATION_PERIOD_DAYS))


def shift(value: dt.datetime | None, by: dt.timedelta) -> dt.datetime | None:
    """Move a deadline by `by` of working time (a suspension's length)."""
    return None if value is None else add_working_time(value, by)


def working_days_elapsed(start: dt.datetime, end: dt.datetime) -> float:
    return working_time_between(start, end) / DAY
