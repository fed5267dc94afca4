"""The figure tiles on top of a dashboard, each linked to the records it counts.

Lists that filter by place or organisation get the node's filter (households of the place,
cases under it, the branch's duties, rectification items of the unit, the branch's sites);
the others link to the closest page the reader may open (links.py), or to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from grassroots.core.scoping import Scope
from grassroots.dashboards.charts import COUNT, PCT, SCORE, L, fmt
from grassroots.dashboards.links import href
from grassroots.grid.models import Place
from grassroots.party.models import Organization

BRANCH_KINDS = (Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH)


@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    value: int | float | None
    href: str = ""
    kind: str = COUNT  # COUNT, PCT (0–1) or SCORE (points)
    danger: bool = False

    @property
    def display(self) -> str:
        return fmt(self.value, self.kind)


def place_tiles(scope: Scope, place: Place, f: dict[str, Any]) -> list[Tile]:
    pk = place.pk
    cases = {"under": pk}
    return [
        Tile(
            "households",
            L["households"],
            f["households"],
            href(scope, "grid:household_list", place=pk),
        ),
        Tile("residents", L["residents"], f["residents"], href(scope, "grid:place", pk)),
        Tile(
            "representatives",
            L["representatives"],
            f["representatives"],
            href(scope, "grid:place", pk),
        ),
        Tile(
            "households_per_rep",
            L["households_per_rep"],
            f["households_per_rep"],
            href(scope, "grid:place", pk),
            SCORE,
        ),
        Tile(
            "coverage_30d",
            L["coverage_30d"],
            f["coverage_30d"],
            href(scope, "grid:household_list", place=pk, visit="recent"),
            PCT,
        ),
        # The household list filters visits by 30 days only: the 90-day figure lists the place.
        Tile(
            "coverage_90d",
            L["coverage_90d"],
            f["coverage_90d"],
            href(scope, "grid:household_list", place=pk),
            PCT,
        ),
        Tile(
            "cases_open",
            L["cases_open"],
            f["cases_open"],
            href(scope, "cases:inbox", open="true", **cases),
        ),
        Tile(
            "cases_overdue",
            L["cases_overdue"],
            f["cases_overdue"],
            href(scope, "cases:inbox", overdue="true", **cases),
            danger=bool(f["cases_overdue"]),
        ),
        Tile("cases_year", L["cases_year"], f["cases_year"], href(scope, "cases:inbox", **cases)),
        # The town's measures page ranks its villages; it does not filter by place.
        Tile(
            "response_rate",
            L["response_rate"],
            f["response_rate"],
            href(scope, "cases:measures"),
            PCT,
        ),
        Tile(
            "resolution_rate",
            L["resolution_rate"],
            f["resolution_rate"],
            href(scope, "cases:measures"),
            PCT,
        ),
        Tile(
            "satisfaction_rate",
            L["satisfaction_rate"],
            f["satisfaction_rate"],
            href(scope, "cases:measures"),
            PCT,
        ),
        Tile(
            "on_time_rate", L["on_time_rate"], f["on_time_rate"], href(scope, "cases:measures"), PCT
        ),
    ]


def org_tiles(scope: Scope, org: Organization, f: dict[str, Any]) -> list[Tile]:
    pk = org.pk
    branch = org.kind in BRANCH_KINDS
    duties = (
        href(scope, "duties:branch", pk)
        if branch
        else href(scope, "duties:board", cadence="monthly")
    )
    # The ledger's unit filter is one organisation, not a subtree: a committee lists its reach.
    ledger = {"unit": pk} if branch else {}
    sites = {"branch": pk} if branch else {"town": org.town_id}
    return [
        Tile("members", L["members"], f["members"], href(scope, "party:org", pk)),
        Tile("branches", L["branches"], f["branches"], href(scope, "party:org", pk)),
        Tile("duty_completion", L["duty_completion"], f["duty_completion"], duties, PCT),
        Tile(
            "duty_overdue",
            L["duty_overdue"],
            f["duty_overdue"],
            duties,
            danger=bool(f["duty_overdue"]),
        ),
        Tile(
            "avg_quarter_score",
            L["avg_quarter_score"],
            f["avg_quarter_score"],
            href(scope, "cadence:reviews"),
            SCORE,
        ),
        Tile(
            "inspections_quarter",
            L["inspections_quarter"],
            f["inspections_quarter"],
            href(scope, "inspections:index"),
        ),
        Tile(
            "rectify_open",
            L["rectify_open"],
            f["rectify_open"],
            href(scope, "rectify:ledger", **ledger),
        ),
        Tile(
            "rectify_overdue",
            L["rectify_overdue"],
            f["rectify_overdue"],
            href(scope, "rectify:ledger", overdue="true", **ledger),
            danger=bool(f["rectify_overdue"]),
        ),
        Tile(
            "training_met",
            L["training_met"],
            f["training_members_met_year"],
            href(scope, "trainings:hours"),
        ),
        Tile(
            "training_hours",
            L["training_hours"],
            f["training_hours_tenths_year"] / 10,
            href(scope, "trainings:hours"),
            SCORE,
        ),
        Tile(
            "sites_in_use",
            L["sites_in_use"],
            f["sites_in_use"],
            href(scope, "sites:board", stage="in_use", **sites),
        ),
        Tile(
            "sites_demonstration",
            L["sites_demonstration"],
            f["sites_demonstration"],
            href(scope, "sites:board", is_demonstration="true", **sites),
        ),
    ]
