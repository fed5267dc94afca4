"""Seed the working-day calendar for 2020–2027 from the `holidays` package."""

from __future__ import annotations

import holidays
from django.db import migrations

YEARS = range(2020, 2028)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    CalendarDay = apps.get_model("core", "CalendarDay")
    cn = holidays.China(years=list(YEARS))
    rows = {}
    for day, name in cn.items():
        if day.weekday() < 5:
            rows[day] = CalendarDay(date=day, is_workday=False, name=str(name), source="package")
    for day in getattr(cn, "weekend_workdays", set()):
        if day.year in YEARS:
            rows[day] = CalendarDay(date=day, is_workday=True, name="调休上班", source="package")
    CalendarDay.objects.bulk_create(rows.values(), ignore_conflicts=True)


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("core", "CalendarDay").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
