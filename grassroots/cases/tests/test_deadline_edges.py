"""Edges of the deadlines and the workflow table (both held at 100% coverage)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.cases import deadlines, workflow
from grassroots.cases.models import Case, Status
from grassroots.core import calendar

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 3)  # an ordinary working day


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def test_negative_working_time_is_refused() -> None:
    with pytest.raises(ValueError):
        deadlines.add_working_time(midnight(MONDAY), -dt.timedelta(hours=1))


def test_a_whole_working_day_ends_inside_that_day() -> None:
    end = deadlines.add_working_time(midnight(MONDAY), dt.timedelta(days=1))
    assert timezone.localtime(end) == midnight(MONDAY + dt.timedelta(days=1)) - dt.timedelta(
        seconds=1
    )


def test_a_calendar_without_working_days_is_an_error_not_a_hang(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(calendar, "is_workday", lambda day: False)
    with pytest.raises(ValueError, match="too far"):
        deadlines.add_working_time(midnight(MONDAY), dt.timedelta(hours=1))


def test_a_suspension_nobody_asked_for_cannot_be_approved_or_denied() -> None:
    case = Case(status=Status.IN_PROGRESS, suspension_requested=False)
    assert not workflow.may(None, case, "approve_suspension")
    assert not workflow.may(None, case, "deny_suspension")


def test_no_working_time_passes_backwards() -> None:
    start = midnight(MONDAY) + dt.timedelta(hours=10)
    assert deadlines.working_time_between(start, start - dt.timedelta(hours=2)) == dt.timedelta(0)
    assert deadlines.working_time_between(start, start) == dt.timedelta(0)


def test_an_action_the_table_does_not_know_is_never_allowed() -> None:
    assert not workflow.may(None, Case(status=Status.CLOSED), "no_such_action")
