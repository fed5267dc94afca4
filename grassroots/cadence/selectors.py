"""Reads of the cadence pages, each starting from what the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from grassroots.cadence import guidance, schedule
from grassroots.cadence.models import Arrangement, QuarterScore
from grassroots.duties.models import Assignment
from grassroots.party.models import GuidanceAssignment, GuidanceVisit


def arrangements(user: Any, month: str = "") -> QuerySet:
    rows = Arrangement.objects.visible_to(user).select_related("organization")
    return rows.filter(month=month) if month else rows


def arrangement_months(user: Any) -> list[str]:
    return list(
        Arrangement.objects.visible_to(user)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:36]
    )


def arrangement_rows(user: Any, arrangement: Arrangement) -> QuerySet:
    """The branch's assignments due in the arrangement's month (what it arranges)."""
    start, end = schedule.month_bounds(arrangement.month)
    return (
        Assignment.objects.visible_to(user)
        .filter(organization_id=arrangement.organization_id, due_on__gte=start, due_on__lte=end)
        .select_related("version")
        .order_by("due_on", "pk")
    )


def review_periods(user: Any) -> list[str]:
    return list(
        QuarterScore.objects.visible_to(user)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()[:40]
    )


def review_rows(user: Any, period: str) -> QuerySet:
    """The quarter's scores the caller reaches, town by town (in the order the towns were
    set up, as the gazetteer lists them) and by rank; 404 when there are none.

    The order is the index `cadence_score_rank` (period, town, rank): a page reads its 60
    rows from the index and joins only their towns. Ordered by the town's name, every score
    of a province (62,859) was joined to its town and sorted to show 60 (110 ms)."""
    if not schedule.QUARTER_RE.match(period):
        raise Http404("quarter")
    rows = (
        QuarterScore.objects.visible_to(user)
        .filter(period=period)
        .select_related("town")
        .order_by("town_id", "rank", "pk")
    )
    if not rows.exists():
        raise Http404("quarter")
    return rows


def instructors(user: Any, today: dt.date) -> dict[str, Any]:
    """Per instructor and per branch figures of the guidance the caller reaches."""
    visits = GuidanceVisit.objects.visible_to(user)
    branches = guidance.branch_rows(GuidanceAssignment.objects.visible_to(user), visits, today)
    last_month = schedule.month_bounds(schedule.current_period(schedule.SUMMARY, today))
    people = guidance.instructor_rows(branches, visits, last_month)
    month = guidance.month_rows(
        GuidanceAssignment.objects.visible_to(user),
        visits,
        Assignment.objects.visible_to(user),
        *last_month,
    )
    for person in people:
        row = month.get(person.instructor_id)
        if row is not None:
            person.issues_last_month, person.closed_last_month = row.issues, row.closed
    branches.sort(key=lambda r: (-r.days_since, r.instructor_name, r.branch_name))
    return {
        "branches": branches,
        "people": people,
        "last_month": schedule.current_period(schedule.SUMMARY, today),
        "lapse_days": guidance.lapse_days(),
    }
