"""The monthly arrangement (月安排): per branch, the month's duty items, published once.

On the month's first working day the run writes one `Arrangement` per branch that
has assignments due in the month (unique per branch and month) and tells the
branch's secretaries (key `cadence:arrangement:<branch>:<month>`). The page, the
.xlsx and the PDF read the assignments live (`cadence.selectors.arrangement_rows`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from grassroots.cadence import notices, schedule, sources
from grassroots.cadence.models import Arrangement
from grassroots.cadence.services.runs import RunContext, job
from grassroots.core import audit
from grassroots.core.audit import Action
from grassroots.duties.models import Assignment
from grassroots.party.models import Organization


@transaction.atomic
def arrangement_publish(
    *, organization: Organization, month: str, items: int, context: RunContext
) -> Arrangement:
    """The branch's arrangement for `month` (created once; a second call returns it)."""
    start, _ = schedule.month_bounds(month)
    arrangement, created = Arrangement.objects.get_or_create(
        organization=organization,
        month=month,
        defaults={
            "org_path": organization.path,
            "town_id": organization.town_id or context.town.pk,
            "month_start": start,
            "items": items,
            "published_at": context.now,
            "is_demo": organization.is_demo,
        },
    )
    if created:
        audit.record(
            actor=None,
            action=Action.CADENCE_ARRANGEMENT_PUBLISHED,
            obj=arrangement,
            data={"month": month, "items": items},
        )
        context.add("arrangements")
    return arrangement


@job(schedule.MONTHLY)
def monthly_arrangement(context: RunContext) -> None:
    month = context.run.period
    start, end = schedule.month_bounds(month)
    sources.generate_duties(on=start, town=context.town)
    counts = dict(
        Assignment.objects.filter(town=context.town, due_on__gte=start, due_on__lte=end)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    )
    branches = Organization.objects.filter(pk__in=list(counts)).order_by("path")
    secretaries = sources.branch_secretaries(list(counts))
    for branch in branches:
        arrangement = arrangement_publish(
            organization=branch, month=month, items=counts[branch.pk], context=context
        )
        context.send(
            secretaries.get(branch.pk, []),
            notices.ARRANGEMENT,
            {"branch": branch.name, "period": month, "items": counts[branch.pk]},
            key=f"cadence:arrangement:{branch.pk}:{month}",
            url=reverse("cadence:arrangement", args=[arrangement.pk]),
        )
