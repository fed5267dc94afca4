"""What cadence reads from the apps below it, in one place.

Each function is the single seam to another app's selector or service, so that a
change of signature there is one edit here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role
from grassroots.grid.models import Place
from grassroots.party.models import Organization


def generate_duties(*, on: dt.date, town: Place) -> None:
    """Make the duty assignments of every period containing `on` (idempotent)."""
    # duties.services.generate(actor=None, on=on, towns=[town]) once duties is merged.
    return None


def branch_secretaries(org_ids: list[int]) -> dict[int, list[int]]:
    """{branch id: [user ids]}: the active secretaries anchored at the branch or its place."""
    branches = list(Organization.objects.filter(pk__in=org_ids).values_list("pk", "place_id"))
    by_place: dict[int, list[int]] = defaultdict(list)
    for pk, place_id in branches:
        if place_id:
            by_place[place_id].append(pk)
    rows = RoleAssignment.objects.filter(
        Q(organization_id__in=org_ids) | Q(place_id__in=list(by_place)),
        role=Role.SECRETARY,
        active=True,
        user__is_active=True,
    ).values_list("user_id", "organization_id", "place_id")
    found: dict[int, list[int]] = defaultdict(list)
    for user_id, org_id, place_id in rows.order_by("user_id"):
        for branch in [org_id] if org_id else by_place.get(place_id, []):
            if user_id not in found[branch]:
                found[branch].append(user_id)
    return dict(found)


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
    # inspections.selectors.branch_scores once inspections is merged.
    return {}


def rectification_counts(
    *, org_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """{branch id: {"registered": n, "closed": n}}: rectification items in [start, end]."""
    # rectify.selectors once rectify is merged.
    return {}
