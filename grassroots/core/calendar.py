"""Working days: Mon–Fri, corrected by the CalendarDay table (holidays and 调休)."""

from __future__ import annotations

import datetime as dt

import holidays as holidays_pkg
from django.db import transaction

from grassroots.core import memo
from grassroots.core.models import CalendarDay

# nodes (decision 0025): the overrides of a year, remembered per process like the other
# memos; an edit (the admin and the seeding call `invalidate()`) clears them in every
# process when Redis is set, else within the ttl.
OVERRIDES: memo.Memo[int, dict[dt.date, bool]] = memo.Memo("working-day calendar", ttl=300.0)


def invalidate() -> None:
    """Forget cached overrides (call after editing CalendarDay rows)."""
    memo.changed(OVERRIDES)


def _load_overrides(year: int) -> dict[dt.date, bool]:
    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday")
    return dict(rows)


def _overrides(year: int) -> dict[dt.date, bool]:
    return OVERRIDES.get(year, _load_overrides) or {}


def is_workday(day: dt.date) -> bool:
    override = _overrides(day.year).get(day)
    if override is not None:
        return override
    return day.weekday() < 5


def add_working_days(start: dt.date | dt.datetime, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted).

    `add_working_days(friday, 1)` is the next working Monday; with days=0 the
    result is `start` if it is a working day, else the next working day.
    """
    day = start.date() if isinstance(start, dt.datetime) else start
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        while not is_workday(day):
            day += dt.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def seed_from_package(years: range) -> int:
    """Load China's public holidays and adjusted working days for `years`.

    Rows an administrator entered are kept: the package never overwrites them.
    Returns the number of rows written.
    """
    cn = holidays_pkg.China(years=list(years))
    rows: dict[dt.date, CalendarDay] = {}
    for day, name in cn.items():
        if day.weekday() < 5:
            rows[day] = CalendarDay(
                date=day, is_workday=False, name=str(name), source=CalendarDay.Source.PACKAGE
            )
    for day in sorted(getattr(cn, "weekend_workdays", set())):
        if day.year in years:
            rows[day] = CalendarDay(
                date=day, is_workday=True, name="调休上班", source=CalendarDay.Source.PACKAGE
            )
    with transaction.atomic():
        admin_days = set(
            CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN).values_list(
                "date", flat=True
            )
        )
        CalendarDay.objects.filter(
            source=CalendarDay.Source.PACKAGE, date__year__in=list(years)
        ).delete()
        written = [row for day, row in rows.items() if day not in admin_days]
        CalendarDay.objects.bulk_create(written)
    invalidate()
    return len(written)
