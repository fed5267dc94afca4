"""Read-side queries for the Party pages: the tree, counts and an instructor's branches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.db.models.functions import Substr

from grassroots.core import clock, records
from grassroots.core.scoping import Unscoped, prefix_q, scope_for, unscoped
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
    has_children: bool = False
    crumbs: list[Organization] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.full + self.probationary


# The tree page opens this many levels; deeper levels load when a node is opened.
TREE_OPEN_LEVELS = 2
# A search lists at most this many organisations.
SEARCH_LIMIT = 50


def _fill_levels(user: Any, nodes: list[Node]) -> None:
    """Subtree counts, instructors and "has children" for nodes, a few queries per path length.

    Siblings share a path length, so one level costs three queries however wide it is.
    """
    by_length: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        by_length[len(node.org.path)].append(node)
    instructors: dict[int, list[Instructor]] = defaultdict(list)
    for assignment in (
        GuidanceAssignment.objects.visible_to(user)
        .active()
        .filter(organization_id__in=[n.org.pk for n in nodes])
        .select_related("instructor")
    ):
        instructors[assignment.organization_id].append(assignment.instructor)
    for length, group in by_length.items():
        paths = [n.org.path for n in group]
        counts = (
            Member.objects.visible_to(user)
            .filter(prefix_q("org_path", paths), active=True)
            .annotate(prefix=Substr("org_path", 1, length))
            .values("prefix")
            .annotate(
                full=Count("id", filter=Q(status=Member.Status.FULL)),
                prob=Count("id", filter=Q(status=Member.Status.PROBATIONARY)),
            )
            .order_by()
        )
        found = {r["prefix"]: (r["full"], r["prob"]) for r in counts}
        parents = set(
            Organization.objects.visible_to(user)
            .filter(prefix_q("path", paths), depth=length // Organization.steplen + 1)
            .annotate(prefix=Substr("path", 1, length))
            .values_list("prefix", flat=True)
            .order_by()
            .distinct()
        )
        for node in group:
            node.full, node.probationary = found.get(node.org.path, (0, 0))
            node.has_children = node.org.path in parents
            node.instructors = instructors[node.org.pk]


def tree_level(user: Any, parent: Organization | None = None, levels: int = 1) -> list[Node]:
    """The visible organisations below `parent` (or the roots), `levels` deep, with counts.

    A visible set always holds the ancestors of what the user reaches (for
    navigation), so the roots are the visible organisations of depth 1. The
    number of queries depends on `levels`, never on the number of nodes.
    """
    orgs = Organization.objects.visible_to(user).select_related("place")
    depth = 1 if parent is None else parent.depth + 1
    level = orgs.filter(depth=depth)
    if parent is not None:
        level = level.filter(path__startswith=parent.path)
    top = [Node(org=o) for o in level]
    current = top
    for below in range(1, levels + 1):
        if not current:
            break
        _fill_levels(user, current)
        opened = {n.org.path: n for n in current if n.has_children}
        if below == levels or not opened:
            break
        current = []
        for org in orgs.filter(prefix_q("path", list(opened)), depth=depth + below):
            child = Node(org=org)
            opened[org.path[: -Organization.steplen]].children.append(child)
            current.append(child)
    return top


def subtree(user: Any, org: Organization) -> Node:
    """One organisation with its counts and its visible children (one level)."""
    node = Node(org=org)
    _fill_levels(user, [node])
    node.children = tree_level(user, org)
    return node


def search(user: Any, text: str) -> list[Node]:
    """Visible organisations whose name contains `text`, with counts and their chain."""
    found = list(
        Organization.objects.visible_to(user)
        .filter(name__icontains=text)
        .select_related("place")[:SEARCH_LIMIT]
    )
    nodes = [Node(org=o) for o in found]
    if not nodes:
        return nodes
    _fill_levels(user, nodes)
    step = Organization.steplen
    above = {o.path[:i] for o in found for i in range(step, len(o.path), step)}
    names = dict(
        Organization.objects.visible_to(user).filter(path__in=above).values_list("path", "name")
    )
    for node in nodes:
        path = node.org.path
        node.crumbs = [names[path[:i]] for i in range(step, len(path), step) if path[:i] in names]
    return nodes


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
        # Instructors proper (党建指导员); contact leaders also guide branches but are not counted.
        "instructors": Instructor.objects.visible_to(user)
        .filter(kind=Instructor.Kind.INSTRUCTOR)
        .count(),
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


def find_guidance_visits(
    org_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, tuple[int, dt.date]]:
    """`core.records` finder of guidance visits: the earliest per branch in [start, end], one query."""
    rows = unscoped(GuidanceVisit, why=Unscoped.SYSTEM).filter(
        organization_id__in=list(org_ids), visited_on__gte=start, visited_on__lte=end
    )
    return records.earliest(rows, org="organization_id", date="visited_on")
