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
from django.utils import timezone

from grassroots.cadence import sources
from grassroots.duties.models import Assignment


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
    issues_last_month: int = 0
    closed_last_month: int = 0


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


@dataclass
class MonthRow:
    """One instructor's month: the monthly summary's counts."""

    instructor_id: int
    user_id: int | None
    visits: int = 0
    issues: int = 0  # rectification items registered for their branches
    closed: int = 0  # rectification items signed off + duty assignments done there


def month_rows(
    assignments: QuerySet, visits: QuerySet, duties: QuerySet, start: dt.date, end: dt.date
) -> dict[int, MonthRow]:
    """{instructor id: MonthRow} for the branches each instructor guided in [start, end]."""
    pairs = assignments.filter(started_on__lte=end).exclude(ended_on__lt=start)
    branches: dict[int, set[int]] = defaultdict(set)
    found: dict[int, MonthRow] = {}
    for instructor_id, user_id, org_id in pairs.values_list(
        "instructor_id", "instructor__user_id", "organization_id"
    ):
        branches[instructor_id].add(org_id)
        found.setdefault(instructor_id, MonthRow(instructor_id, user_id))
    org_ids = sorted({o for orgs in branches.values() for o in orgs})
    rect = sources.rectification_counts(org_ids=org_ids, start=start, end=end)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    done = dict(
        duties.filter(
            organization_id__in=org_ids,
            status=Assignment.Status.DONE,
            done_at__gte=since,
            done_at__lt=until,
        )
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    logged = dict(
        visits.filter(instructor_id__in=list(found), visited_on__gte=start, visited_on__lte=end)
        .values_list("instructor_id")
        .annotate(n=Count("pk"))
        .values_list("instructor_id", "n")
    )
    for instructor_id, row in found.items():
        orgs = branches[instructor_id]
        row.visits = logged.get(instructor_id, 0)
        row.issues = sum(rect.get(o, {}).get("registered", 0) for o in orgs)
        row.closed = sum(rect.get(o, {}).get("closed", 0) + done.get(o, 0) for o in orgs)
    return found
