"""Read-side queries for the Party pages: the tree, counts and an instructor's branches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q

from grassroots.core import clock
from grassroots.core.scoping import scope_for
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)


@dataclass
class Node:
    org: Organization
    full: int = 0
    probationary: int = 0
    instructors: list[Instructor] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.full + self.probationary


def member_counts(user: Any) -> dict[str, tuple[int, int]]:
    """(full, probationary) of active members per exact org path, one query."""
    rows = (
        Member.objects.visible_to(user)
        .filter(active=True)
        .values("org_path")
        .annotate(
            full=Count("id", filter=Q(status=Member.Status.FULL)),
            prob=Count("id", filter=Q(status=Member.Status.PROBATIONARY)),
        )
        .order_by()
    )
    return {r["org_path"]: (r["full"], r["prob"]) for r in rows}


def tree(user: Any) -> list[Node]:
    """The visible organisation tree with subtree member counts, in three queries."""
    orgs = list(Organization.objects.visible_to(user).select_related("place"))
    counts = member_counts(user)
    instructors: dict[int, list[Instructor]] = defaultdict(list)
    for assignment in (
        GuidanceAssignment.objects.visible_to(user).active().select_related("instructor")
    ):
        instructors[assignment.organization_id].append(assignment.instructor)

    nodes = {o.path: Node(org=o, instructors=instructors[o.pk]) for o in orgs}
    # Counts roll up the tree: a committee shows every member below it.
    for path, (full, prob) in counts.items():
        for i in range(Organization.steplen, len(path) + 1, Organization.steplen):
            node = nodes.get(path[:i])
            if node is not None:
                node.full += full
                node.probationary += prob
    roots: list[Node] = []
    for path, node in nodes.items():  # ordered by path: parents come first
        parent = nodes.get(path[: -Organization.steplen])
        (parent.children if parent else roots).append(node)
    return roots


def subtree_counts(user: Any, org: Organization) -> tuple[int, int]:
    agg = (
        Member.objects.visible_to(user)
        .filter(active=True, org_path__startswith=org.path)
        .aggregate(
            full=Count("id", filter=Q(status=Member.Status.FULL)),
            prob=Count("id", filter=Q(status=Member.Status.PROBATIONARY)),
        )
    )
    return agg["full"], agg["prob"]


def figures(user: Any) -> dict[str, int]:
    """Key Party figures of the user's scope, one aggregate query per table."""
    orgs = Organization.objects.visible_to(user)
    scope = scope_for(user)
    if not scope.everything:
        # Ancestors are visible for navigation only; count what the user reaches.
        orgs = orgs.filter(scope.orgs("path"))
    return {
        "branches": orgs.filter(kind=Organization.Kind.BRANCH).count(),
        "members": Member.objects.visible_to(user).filter(active=True).count(),
        "instructors": Instructor.objects.visible_to(user).count(),
    }


def remind_days() -> int:
    return settings.GRASSROOTS["INSTRUCTOR_REMIND_DAYS"]


@dataclass
class BranchRow:
    assignment: GuidanceAssignment
    last_visit: dt.date | None
    days_since: int | None

    @property
    def overdue(self) -> bool:
        return self.days_since is None or self.days_since > remind_days()


def my_branches(user: Any) -> list[BranchRow]:
    """An instructor's open assignments with the last guidance visit, two queries."""
    scope = scope_for(user)
    assignments = list(
        GuidanceAssignment.objects.visible_to(user)
        .active()
        .filter(instructor_id__in=scope.instructor_ids)
        .select_related("organization", "organization__place", "instructor")
        .order_by("organization__path")
    )
    last = dict(
        GuidanceVisit.objects.visible_to(user)
        .filter(organization_id__in=[a.organization_id for a in assignments])
        .values("organization_id")
        .annotate(last=Max("visited_on"))
        .values_list("organization_id", "last")
        .order_by()
    )
    today = clock.today()
    rows = []
    for assignment in assignments:
        visited = last.get(assignment.organization_id)
        days = (today - visited).days if visited else None
        rows.append(BranchRow(assignment=assignment, last_visit=visited, days_since=days))
    rows.sort(key=lambda r: float("-inf") if r.days_since is None else -r.days_since)
    return rows
