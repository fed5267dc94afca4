"""MonthOf: the month of a row found among the window's month starts equals TruncMonth's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import DateField, DateTimeField, Value
from django.db.models.functions import TruncMonth

from grassroots.analytics.months import MonthOf, month_starts
from grassroots.grid.models import Place

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
FIRST = dt.datetime(2025, 1, 1, tzinfo=LOCAL)
LAST = dt.datetime(2026, 12, 1, tzinfo=LOCAL)


def both(value: object, field: object, *, is_date: bool = False) -> tuple[object, object]:
    starts = month_starts(FIRST, LAST)
    if is_date:
        starts = [s.date() for s in starts]  # type: ignore[misc]
    x = Value(value, output_field=field)
    row = (
        Place.objects.annotate(
            a=MonthOf(x, starts, is_date=is_date), b=TruncMonth(x, output_field=DateField())
        )
        .values_list("a", "b")
        .get()
    )
    return row[0], row[1]


@pytest.fixture
def one_place() -> None:
    Place.objects.add_root({"kind": Place.Kind.TOWN, "name": "一镇"})


def test_month_starts_run_from_the_first_to_the_next_after_the_last() -> None:
    starts = month_starts(FIRST, LAST)
    assert len(starts) == 25 and starts[0] == FIRST and starts[-1].date() == dt.date(2027, 1, 1)
    assert all(s.day == 1 and s.hour == 0 and s.tzinfo is LOCAL for s in starts)


@pytest.mark.parametrize(
    "value",
    [
        FIRST,  # the window's first instant
        FIRST - dt.timedelta(microseconds=1),  # just before it: outside, TruncMonth's answer
        dt.datetime(2025, 2, 1, tzinfo=LOCAL) - dt.timedelta(microseconds=1),
        dt.datetime(2025, 2, 1, tzinfo=LOCAL),
        dt.datetime(2025, 2, 28, 16, 30, tzinfo=dt.UTC),  # 1 March 00:30 in the town
        dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=LOCAL),
        dt.datetime(2026, 6, 15, 12, tzinfo=LOCAL),
        LAST,
        LAST + dt.timedelta(days=30, hours=23),  # the window's last day
        dt.datetime(2027, 1, 1, tzinfo=LOCAL),  # after it
        dt.datetime(2019, 5, 5, tzinfo=LOCAL),
        None,
    ],
)
def test_a_datetime_gets_truncmonths_month(one_place: None, value: dt.datetime | None) -> None:
    ours, django = both(value, DateTimeField())
    assert ours == django
    if value is not None:
        assert ours == value.astimezone(LOCAL).date().replace(day=1)


@pytest.mark.parametrize(
    "value", [dt.date(2025, 1, 1), dt.date(2025, 1, 31), dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
)
def test_a_date_gets_its_month(one_place: None, value: dt.date) -> None:
    ours, django = both(value, DateField(), is_date=True)
    assert ours == django == value.replace(day=1)
