"""The working-day calendar's edges (core/calendar.py is held at 100% coverage)."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.core import calendar
from grassroots.core.models import CalendarDay

pytestmark = pytest.mark.django_db

NATIONAL_DAY = dt.date(2025, 10, 1)  # a Wednesday, a public holiday
MAKEUP_SUNDAY = dt.date(2025, 9, 28)  # a Sunday worked in exchange (调休上班)


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(dt.date(2025, 3, 3), -1)


def test_working_days_between_counts_the_end_not_the_start() -> None:
    monday, next_monday = dt.date(2025, 3, 3), dt.date(2025, 3, 10)
    assert calendar.working_days_between(monday, next_monday) == 5
    assert calendar.working_days_between(next_monday, monday) == -5
    assert calendar.working_days_between(monday, monday) == 0


def test_seeding_from_the_package_keeps_what_an_administrator_entered() -> None:
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarDay.objects.create(
        date=NATIONAL_DAY, is_workday=True, name="值班", source=CalendarDay.Source.ADMIN
    )
    calendar.invalidate()

    written = calendar.seed_from_package(range(2025, 2026))

    package_rows = CalendarDay.objects.filter(source=CalendarDay.Source.PACKAGE, date__year=2025)
    assert written == package_rows.count() > 0
    assert not package_rows.filter(date=NATIONAL_DAY).exists()
    assert calendar.is_workday(NATIONAL_DAY)  # the administrator's word stands
    assert calendar.is_workday(MAKEUP_SUNDAY)
    assert not calendar.is_workday(dt.date(2025, 10, 2))
    # seeding again replaces the package's rows instead of adding to them
    assert calendar.seed_from_package(range(2025, 2026)) == written
