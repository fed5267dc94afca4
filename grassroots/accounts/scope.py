"""Compute a user's Scope from role assignments and links (one query each)."""

from __future__ import annotations

from typing import Any

from grassroots.core.roles import (
    CAPABILITIES,
    ORG_ROLES_REACHING_PLACES,
    PLACE_ROLES_REACHING_ORGS,
    Role,
)
from grassroots.core.scoping import Scope, minimal_prefixes, prefix_q


def compute_scope(user: Any) -> Scope:
    from grassroots.accounts.models import RoleAssignment
    from grassroots.grid.models import Representative
    from grassroots.party.models import GuidanceAssignment, Instructor, Organization

    if user.is_superuser:
        every_cap: frozenset[str] = frozenset().union(*CAPABILITIES.values())
        return Scope(everything=True, roles=frozenset(Role.values), capabilities=every_cap)

    place_paths: list[str] = []
    org_paths: list[str] = []
    roles: set[str] = set()
    orgs_for_places: list[str] = []
    rows = RoleAssignment.objects.filter(user=user, active=True).select_related(
        "place", "organization"
    )
    for ra in rows:
        roles.add(ra.role)
        if ra.place is not None:
            place_paths.append(ra.place.path)
            if ra.role in PLACE_ROLES_REACHING_ORGS:
                orgs_for_places.append(ra.place.path)
        if ra.organization is not None:
            org_paths.append(ra.organization.path)
            if ra.role in ORG_ROLES_REACHING_PLACES and ra.organization.place_path:
                place_paths.append(ra.organization.place_path)

    if orgs_for_places:
        # The organisations sited in a reached place subtree come with it.
        prefixes = minimal_prefixes(orgs_for_places)
        org_paths.extend(
            Organization.objects.filter(prefix_q("place_path", prefixes)).values_list(
                "path", flat=True
            )
        )

    rep_ids = tuple(
        Representative.objects.filter(user=user, active=True).values_list("pk", flat=True)
    )
    if rep_ids:
        roles.add(Role.REPRESENTATIVE)
    instructor_ids = tuple(Instructor.objects.filter(user=user).values_list("pk", flat=True))
    if instructor_ids:
        roles.add(Role.INSTRUCTOR)
        org_paths.extend(
            GuidanceAssignment.objects.filter(
                instructor_id__in=instructor_ids, ended_on__isnull=True
            ).values_list("organization__path", flat=True)
        )

    caps: set[str] = set()
    for role in roles:
        caps |= CAPABILITIES.get(role, frozenset())
    return Scope(
        place_paths=minimal_prefixes(place_paths),
        org_paths=minimal_prefixes(org_paths),
        representative_ids=rep_ids,
        instructor_ids=instructor_ids,
        roles=frozenset(roles),
        capabilities=frozenset(caps),
    )
