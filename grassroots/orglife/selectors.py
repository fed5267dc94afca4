"""Reads of meeting records: scoped lists and counts, and the record finder of `core.records`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from grassroots.core import clock, records
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.orglife.models import Attendance, Meeting, MeetingKind
from grassroots.party.models import Organization


def meetings(user: Any) -> QuerySet:
    """The meetings the user reaches, newest first, with what a list shows."""
    return Meeting.objects.visible_to(user).select_related("organization", "branch")


def attendance(user: Any, meeting: Meeting) -> QuerySet:
    return (
        Attendance.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("member")
        .order_by("status", "member__name")
    )


def year_start(today: dt.date | None = None) -> dt.date:
    return (today or clock.today()).replace(month=1, day=1)


def counts_by_kind(rows: QuerySet) -> dict[str, int]:
    """{kind: number of meetings} over `rows` (already filtered), every kind present."""
    found = dict(rows.order_by().values_list("kind").annotate(n=Count("pk")))
    return {kind: found.get(kind, 0) for kind in MeetingKind.values}


@dataclass
class BranchRow:
    branch: Organization
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, n)
    total: int = 0


def counts_by_branch(user: Any, since: dt.date) -> list[BranchRow]:
    """Per reachable branch, meetings of each kind since `since` (branches with none included)."""
    branches = list(
        Organization.objects.visible_to(user).filter(kind=Organization.Kind.BRANCH).order_by("path")
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for branch_id, kind, n in (
        Meeting.objects.visible_to(user)
        .filter(held_on__gte=since)
        .order_by()
        .values_list("branch_id", "kind")
        .annotate(n=Count("pk"))
    ):
        found[branch_id][kind] = n
    rows = []
    for branch in branches:
        counts = [
            (kind, str(label), found[branch.pk].get(kind, 0)) for kind, label in MeetingKind.choices
        ]
        rows.append(BranchRow(branch, counts, sum(n for _k, _l, n in counts)))
    return rows


Finder = Callable[[Sequence[int], dt.date, dt.date], dict[int, tuple[int, dt.date]]]


def finder(kind: str) -> Finder:
    """The `core.records` finder of one meeting kind: the earliest per branch, in one query."""

    def find(
        org_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> dict[int, tuple[int, dt.date]]:
        rows = unscoped(Meeting, why=Unscoped.SYSTEM).filter(
            kind=kind, branch_id__in=list(org_ids), held_on__gte=start, held_on__lte=end
        )
        return records.earliest(rows, org="branch_id", date="held_on")

    return find
