"""The weekly digest (周提醒): each branch secretary, once a week, the items due and overdue.

Recipients are the secretaries of the town's branches that have duty assignments
open in the week. A secretary of several branches gets one digest with their
branches' counts added up. Key: `cadence:digest:<week>` (one per recipient and week).
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from grassroots.cadence import notices, schedule, sources
from grassroots.cadence.services.runs import RunContext, job
from grassroots.duties.models import Assignment


@job(schedule.WEEKLY)
def weekly_digest(context: RunContext) -> None:
    period = context.run.period
    start, end = schedule.week_bounds(period)
    sources.generate_duties(on=start, town=context.town)
    rows = Assignment.objects.filter(
        town=context.town, period_start__lte=end, period_end__gte=start
    ).values_list("organization_id", "due_on", "status")
    branches: set[int] = set()  # every branch with duties this week gets its digest
    due: dict[int, int] = defaultdict(int)
    overdue: dict[int, int] = defaultdict(int)
    for org_id, due_on, status in rows:
        branches.add(org_id)
        if status == Assignment.Status.DONE:
            continue
        if start <= due_on <= end:
            due[org_id] += 1
        elif due_on < start:
            overdue[org_id] += 1
    late = Assignment.objects.filter(town=context.town, due_on__lt=start).exclude(
        status=Assignment.Status.DONE
    )
    for org_id in late.filter(period_end__lt=start).values_list("organization_id", flat=True):
        overdue[org_id] += 1
        branches.add(org_id)
    per_user: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for org_id, users in sources.branch_secretaries(sorted(branches)).items():
        for user_id in users:
            per_user[user_id][0] += due[org_id]
            per_user[user_id][1] += overdue[org_id]
    for user_id in sorted(per_user):
        n_due, n_overdue = per_user[user_id]
        context.send(
            [user_id],
            notices.DIGEST,
            {"period": period, "due": n_due, "overdue": n_overdue},
            key=f"cadence:digest:{period}",
            url=reverse("duties:week"),  # the secretary's "this week" page
        )
    context.add("secretaries", len(per_user))
