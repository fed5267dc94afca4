"""Instructors' guidance figures, shared by the worker (all rows) and the page (scoped rows).

A branch is *lapsed* for an instructor when the instructor has not visited it for
`lapse_days()` days (the setting GRASSROOTS["INSTRUCTOR_REMIND_DAYS"], 30, the same
as the red of party's "my branches"): counted from their last `GuidanceVisit` to that branch, or from
the day the `GuidanceAssignment` started when there is none (or the visit is older).
The functions take the querysets to read, so the caller decides the reach.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, QuerySet


def lapse_days() -> int:
    return int(settings.GRASSROOTS["INSTRUCTOR_REMIND_DAYS"])


@dataclass
class BranchRow:
    instructor_id: int
    instructor_name: str
    user_id: int | None
    organization_id: int
    branch_name: str
    since: dt.date  # the last visit, or the assignment's start
    last_visit: dt.date | None
    visits_this_year: int
    days_since: int
    limit: int = 30

    @property
    def lapsed(self) -> bool:
        return self.days_since >= self.limit


def branch_rows(assignments: QuerySet, visits: QuerySet, today: dt.date) -> list[BranchRow]:
    """One row per active assignment: last visit, visits this year, days since, lapsed."""
    pairs = list(
        assignments.filter(ended_on__isnull=True, started_on__lte=today)
        .select_related("instructor", "organization")
        .order_by("instructor__name", "organization__path")
    )
    instructor_ids = {a.instructor_id for a in pairs}
    org_ids = {a.organization_id for a in pairs}
    seen = visits.filter(
        instructor_id__in=instructor_ids, organization_id__in=org_ids, visited_on__lte=today
    )
    last = {
        (r["instructor_id"], r["organization_id"]): r["last"]
        for r in seen.values("instructor_id", "organization_id").annotate(last=Max("visited_on"))
    }
    this_year = {
        (r["instructor_id"], r["organization_id"]): r["n"]
        for r in seen.filter(visited_on__year=today.year)
        .values("instructor_id", "organization_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    limit = lapse_days()
    for a in pairs:
        key = (a.instructor_id, a.organization_id)
        last_visit = last.get(key)
        since = max(a.started_on, last_visit) if last_visit else a.started_on
        rows.append(
            BranchRow(
                instructor_id=a.instructor_id,
                instructor_name=a.instructor.name,
                user_id=a.instructor.user_id,
                organization_id=a.organization_id,
                branch_name=a.organization.name,
                since=since,
                last_visit=last_visit,
                visits_this_year=this_year.get(key, 0),
                days_since=(today - since).days,
                limit=limit,
            )
        )
    return rows


@dataclass
class InstructorRow:
    instructor_id: int
    name: str
    branches: int = 0
    lapsed: int = 0
    visits_this_year: int = 0
    visits_last_month: int = 0


def instructor_rows(
    rows: list[BranchRow], visits: QuerySet, month: tuple[dt.date, dt.date]
) -> list[InstructorRow]:
    """Per instructor: branches, lapsed branches, visits this year and in `month`."""
    found: dict[int, InstructorRow] = {}
    for row in rows:
        r = found.setdefault(
            row.instructor_id, InstructorRow(row.instructor_id, row.instructor_name)
        )
        r.branches += 1
        r.lapsed += row.lapsed
        r.visits_this_year += row.visits_this_year
    monthly: dict[int, int] = defaultdict(int)
    for instructor_id, n in (
        visits.filter(
            instructor_id__in=list(found), visited_on__gte=month[0], visited_on__lte=month[1]
        )
        .values("instructor_id")
        .annotate(n=Count("pk"))
        .values_list("instructor_id", "n")
    ):
        monthly[instructor_id] = n
    for r in found.values():
        r.visits_last_month = monthly[r.instructor_id]
    return sorted(found.values(), key=lambda r: (-r.lapsed, r.name))
