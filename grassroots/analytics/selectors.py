"""Reading prepared figures: one indexed query per call, scoped to the caller.

The dashboards, the reports, the portal and the figures API read figures through these
functions only, so that a rate is derived one way everywhere (`rates`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Sum

from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
)
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.party.models import Instructor, Organization

# Derived figures: name -> (part, base, unit). A figure is part ÷ base (÷ unit: the scores
# are kept in tenths), None when the base is 0; each appears where its counters do.
RATES: dict[str, tuple[str, str, int]] = {
    "response_rate": ("responded_on_time", "response_base", 1),
    "resolution_rate": ("resolved", "resolution_base", 1),
    "satisfaction_rate": ("satisfied_callbacks", "callbacks", 1),
    "on_time_rate": ("on_time", "on_time_base", 1),
    "coverage_30d": ("visited_30d", "households", 1),
    "coverage_90d": ("visited_90d", "households", 1),
    "households_per_rep": ("households", "representatives", 1),
    "duty_completion": ("duty_done_month", "duty_total_month", 1),
    "avg_quarter_score": ("score_quarter_tenths", "scored_quarter", 10),
    "avg_inspection_score": ("inspection_tenths_quarter", "inspections_quarter", 10),
    # MonthFigures' own names
    "month_duty_completion": ("duty_done", "duty_total", 1),
}
PUBLIC_CACHE_SECONDS = 60  # the portal shows figures at most a minute old


def rate(part: int, base: int, unit: int = 1) -> float | None:
    """part ÷ base (unrounded: the pages format it), None when there is no base."""
    if not base:
        return None
    value = part / base
    return value / unit if unit != 1 else value


def rates(counters: dict[str, Any]) -> dict[str, float | None]:
    """Every derived figure whose counters are in `counters`."""
    return {
        name: rate(counters[part], counters[base], unit)
        for name, (part, base, unit) in RATES.items()
        if part in counters and base in counters
    }


def _counters(row: Any, names: tuple[str, ...]) -> dict[str, int]:
    return {c: getattr(row, c) for c in names}


def place_figures(user: Any, path: str) -> PlaceFigures | None:
    """A place's figures, or None when the place is outside the user's reach."""
    return PlaceFigures.objects.visible_to(user).filter(path=path).first()


def prepared_households(user: Any, path: str) -> int | None:
    """The prepared household count of a place (grid's household list reads it)."""
    figures = place_figures(user, path)
    return None if figures is None else figures.households


def child_figures(user: Any, path: str, depth: int) -> list[PlaceFigures]:
    """Figures of a place's children (one range scan on the path index)."""
    return list(
        PlaceFigures.objects.visible_to(user)
        .filter(depth=depth + 1, path__startswith=path)
        .order_by("path")
    )


def org_figures(user: Any, path: str) -> OrgFigures | None:
    return OrgFigures.objects.visible_to(user).filter(path=path).first()


def child_org_figures(user: Any, path: str, depth: int) -> list[OrgFigures]:
    """Figures of an organisation's children (committee → branches), in path order."""
    return list(
        OrgFigures.objects.visible_to(user)
        .filter(depth=depth + 1, path__startswith=path)
        .order_by("path")
    )


def figures_dict(row: PlaceFigures | OrgFigures) -> dict[str, Any]:
    """One node's counters and derived figures, as the API and the pages show them."""
    if isinstance(row, PlaceFigures):
        node, node_id, counters = MonthFigures.Node.PLACE, row.place_id, PLACE_COUNTERS
    else:
        node, node_id, counters = MonthFigures.Node.ORG, row.organization_id, ORG_COUNTERS
    values = _counters(row, counters)
    return {
        "node": str(node),
        "id": node_id,
        "path": row.path,
        "depth": row.depth,
        **values,
        **rates(values),
        "updated_at": row.updated_at,
    }


def node_figures(user: Any, node: str, path: str) -> dict[str, Any] | None:
    """One node's counters plus derived rates; None if out of the user's scope."""
    row = place_figures(user, path) if node == MonthFigures.Node.PLACE else org_figures(user, path)
    return None if row is None else figures_dict(row)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from first's to last's (inclusive)."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def month_series(
    user: Any, node: str, path: str, first_month: dt.date, last_month: dt.date
) -> list[dict[str, Any]]:
    """One node's months from first to last (inclusive), a zero row for a month without
    data, each with its rates; [] when the node is out of the user's scope."""
    model = PlaceFigures if node == MonthFigures.Node.PLACE else OrgFigures
    if not model.objects.visible_to(user).filter(path=path).exists():
        return []
    wanted = months(first_month, last_month)
    found = {
        row["month"]: row
        for row in MonthFigures.objects.visible_to(user)
        .filter(node=node, path=path, month__gte=wanted[0] if wanted else first_month)
        .filter(month__lte=last_month)
        .values("month", *MONTH_COUNTERS)
    }
    series = []
    for month in wanted:
        values = {c: found.get(month, {}).get(c, 0) for c in MONTH_COUNTERS}
        series.append({"month": month, **values, **rates(values)})
    return series


def public_figures(town_path: str | None = None) -> dict[str, Any]:
    """The portal's figures (no login, no personal data): one town, or every town.

    Read from the prepared rows of the top node(s) only, and cached for a few minutes.
    """
    key = f"analytics:public_figures:{town_path or '*'}"
    found = cache.get(key)
    if found is None:
        found = _public_figures(town_path)
        cache.set(key, found, PUBLIC_CACHE_SECONDS)
    return found


def _public_figures(town_path: str | None) -> dict[str, Any]:
    # Public: totals of whole towns, never a row about a person.
    places = unscoped(PlaceFigures, why=Unscoped.PUBLIC)
    places = places.filter(path=town_path) if town_path else places.filter(depth=1)
    orgs = unscoped(OrgFigures, why=Unscoped.PUBLIC)
    instructors = unscoped(Instructor, why=Unscoped.PUBLIC).filter(kind=Instructor.Kind.INSTRUCTOR)
    if town_path:
        # The town's committee: the outermost committee of the town (its figures hold the rest).
        committees = unscoped(Organization, why=Unscoped.PUBLIC).filter(
            town__path=town_path, kind=Organization.Kind.COMMITTEE
        )
        top = committees.order_by("depth").values_list("depth", flat=True).first()
        orgs = orgs.filter(path__in=committees.filter(depth=top).values("path"))
        instructors = instructors.filter(town__path=town_path)
    else:
        orgs = orgs.filter(depth=1)
    p = places.aggregate(
        households=Sum("households"),
        residents=Sum("residents"),
        representatives=Sum("representatives"),
        resolved=Sum("resolved"),
        callbacks=Sum("callbacks"),
        satisfied=Sum("satisfied_callbacks"),
        updated=Max("updated_at"),
    )
    o = orgs.aggregate(
        branches=Sum("branches"),
        members=Sum("members"),
        demonstration=Sum("sites_demonstration"),
        updated=Max("updated_at"),
    )
    updated = max((u for u in (p["updated"], o["updated"]) if u), default=None)
    return {
        "households": p["households"] or 0,
        "residents": p["residents"] or 0,
        "representatives": p["representatives"] or 0,
        "branches": o["branches"] or 0,
        "instructors": instructors.count(),
        "members": o["members"] or 0,
        "demonstration_sites": o["demonstration"] or 0,
        "cases_resolved_this_year": p["resolved"] or 0,
        "satisfaction_rate": rate(p["satisfied"] or 0, p["callbacks"] or 0),
        "updated_at": updated,
    }
