"""What cadence reads from the apps below it, in one place.

Each function is the single seam to another app's selector or service, so that a
change of signature there is one edit here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role
from grassroots.duties import selectors as duty_selectors
from grassroots.duties import services as duty_services
from grassroots.grid.models import Place
from grassroots.party.models import Organization


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
    # inspections.selectors.branch_scores once inspections is merged.
    return {}


def rectification_counts(
    *, org_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, dict[str, int]]:
    """{branch id: {"registered": n, "closed": n}}: rectification items in [start, end]."""
    # rectify.selectors once rectify is merged.
    return {}
