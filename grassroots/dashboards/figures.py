"""The figures a dashboard shows: prepared rows (analytics) and the rates derived from them.

Every read is scoped: rows come from `visible_to(user)` through the analytics selectors, so a
node outside the reader's reach has no figures (the views answer 404). The rates follow the
contract of issue #13: a rate is part ÷ base, None when the base is 0.

`node_figures`, `month_series` and `child_org_figures` are analytics' selectors, and the
rates are analytics' `rates`: the reports and the figures API read the same, so their numbers
cannot differ from a dashboard's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet

from grassroots.analytics import selectors as analytics
from grassroots.analytics.models import (
    ORG_COUNTERS,
    PLACE_COUNTERS,
    OrgFigures,
    PlaceFigures,
)
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Place
from grassroots.party.models import Organization

PLACE = "place"
ORG = "org"


ratio = analytics.rate  # part ÷ base, None when there is no base: one definition (analytics)


def derive(node: str, counters: dict[str, Any]) -> dict[str, Any]:
    """A node's counters plus the derived rates the contract names (0–1, or None)."""
    return {**counters, **analytics.rates(counters)}


def case_rate_mean(figures: dict[str, Any]) -> float | None:
    """The mean of the four case rates that have a base: how a village ranks on cases."""
    rates = [
        figures[k]
        for k in ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")
        if figures.get(k) is not None
    ]
    return sum(rates) / len(rates) if rates else None


def _get(row: Model | dict[str, Any], name: str, *default: Any) -> Any:
    if isinstance(row, dict):
        return row.get(name, *default) if default else row[name]
    return getattr(row, name, *default)


def counters_of(row: Model | dict[str, Any], node: str) -> dict[str, Any]:
    """A prepared row's counters (a model row, or a dict as a selector may answer)."""
    names = PLACE_COUNTERS if node == PLACE else ORG_COUNTERS
    return {name: _get(row, name) for name in names} | {
        name: _get(row, name, None) for name in ("path", "depth", "updated_at")
    }


months_between = analytics.months


def last_months(today: dt.date, n: int = 12) -> tuple[dt.date, dt.date]:
    """The first days of the month n-1 months ago and of this month."""
    last = today.replace(day=1)
    first = last
    for _ in range(n - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, last


def node_figures(user: Any, node: str, path: str) -> dict[str, Any] | None:
    return analytics.node_figures(user, node, path)


def month_series(
    user: Any, node: str, path: str, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    return analytics.month_series(user, node, path, first, last)


def child_places(user: Any, place: Place) -> list[tuple[Place, dict[str, Any]]]:
    """The children of a place with their figures, in tree order (two queries)."""
    rows = analytics.child_figures(user, place.path, place.depth)
    places = Place.objects.visible_to(user).in_bulk([_get(r, "place_id") for r in rows])
    return [
        (places[_get(r, "place_id")], derive(PLACE, counters_of(r, PLACE)))
        for r in rows
        if _get(r, "place_id") in places
    ]


def child_orgs(user: Any, org: Organization) -> list[tuple[Organization, dict[str, Any]]]:
    """The child organisations of an organisation with their figures (two queries)."""
    rows = analytics.child_org_figures(user, org.path, org.depth)
    key = "organization_id"
    orgs = Organization.objects.visible_to(user).in_bulk([_get(r, key) for r in rows])
    return [
        (orgs[_get(r, key)], derive(ORG, counters_of(r, ORG))) for r in rows if _get(r, key) in orgs
    ]


def reached_places(user: Any) -> QuerySet:
    """Places whose figures the user reaches: subtrees of the reach, not the ancestors a
    reader may see by name (their totals would reveal other villages' figures)."""
    return Place.objects.visible_to(user).filter(scope_for(user).places("path"))


def reached_orgs(user: Any) -> QuerySet:
    return Organization.objects.visible_to(user).filter(scope_for(user).orgs("path"))


def org_of_place(user: Any, place: Place) -> Organization | None:
    """The Party organisation of a place (the highest one seated there) that the user reaches."""
    return reached_orgs(user).filter(place_path=place.path).order_by("depth", "path").first()


def top_nodes(user: Any) -> tuple[list[Place], list[Organization]]:
    """The highest places (else organisations) the user reaches: the cockpit's candidates."""
    places = list(PlaceFigures.objects.visible_to(user).order_by("depth", "path")[:50])
    if places:
        top = places[0].depth
        ids = [r.place_id for r in places if r.depth == top]
        found = Place.objects.visible_to(user).in_bulk(ids)
        return [found[i] for i in ids if i in found], []
    orgs = list(OrgFigures.objects.visible_to(user).order_by("depth", "path")[:50])
    if orgs:
        top = orgs[0].depth
        ids = [r.organization_id for r in orgs if r.depth == top]
        found_orgs = Organization.objects.visible_to(user).in_bulk(ids)
        return [], [found_orgs[i] for i in ids if i in found_orgs]
    return [], []
