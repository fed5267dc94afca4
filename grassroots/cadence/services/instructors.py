"""Instructors (item 8): the daily 30-day lapse notice and the monthly summary.

Lapse: every day, an instructor with a user account gets a notice for each assigned
branch not visited for 30 days (`cadence.guidance`), keyed by the day the lapse is
counted from (`cadence:lapse:<instructor>:<branch>:<since>`): once per lapse; a new
visit moves `since`, so a later lapse notifies again.

Summary: on the month's first working day, for the month that ended, each instructor
of the town gets their counts: visits logged, issues found (rectification items
registered for their branches), items closed (rectification items closed and duty
assignments done in their branches). Key `cadence:summary:<instructor>:<month>`.
"""

from __future__ import annotations

from django.urls import reverse

from grassroots.cadence import guidance, notices, schedule
from grassroots.cadence.services.runs import RunContext, job
from grassroots.duties.models import Assignment
from grassroots.party.models import GuidanceAssignment, GuidanceVisit


def _town_assignments(context: RunContext):  # noqa: ANN202 - a queryset
    return GuidanceAssignment.objects.filter(organization__town=context.town)


@job(schedule.LAPSE)
def instructor_lapse(context: RunContext) -> None:
    today = schedule.bounds(schedule.LAPSE, context.run.period)[0]
    rows = guidance.branch_rows(_town_assignments(context), GuidanceVisit.objects.all(), today)
    url = reverse("cadence:instructors")
    for row in rows:
        if not row.lapsed or row.user_id is None:
            continue
        context.send(
            [row.user_id],
            notices.LAPSE,
            {"branch": row.branch_name, "days": row.days_since, "since": row.since.isoformat()},
            key=f"cadence:lapse:{row.instructor_id}:{row.organization_id}:{row.since.isoformat()}",
            url=url,
        )
        context.add("lapsed")


@job(schedule.SUMMARY)
def instructor_summary(context: RunContext) -> None:
    month = context.run.period
    start, end = schedule.month_bounds(month)
    rows = guidance.month_rows(
        _town_assignments(context),
        GuidanceVisit.objects.all(),
        Assignment.objects.all(),
        start,
        end,
    )
    url = reverse("cadence:instructors")
    for instructor_id in sorted(rows):
        row = rows[instructor_id]
        if row.user_id is None:
            continue
        context.send(
            [row.user_id],
            notices.SUMMARY,
            {"period": month, "visits": row.visits, "issues": row.issues, "closed": row.closed},
            key=f"cadence:summary:{instructor_id}:{month}",
            url=url,
        )
        context.add("instructors")
