"""Reads of the duties app that list or count (scoped), and the worker's lookups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Q

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role


def branch_secretaries(org_ids: Sequence[int]) -> dict[int, list[int]]:
    """{branch id: [user ids]} of the active secretaries of each branch, in one query.

    A secretary is anchored at the branch itself or at the branch's place (a village
    secretary anchored at 明月村 is the secretary of 明月村党支部); the first
    assignment made comes first.
    """
    ids = list(org_ids)
    if not ids:
        return {}
    rows = (
        RoleAssignment.objects.filter(role=Role.SECRETARY, active=True)
        .filter(Q(organization_id__in=ids) | Q(place__organizations__pk__in=ids))
        .order_by("pk")
        .values_list("user_id", "organization_id", "place__organizations__pk")
    )
    wanted = set(ids)
    found: dict[int, list[int]] = defaultdict(list)
    for user_id, org_id, place_org_id in rows:
        for branch in (org_id, place_org_id):
            if branch in wanted and user_id not in found[branch]:
                found[branch].append(user_id)
    return dict(found)
