"""The figures a report reads: `grassroots.analytics.selectors`, nothing else.

The report's numbers must equal the dashboard's, so it calls the same selectors
(`node_figures`, `child_figures`, `child_org_figures`, `month_series`; the contract of
issue #13). Until the rollups branch that adds the last three is merged, the
fallbacks below implement that contract over the same prepared rows; once
`analytics.selectors` provides a name, it is used and its fallback is dead code.

MERGE: delete everything under "fallbacks" when the rollups branch is in main.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.analytics import selectors as analytics
from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
)

# --- the month's rates (a rate = part ÷ base; None when the base is 0) -------------

MONTH_RATES = {
    "response_rate": ("responded_on_time", "response_base"),
    "resolution_rate": ("resolved", "resolution_base"),
    "satisfaction_rate": ("satisfied_callbacks", "callbacks"),
    "on_time_rate": ("on_time", "on_time_base"),
    "duty_completion": ("duty_done", "duty_total"),
}


def rate(part: int | float | None, base: int | float | None) -> float | None:
    return None if not base else (part or 0) / base


def with_rates(counters: dict[str, Any]) -> dict[str, Any]:
    """A month's (or months' sum of) counters with the rates a report shows."""
    return {
        **counters,
        **{k: rate(counters.get(p), counters.get(b)) for k, (p, b) in MONTH_RATES.items()},
    }


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


# --- fallbacks (MERGE: delete with the rollups branch) -----------------------------


def _place_rates(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "response_rate": rate(d.get("responded_on_time"), d.get("response_base")),
        "resolution_rate": rate(d.get("resolved"), d.get("resolution_base")),
        "satisfaction_rate": rate(d.get("satisfied_callbacks"), d.get("callbacks")),
        "on_time_rate": rate(d.get("on_time"), d.get("on_time_base")),
        "coverage_30d": rate(d.get("visited_30d"), d.get("households")),
        "coverage_90d": rate(d.get("visited_90d"), d.get("households")),
        "households_per_rep": rate(d.get("households"), d.get("representatives")),
    }


def _org_rates(d: dict[str, Any]) -> dict[str, Any]:
    quarter = rate(d.get("score_quarter_tenths"), d.get("scored_quarter"))
    inspection = rate(d.get("inspection_tenths_quarter"), d.get("inspections_quarter"))
    return {
        "duty_completion": rate(d.get("duty_done_month"), d.get("duty_total_month")),
        "avg_quarter_score": None if quarter is None else quarter / 10,
        "avg_inspection_score": None if inspection is None else inspection / 10,
    }


def _node_figures(user: Any, node: str, path: str) -> dict[str, Any] | None:
    if node == "place":
        row: Any = PlaceFigures.objects.visible_to(user).filter(path=path).first()
        counters, rates = PLACE_COUNTERS, _place_rates
    else:
        row = OrgFigures.objects.visible_to(user).filter(path=path).first()
        counters, rates = ORG_COUNTERS, _org_rates
    if row is None:
        return None
    d: dict[str, Any] = {c: getattr(row, c) for c in counters}
    d.update(rates(d), path=row.path, depth=row.depth, updated_at=row.updated_at)
    return d


def _child_org_figures(user: Any, path: str, depth: int) -> list[Any]:
    return list(
        OrgFigures.objects.visible_to(user)
        .filter(depth=depth + 1, path__startswith=path)
        .order_by("path")
    )


def _month_series(
    user: Any, node: str, path: str, first_month: dt.date, last_month: dt.date
) -> list[dict[str, Any]]:
    rows = {
        r.month: r
        for r in MonthFigures.objects.visible_to(user).filter(
            node=node, path=path, month__gte=first_month, month__lte=last_month
        )
    }
    return [
        {"month": m, **{c: getattr(rows[m], c) if m in rows else 0 for c in MONTH_COUNTERS}}
        for m in months_between(first_month, last_month)
    ]


node_figures = getattr(analytics, "node_figures", _node_figures)
child_figures = analytics.child_figures
child_org_figures = getattr(analytics, "child_org_figures", _child_org_figures)
month_series = getattr(analytics, "month_series", _month_series)
