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

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from grassroots.cadence import guidance, notices, schedule, sources
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
    pairs = _town_assignments(context).filter(started_on__lte=end).exclude(ended_on__lt=start)
    branches: dict[int, set[int]] = defaultdict(set)
    users: dict[int, int] = {}
    for instructor_id, org_id, user_id in pairs.values_list(
        "instructor_id", "organization_id", "instructor__user_id"
    ):
        if user_id is not None:
            branches[instructor_id].add(org_id)
            users[instructor_id] = user_id
    all_orgs = sorted({o for orgs in branches.values() for o in orgs})
    rect = sources.rectification_counts(org_ids=all_orgs, start=start, end=end)
    done_rows = Assignment.objects.filter(
        organization_id__in=all_orgs, status=Assignment.Status.DONE, done_at__isnull=False
    ).values_list("organization_id", "done_at")
    duties_done: dict[int, int] = defaultdict(int)
    for org_id, done_at in done_rows:
        if start <= timezone.localdate(done_at) <= end:
            duties_done[org_id] += 1
    visits = dict(
        GuidanceVisit.objects.filter(
            instructor_id__in=list(users), visited_on__gte=start, visited_on__lte=end
        )
        .values_list("instructor_id")
        .annotate(n=Count("pk"))
        .values_list("instructor_id", "n")
    )
    url = reverse("cadence:instructors")
    for instructor_id in sorted(users):
        orgs = branches[instructor_id]
        params = {
            "period": month,
            "visits": visits.get(instructor_id, 0),
            "issues": sum(rect.get(o, {}).get("registered", 0) for o in orgs),
            "closed": sum(rect.get(o, {}).get("closed", 0) + duties_done[o] for o in orgs),
        }
        context.send(
            [users[instructor_id]],
            notices.SUMMARY,
            params,
            key=f"cadence:summary:{instructor_id}:{month}",
            url=url,
        )
        context.add("instructors")
