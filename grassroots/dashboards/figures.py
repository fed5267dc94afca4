"""The figures a dashboard shows: prepared rows (analytics) and the rates derived from them.

Every read is scoped: rows come from `visible_to(user)` through the analytics selectors, so a
node outside the reader's reach has no figures (the views answer 404). The rates follow the
contract of issue #13: a rate is part ÷ base, None when the base is 0.

`node_figures`, `month_series` and `child_org_figures` are analytics' selectors (the rollups
work of issue #13). Until that work is merged this module carries equivalents with the same
names and results, read from the same prepared rows; the integrator deletes the fallback
block once `grassroots.analytics.selectors` has them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet

from grassroots.analytics import selectors as analytics
from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
)
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Place
from grassroots.party.models import Organization

PLACE = "place"
ORG = "org"


def ratio(part: int | float | None, base: int | float | None) -> float | None:
    """part ÷ base, None when there is no base (a rate of nothing is unknown, not 0 %)."""
    if part is None or not base:
        return None
    return part / base


def derive(node: str, counters: dict[str, Any]) -> dict[str, Any]:
    """A node's counters plus the derived rates the contract names (0–1, or None)."""
    out = dict(counters)
    if node == PLACE:
        out["response_rate"] = ratio(counters["responded_on_time"], counters["response_base"])
        out["resolution_rate"] = ratio(counters["resolved"], counters["resolution_base"])
        out["satisfaction_rate"] = ratio(counters["satisfied_callbacks"], counters["callbacks"])
        out["on_time_rate"] = ratio(counters["on_time"], counters["on_time_base"])
        out["coverage_30d"] = ratio(counters["visited_30d"], counters["households"])
        out["coverage_90d"] = ratio(counters["visited_90d"], counters["households"])
        out["households_per_rep"] = ratio(counters["households"], counters["representatives"])
    else:
        out["duty_completion"] = ratio(counters["duty_done_month"], counters["duty_total_month"])
        score = ratio(counters["score_quarter_tenths"], counters["scored_quarter"])
        out["avg_quarter_score"] = None if score is None else score / 10
        inspection = ratio(counters["inspection_tenths_quarter"], counters["inspections_quarter"])
        out["avg_inspection_score"] = None if inspection is None else inspection / 10
    return out


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


# --- fallback until the rollups work is merged (delete this block then) -----------------
def _local_node_figures(user: Any, node: str, path: str) -> dict[str, Any] | None:
    model = PlaceFigures if node == PLACE else OrgFigures
    row = model.objects.visible_to(user).filter(path=path).first()  # type: ignore[attr-defined]
    return None if row is None else derive(node, counters_of(row, node))


def _local_child_org_figures(user: Any, path: str, depth: int) -> list[OrgFigures]:
    return list(
        OrgFigures.objects.visible_to(user)
        .filter(depth=depth + 1, path__startswith=path)
        .order_by("path")
    )


def _local_month_series(
    user: Any, node: str, path: str, first_month: dt.date, last_month: dt.date
) -> list[dict[str, Any]]:
    rows = {
        r.month: r
        for r in MonthFigures.objects.visible_to(user).filter(
            node=node, path=path, month__gte=first_month, month__lte=last_month
        )
    }
    return [
        {"month": month}
        | {name: getattr(rows[month], name) if month in rows else 0 for name in MONTH_COUNTERS}
        for month in months_between(first_month, last_month)
    ]


_node_figures = getattr(analytics, "node_figures", _local_node_figures)
_child_org_figures = getattr(analytics, "child_org_figures", _local_child_org_figures)
_month_series = getattr(analytics, "month_series", _local_month_series)
# --- end fallback -----------------------------------------------------------------------


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    month = first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def last_months(today: dt.date, n: int = 12) -> tuple[dt.date, dt.date]:
    """The first days of the month n-1 months ago and of this month."""
    last = today.replace(day=1)
    first = last
    for _ in range(n - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, last


def node_figures(user: Any, node: str, path: str) -> dict[str, Any] | None:
    return _node_figures(user, node, path)


def month_series(
    user: Any, node: str, path: str, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    return list(_month_series(user, node, path, first, last))


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
    rows = _child_org_figures(user, org.path, org.depth)
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
