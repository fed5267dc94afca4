"""Read-side queries for the grid pages: counts, lists and freshness.

Everything starts from `visible_to(user)`, so a count never includes a record
the reader could not open. Per-child counts group by a prefix of the stored
path, which keeps the number of queries constant whatever the number of
children.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from grassroots.core import clock
from grassroots.core.scoping import prefix_q, scope_for
from grassroots.grid.models import Household, Place, Representative, Resident, Visit


def visit_cutoff(days: int | None = None) -> dt.datetime:
    days = settings.GRASSROOTS["VISIT_STALE_DAYS"] if days is None else days
    return clock.now() - dt.timedelta(days=days)


@dataclass
class PlaceCounts:
    households: int = 0
    visited: int = 0
    residents: int = 0
    representatives: int = 0

    @property
    def visited_pct(self) -> int | None:
        if not self.households:
            return None
        return round(100 * self.visited / self.households)


def counts_by_prefix(user: Any, paths: Iterable[str]) -> dict[str, PlaceCounts]:
    """Live counts for each place path, two queries per distinct path length.

    Siblings share one path length, so a drill-down level costs two queries
    (households with their visit share and representatives, then residents).
    """
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        by_length[len(path)].append(path)
    result: dict[str, PlaceCounts] = {}
    cutoff = visit_cutoff()
    for length, group in by_length.items():
        for path in group:
            result[path] = PlaceCounts()
        households = (
            Household.objects.visible_to(user)
            .filter(prefix_q("place_path", group))
            .annotate(prefix=Substr("place_path", 1, length))
            .values("prefix")
            .annotate(
                n=Count("id"),
                visited=Count("id", filter=Q(last_visit_at__gte=cutoff)),
                reps=Count("representative_id", distinct=True),
            )
            .order_by()
        )
        for row in households:
            counts = result[row["prefix"]]
            counts.households = row["n"]
            counts.visited = row["visited"]
            counts.representatives = row["reps"]
        residents = (
            Resident.objects.visible_to(user)
            .filter(prefix_q("place_path", group))
            .annotate(prefix=Substr("place_path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in residents:
            result[row["prefix"]].residents = row["n"]
    return result


def browser_roots(user: Any) -> QuerySet:
    """The top places a user starts browsing from."""
    scope = scope_for(user)
    places = Place.objects.visible_to(user)
    if scope.everything:
        return places.filter(depth=1)
    if scope.place_paths:
        return places.filter(path__in=scope.place_paths)
    # A representative reaches only the groups of their own households.
    return places


def children(user: Any, place: Place) -> QuerySet:
    return Place.objects.visible_to(user).filter(path__startswith=place.path, depth=place.depth + 1)


def breadcrumbs(user: Any, place: Place) -> list[Place]:
    """Visible ancestors of a place, root first (one query)."""
    step = Place.steplen
    ancestor_paths = [place.path[:i] for i in range(step, len(place.path), step)]
    if not ancestor_paths:
        return []
    return list(Place.objects.visible_to(user).filter(path__in=ancestor_paths).order_by("path"))


SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "head": ("head_name", "code"),
    "-head": ("-head_name", "code"),
    "place": ("place_path", "code"),
    "-place": ("-place_path", "code"),
    "visit": (F("last_visit_at").asc(nulls_first=True), "code"),
    "-visit": (F("last_visit_at").desc(nulls_last=True), "code"),
}


def household_rows(user: Any) -> QuerySet:
    """Households for list pages with everything a row shows, in constant queries."""
    return (
        Household.objects.visible_to(user)
        .select_related("place", "representative")
        .prefetch_related("tags")
    )


def scope_places(user: Any) -> list[Place]:
    """Villages and groups a user may filter by, groups labelled with their village."""
    places = list(
        Place.objects.visible_to(user).filter(
            kind__in=[Place.Kind.VILLAGE, Place.Kind.COMMUNITY, Place.Kind.GROUP]
        )
    )
    names = {p.path: p.name for p in places}
    for place in places:
        # Every village has a 一组: a group alone would be ambiguous.
        village = names.get(place.path[: -Place.steplen], "")
        place.label = (
            f"{village} {place.name}".strip() if place.kind == Place.Kind.GROUP else place.name
        )
    return places


def freshness(last_visit_at: dt.datetime | None) -> tuple[str, int | None]:
    """CSS class and days since the last visit."""
    if last_visit_at is None:
        return "fresh-never", None
    days = (clock.now() - last_visit_at).days
    if days > settings.GRASSROOTS["VISIT_STALE_DAYS"]:
        return "fresh-stale", days
    if days > settings.GRASSROOTS["VISIT_WARN_DAYS"]:
        return "fresh-warn", days
    return "fresh-ok", days


def my_households(user: Any) -> list[Household]:
    """A representative's own households, most overdue first, with their freshness."""
    scope = scope_for(user)
    rows = list(
        Household.objects.visible_to(user)
        .filter(representative_id__in=scope.representative_ids, representative__active=True)
        .select_related("place")
        .order_by(F("last_visit_at").asc(nulls_first=True), "code")
    )
    for household in rows:
        household.fresh_class, household.days_since = freshness(household.last_visit_at)
    return rows


def figures(user: Any) -> dict[str, Any]:
    """Key grid figures of the user's scope, one aggregate query per table."""
    cutoff = visit_cutoff()
    hh = Household.objects.visible_to(user).aggregate(
        households=Count("id"), visited=Count("id", filter=Q(last_visit_at__gte=cutoff))
    )
    residents = Resident.objects.visible_to(user).count()
    representatives = Representative.objects.visible_to(user).filter(active=True).count()
    pct = round(100 * hh["visited"] / hh["households"]) if hh["households"] else None
    return {
        "households": hh["households"],
        "visited": hh["visited"],
        "visited_pct": pct,
        "residents": residents,
        "representatives": representatives,
    }


def recent_visits(user: Any, household: Household, limit: int = 10) -> QuerySet:
    return (
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("representative")[:limit]
    )
