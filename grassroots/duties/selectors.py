"""Reads of the duties app that list or count (scoped), and the worker's lookups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, ExpressionWrapper, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast

from grassroots.accounts.models import RoleAssignment
from grassroots.core.roles import Role
from grassroots.duties.models import Assignment, BranchFigure, Cadence, Item, Plan
from grassroots.duties.periods import Period, period_for
from grassroots.party.models import Organization


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


# --- the pages' reads (scoped) ------------------------------------------------------------

BOARD_CADENCES = (Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY)


def duty_branches(user: Any) -> list[Organization]:
    """The branches whose checklist the user keeps (a secretary's: usually one)."""
    return list(
        Organization.objects.visible_to(user)
        .filter(kind=Organization.Kind.BRANCH)
        .select_related("place")
        .order_by("path")
    )


LATE_SHOWN = 10  # the most recent overdue duties on the week page; the rest on the branch's


@dataclass
class Week:
    period: Period
    due: list[Assignment]  # due this week, then the most recent overdue ones
    month: list[Assignment]
    quarter: list[Assignment]  # the quarter's and the once-only items
    late_hidden: int = 0  # overdue duties not shown (the branch page lists them)


def week_of(user: Any, branch: Organization, today: dt.date) -> Week:
    """The secretary's week: what is due this week (and late), then the month and quarter."""
    week = period_for(Cadence.WEEKLY, today)
    rows = list(
        Assignment.objects.visible_to(user)
        .filter(organization=branch)
        .filter(
            Q(period_start__lte=today, period_end__gte=today)
            | Q(due_on__gte=week.start, due_on__lte=week.end)
            | (Q(due_on__lt=week.start) & ~Q(status=Assignment.Status.DONE))
        )
        .select_related("version")
        .order_by("due_on", "item__position", "pk")
    )
    due, late, month, quarter = [], [], [], []
    for a in rows:
        if week.start <= a.due_on <= week.end:
            due.append(a)
        elif a.due_on < week.start and a.status != Assignment.Status.DONE:
            late.append(a)
        elif a.cadence == Cadence.MONTHLY:
            month.append(a)
        else:
            quarter.append(a)
    # Open ones first (due first), then what is done this week; then the latest overdue.
    due.sort(key=lambda a: (a.status == Assignment.Status.DONE, a.due_on, a.pk))
    late.sort(key=lambda a: (a.due_on, a.pk), reverse=True)
    shown = late[:LATE_SHOWN]
    return Week(week, due + shown, month, quarter, late_hidden=len(late) - len(shown))


def board_figures(user: Any, cadence: str, period: str) -> models.QuerySet:
    """The prepared figures the board shows: one per branch reached with duties this period."""
    return BranchFigure.objects.visible_to(user).filter(cadence=cadence, period=period, total__gt=0)


def _rates() -> dict[str, Any]:
    rate = ExpressionWrapper(
        Cast("done", FloatField()) * 100.0 / Cast("total", FloatField()), output_field=FloatField()
    )
    weight_rate = ExpressionWrapper(
        Cast("weight_done", FloatField()) * 100.0 / Cast("weight_total", FloatField()),
        output_field=FloatField(),
    )
    return {
        "rate": rate,
        "weight_rate": Case(When(weight_total__gt=0, then=weight_rate), default=Value(0.0)),
    }


def board_rows(user: Any, cadence: str, period: str) -> models.QuerySet:
    """The board: one prepared figure per branch reached, rated, best first (one query).

    The branches' names are not joined here: a page joins its own rows' organisations
    (`Board.page`), so the sort and the cut read the figures alone. Joined before the cut,
    the planner, whose statistics lag right after the week's duties are generated, joined
    all of a province's 62,859 figures one by one to show 60 (117 ms of the page's 190)."""
    return (
        board_figures(user, cadence, period)
        .annotate(**_rates())
        .order_by("-rate", "-weight_rate", "org_path")
    )


@dataclass
class BoardSums:
    """What the board says of all its rows: each rate's rank, the row count and the sums."""

    ranks: dict[tuple[float, float], int]
    count: int
    totals: dict[str, int]

    def rank_of(self, rate: float, weight_rate: float) -> int:
        """The rank of a row with these rates. A rate that changed between this query and
        the page's (a duty done meanwhile) takes the rank of the next worse rate known here:
        the rows counted better than that one are the rows better than it."""
        found = self.ranks.get((rate, weight_rate))
        if found is not None:
            return found
        worse = [r for key, r in self.ranks.items() if key < (rate, weight_rate)]
        return min(worse, default=self.count + 1)


def board_sums(user: Any, cadence: str, period: str) -> BoardSums:
    """{(rate, weight rate): rank} over the whole board, best first (ties share a rank), its
    number of rows and its sums, in one grouped query.

    A board of a province's 62,859 branches holds a few hundred distinct rates. (A window
    `RANK()` over the rows spooled the largest tie, most branches at 0 %, to disk and read
    it back: 260 ms a page.) The rates are the same SQL expressions as `board_rows'`, so
    the keys equal the rows' values exactly.
    """
    sums = ("total", "done", "overdue", "submitted")
    groups = (
        board_figures(user, cadence, period)
        .annotate(**_rates())
        .values_list("rate", "weight_rate")
        .annotate(Count("pk"), *(Sum(name) for name in sums))
        .order_by("-rate", "-weight_rate")
    )
    ranks, count, totals = {}, 0, dict.fromkeys(sums, 0)
    for rate, weight_rate, n, *values in groups:
        ranks[(rate, weight_rate)] = count + 1
        count += n
        for name, value in zip(sums, values, strict=True):
            totals[name] += value or 0
    return BoardSums(ranks, count, totals)


def branch_assignments(user: Any, branch: Organization) -> models.QuerySet:
    return (
        Assignment.objects.visible_to(user)
        .filter(organization=branch)
        .select_related("version", "secretary")
        .order_by("-period_start", "cadence", "due_on", "pk")
    )


def plans(user: Any) -> models.QuerySet:
    return (
        Plan.objects.visible_to(user)
        .select_related("organization")
        .annotate(item_count=Count("items", filter=Q(items__retired=False)))
        .order_by("-starts_on", "title")
    )


def plan_items(user: Any, plan: Plan) -> list[Item]:
    return list(
        Item.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("current")
        .prefetch_related("versions")
        .order_by("retired", "position", "pk")
    )
