"""The figures a report reads: `grassroots.analytics.selectors`, nothing else.

The report's numbers must equal the dashboard's, so it calls the same selectors
(`node_figures`, `child_figures`, `child_org_figures`, `month_series`) and derives
rates with analytics' `rate`.
"""

from __future__ import annotations

from typing import Any

from grassroots.analytics import selectors as analytics

# --- the month's rates (a rate = part ÷ base; None when the base is 0) -------------

MONTH_RATES = {
    "response_rate": ("responded_on_time", "response_base"),
    "resolution_rate": ("resolved", "resolution_base"),
    "satisfaction_rate": ("satisfied_callbacks", "callbacks"),
    "on_time_rate": ("on_time", "on_time_base"),
    "duty_completion": ("duty_done", "duty_total"),
}


def rate(part: int | float | None, base: int | float | None) -> float | None:
    return analytics.rate(part or 0, base or 0)


def with_rates(counters: dict[str, Any]) -> dict[str, Any]:
    """A month's (or months' sum of) counters with the rates a report shows."""
    return {
        **counters,
        **{k: rate(counters.get(p), counters.get(b)) for k, (p, b) in MONTH_RATES.items()},
    }


months_between = analytics.months

node_figures = analytics.node_figures
child_figures = analytics.child_figures
child_org_figures = analytics.child_org_figures
month_series = analytics.month_series
