"""Compute a user's Scope from role assignments and links (one query each).

Registered as core's scope provider from `AccountsConfig.ready()`; the cases app
adds its part (the households of the cases a handler holds) through core's
registry, so nothing here imports an app above accounts.
"""

from __future__ import annotations

from typing import Any

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import (
    CAPABILITIES,
    ORG_ROLES_REACHING_PLACES,
    PLACE_ROLES_REACHING_ORGS,
    ROLES_WITHOUT_REACH,
    Role,
)
from grassroots.core.scoping import Scope, minimal_prefixes, prefix_q
from grassroots.grid.models import Representative
from grassroots.party.models import GuidanceAssignment, Instructor, Organization

# Who accepts, assigns and supervises the cases under their anchor.
CASE_DISPATCH_ROLES = (Role.TOWN_ADMIN, Role.SECRETARY)
# Who reads the cases under their anchor without acting on them.
CASE_READ_ROLES = (Role.INSPECTOR,)
# Roles whose anchor names the unit they work for, not a subtree they reach: a
# handler reaches the cases given to them and those cases' households, nothing more.
UNIT_ROLES = frozenset({Role.HANDLER})
# --- audit (issue #14): and roles whose anchor reaches nothing (the audit administrator)
UNIT_ROLES |= ROLES_WITHOUT_REACH
# --- end audit


class _Anchors:
    """The paths and ids collected from one user's active role assignments."""

    def __init__(self) -> None:
        self.roles: set[str] = set()
        self.place_paths: list[str] = []
        self.org_paths: list[str] = []
        self.orgs_for_places: list[str] = []
        self.dispatch: list[str] = []
        self.read: list[str] = []
        self.town: list[str] = []
        self.handler_ids: list[int] = []
        self.handler_paths: list[str] = []

    def add(self, ra: RoleAssignment) -> None:
        self.roles.add(ra.role)
        self._add_case_parts(ra)
        if ra.role in UNIT_ROLES:
            return
        if ra.place is not None:
            self.place_paths.append(ra.place.path)
            if ra.role in PLACE_ROLES_REACHING_ORGS:
                self.orgs_for_places.append(ra.place.path)
        if ra.organization is not None:
            self.org_paths.append(ra.organization.path)
            if ra.role in ORG_ROLES_REACHING_PLACES and ra.organization.place_path:
                self.place_paths.append(ra.organization.place_path)

    def _add_case_parts(self, ra: RoleAssignment) -> None:
        if ra.place is not None:
            path = ra.place.path
        else:
            path = ra.organization.place_path if ra.organization is not None else ""
        if not path:
            return
        if ra.role in CASE_DISPATCH_ROLES:
            self.dispatch.append(path)
            if ra.role == Role.TOWN_ADMIN:
                self.town.append(path)
        elif ra.role in CASE_READ_ROLES:
            self.read.append(path)
        elif ra.role == Role.HANDLER and ra.place_id:
            self.handler_ids.append(ra.place_id)
            self.handler_paths.append(path)


def everything_scope(user: Any) -> Scope:
    caps = frozenset().union(*CAPABILITIES.values())
    return Scope(everything=True, user_id=user.pk, roles=frozenset(Role.values), capabilities=caps)


def compute_scope(user: Any) -> Scope:
    if user.is_superuser:
        return everything_scope(user)
    anchors = _Anchors()
    rows = RoleAssignment.objects.filter(user=user, active=True).select_related(
        "place", "organization"
    )
    for ra in rows:
        anchors.add(ra)
    org_paths = anchors.org_paths
    if anchors.orgs_for_places:
        # The organisations sited in a reached place subtree come with it.
        prefixes = minimal_prefixes(anchors.orgs_for_places)
        org_paths.extend(
            Organization.objects.filter(prefix_q("place_path", prefixes)).values_list(
                "path", flat=True
            )
        )
    roles = anchors.roles
    reps = list(
        Representative.objects.filter(user=user, active=True).values_list("pk", "place_path")
    )
    rep_ids = tuple(pk for pk, _path in reps)
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
        user_id=user.pk,
        place_paths=minimal_prefixes(anchors.place_paths),
        org_paths=minimal_prefixes(org_paths),
        representative_ids=rep_ids,
        instructor_ids=instructor_ids,
        roles=frozenset(roles),
        capabilities=frozenset(caps),
        dispatch_paths=minimal_prefixes(anchors.dispatch),
        read_paths=minimal_prefixes(anchors.read),
        town_paths=minimal_prefixes(anchors.town),
        handler_place_ids=tuple(anchors.handler_ids),
        handler_place_paths=tuple(anchors.handler_paths),
        representative_paths=minimal_prefixes(path for _pk, path in reps),
    )
