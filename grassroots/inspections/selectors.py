"""Reads of inspections and ratings: figures other apps use, and the lists of the pages.

`branch_scores` and `current_stars` take organisation ids the caller has already checked
against its reach (the quarterly review reads every branch of a town in the worker), so they
read unscoped, saying why. Everything a page lists starts at `visible_to(user)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, QuerySet
from django.utils import timezone

from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.inspections.models import (
    Application,
    Campaign,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    StarRating,
)

ONE_PLACE = Decimal("0.1")
SCORED = (Inspection.Status.SUBMITTED, Inspection.Status.ACKNOWLEDGED)


def branch_scores(*, org_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Per branch, the mean total score (one decimal) of its submitted or acknowledged
    inspections dated in [start, end]; branches without one are absent."""
    rows = (
        unscoped(Inspection, why=Unscoped.SYSTEM)
        .filter(
            organization_id__in=list(org_ids),
            status__in=SCORED,
            inspected_on__gte=start,
            inspected_on__lte=end,
        )
        .values("organization_id")
        .annotate(mean=Avg("total"))
        .order_by()
    )
    return {
        r["organization_id"]: Decimal(str(r["mean"])).quantize(ONE_PLACE, ROUND_HALF_UP)
        for r in rows
    }


def current_stars(org_ids: Iterable[int]) -> dict[int, int]:
    """Per branch, the stars of its latest rating (branches never rated are absent)."""
    current: dict[int, int] = {}
    rows = (
        unscoped(StarRating, why=Unscoped.SYSTEM)
        .filter(organization_id__in=list(org_ids))
        .order_by("organization_id", "-awarded_on", "-pk")
        .values_list("organization_id", "stars")
    )
    for org_id, stars in rows:
        current.setdefault(org_id, stars)
    return current


def find_acknowledged(
    org_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, tuple[int, dt.date]]:
    """The record finder of `core.records`: per branch, the earliest inspection its
    secretary acknowledged in [start, end] (by the day of the acknowledgement)."""
    found: dict[int, tuple[int, dt.date]] = {}
    rows = (
        unscoped(Inspection, why=Unscoped.SYSTEM)
        .filter(organization_id__in=list(org_ids), acknowledged_at__isnull=False)
        .order_by("acknowledged_at", "pk")
        .values_list("organization_id", "pk", "acknowledged_at")
    )
    for org_id, pk, at in rows:
        day = timezone.localdate(at)
        if start <= day <= end:
            found.setdefault(org_id, (pk, day))
    return found


def indicator_sets(user: Any) -> QuerySet:
    return IndicatorSet.objects.visible_to(user).select_related("owner")


def plans(user: Any) -> QuerySet:
    return InspectionPlan.objects.visible_to(user).select_related("indicator_set")


def inspections(user: Any) -> QuerySet:
    return Inspection.objects.visible_to(user).select_related("organization", "indicator_set")


def campaigns(user: Any) -> QuerySet:
    return Campaign.objects.visible_to(user).select_related("criteria")


def applications(user: Any) -> QuerySet:
    return Application.objects.visible_to(user).select_related("organization", "campaign")


def ratings(user: Any) -> QuerySet:
    return StarRating.objects.visible_to(user).select_related("organization", "campaign")


def in_notice(on: dt.date | None = None) -> QuerySet:
    """Applications in their public notice period today: the public page (no login).

    Only public fields are read from these rows (branch, campaign, review score, dates).
    """
    day = on or clock.today()
    return (
        unscoped(Application, why=Unscoped.PUBLIC)
        .filter(
            status=Application.Status.IN_NOTICE,
            notice_starts_on__lte=day,
            notice_ends_on__gte=day,
        )
        .select_related("organization", "campaign")
        .order_by("notice_ends_on", "campaign_id", "organization__name")
    )
