"""What cadence reads from the apps below it, in one place.

Each function is the single seam to another app's selector or service, so that a
change of signature there is one edit here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.duties import selectors as duty_selectors
from grassroots.duties import services as duty_services
from grassroots.grid.models import Place
from grassroots.inspections import selectors as inspection_selectors
from grassroots.party.models import Organization
from grassroots.rectify.models import Item as RectificationItem
from grassroots.rectify.models import Status as RectificationStatus


def generate_duties(*, on: dt.date, town: Place) -> dict[str, int]:
    """Make the duty assignments of every period containing `on` (idempotent)."""
    return duty_services.generate(actor=None, on=on, towns=[town])


def branch_secretaries(org_ids: list[int]) -> dict[int, list[int]]:
    """{branch id: [user ids]}: the active secretaries anchored at the branch or its place."""
    return duty_selectors.branch_secretaries(org_ids)


def town_leaders(town: Place) -> list[int]:
    """Active organisation officers of the town's committee and the town's administrators."""
    committees = Organization.objects.filter(town=town, depth=1).values("pk")
    return sorted(
        set(
            RoleAssignment.objects.filter(
                Q(role=Role.ORG_OFFICER, organization__in=committees)
                | Q(role=Role.TOWN_ADMIN, place=town),
                active=True,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


def branch_scores(*, org_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """{branch id: mean inspection total 0–100} of the inspections in [start, end]."""
    return inspection_selectors.branch_scores(org_ids=org_ids, start=start, end=end)


def rectification_counts(
    *, org_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """{branch id: {"registered": n, "closed": n}}: rectification items registered and
    signed off (销号) in [start, end], town-time dates."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    rows = (
        unscoped(RectificationItem, why=Unscoped.SYSTEM)
        .filter(organization_id__in=list(org_ids))
        .values("organization_id")
        .annotate(
            registered=Count("pk", filter=Q(registered_at__gte=since, registered_at__lt=until)),
            closed=Count(
                "pk",
                filter=Q(
                    status=RectificationStatus.CLOSED, closed_at__gte=since, closed_at__lt=until
                ),
            ),
        )
        .order_by()
    )
    return {
        r["organization_id"]: {"registered": r["registered"], "closed": r["closed"]} for r in rows
    }
