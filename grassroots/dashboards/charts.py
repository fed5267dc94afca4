"""The charts of a dashboard, as data: what is drawn, its table and its spreadsheet.

A `Chart` is built from the figures (figures.py) and nothing else; the page draws it with
`<c-chart :chart=...>` (the chart, its table, its export link) and the export view writes
the same table as .xlsx, so the picture, the table and the file always hold the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from grassroots.core.templatetags.kit import UNKNOWN, count, rate
from grassroots.dashboards.figures import case_rate_mean, ratio
from grassroots.sites.models import Stage

COUNT = "count"
PCT = "pct"  # a rate on 0–1, drawn and tabled as a percentage
SCORE = "score"  # points, one decimal


def fmt(value: float | int | None, unit: str) -> str:
    """A figure as read on the page: 6,896 · 66.7% · 87.5 (– when unknown)."""
    if value is None:
        return UNKNOWN
    if unit == PCT:
        return rate(value)
    if unit == SCORE:
        return f"{value:.1f}"
    return count(value)


BAR = "bar"  # vertical bars, grouped when there are several series
HBAR = "hbar"  # horizontal bars: rankings and the funnel (long names read across)


@dataclass
class Chart:
    key: str
    title: str | Promise
    kind: str
    unit: str
    categories: list[str]
    series: list[tuple[str | Promise, list[float | None]]]
    export_url: str = ""
    # The first column's heading in the table and the spreadsheet.
    category_label: str | Promise = ""
    note: str | Promise = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def has_data(self) -> bool:
        return any(v for _name, values in self.series for v in values)

    def shown(self, value: float | None) -> float | None:
        """A value as drawn and exported: percentages 0–100 and scores with one decimal."""
        if value is None:
            return None
        if self.unit == PCT:
            return round(value * 100, 1)
        if self.unit == SCORE:
            return round(value, 1)
        return value

    @property
    def spec(self) -> dict[str, Any]:
        """What charts.js draws (the page puts it in a json_script)."""
        return {
            "kind": self.kind,
            "unit": self.unit,
            "categories": self.categories,
            "series": [
                {"name": str(name), "data": [self.shown(v) for v in values]}
                for name, values in self.series
            ],
        }

    @property
    def headers(self) -> list[str]:
        suffix = " (%)" if self.unit == PCT else ""
        return [str(self.category_label)] + [f"{name}{suffix}" for name, _v in self.series]

    @property
    def display_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(category, [(column heading, figure as read)]) per row: the chart's table."""
        return [
            (category, [(str(name), fmt(values[i], self.unit)) for name, values in self.series])
            for i, category in enumerate(self.categories)
        ]

    @property
    def series_names(self) -> list[str]:
        return [str(name) for name, _values in self.series]

    @property
    def rows(self) -> list[list[Any]]:
        return [
            [category] + [self.shown(values[i]) for _name, values in self.series]
            for i, category in enumerate(self.categories)
        ]


# --- labels (shared by tiles, tables and charts) -------------------------------------------
L = {
    "households": pgettext_lazy("count", "households"),
    "residents": pgettext_lazy("count", "residents"),
    "representatives": pgettext_lazy("count", "representatives"),
    "households_per_rep": gettext_lazy("Households per representative"),
    "coverage_30d": gettext_lazy("Visited in 30 days"),
    "coverage_90d": gettext_lazy("Visited in 90 days"),
    "cases_open": gettext_lazy("Open cases"),
    "cases_overdue": gettext_lazy("Overdue cases"),
    "cases_year": gettext_lazy("Cases this year"),
    "response_rate": gettext_lazy("Response rate"),
    "resolution_rate": gettext_lazy("Resolution rate"),
    "satisfaction_rate": gettext_lazy("Satisfaction rate"),
    "on_time_rate": gettext_lazy("On-time closing rate"),
    "case_rate_mean": gettext_lazy("Mean of the case rates"),
    "members": gettext_lazy("Party members"),
    "branches": pgettext_lazy("count", "branches"),
    "duty_completion": gettext_lazy("Duties done this month"),
    "duty_overdue": gettext_lazy("Overdue duties"),
    "avg_quarter_score": gettext_lazy("Quarterly score"),
    "inspections_quarter": gettext_lazy("Inspections this quarter"),
    "avg_inspection_score": gettext_lazy("Mean inspection score"),
    "rectify_open": gettext_lazy("Rectification open"),
    "rectify_overdue": gettext_lazy("Rectification overdue"),
    "training_met": gettext_lazy("Members who met the study hours"),
    "training_hours": gettext_lazy("Study hours this year"),
    "training_attendances": gettext_lazy("Training attendances this year"),
    "sites_in_use": gettext_lazy("Sites in use"),
    "sites_demonstration": gettext_lazy("Demonstration sites"),
}


def _month_label(month: dt.date) -> str:
    return date_format(month, "Y-m")


def _per_child(
    key: str,
    title: str | Promise,
    children: Sequence[tuple[Any, dict[str, Any]]],
    columns: Sequence[tuple[str | Promise, Callable[[dict[str, Any]], float | None]]],
    unit: str,
    category_label: str | Promise,
    *,
    rank: bool = False,
) -> Chart:
    """One bar (or group of bars) per child; a ranking sorts by the first column, best first."""
    rows = [(str(obj), [f(figs) for _label, f in columns]) for obj, figs in children]
    if rank:
        rows.sort(key=lambda r: (r[1][0] is None, -(r[1][0] or 0)))
    return Chart(
        key=key,
        title=title,
        kind=HBAR,
        unit=unit,
        categories=[name for name, _values in rows],
        series=[
            (label, [values[i] for _name, values in rows]) for i, (label, _f) in enumerate(columns)
        ],
        category_label=category_label,
    )


def place_charts(
    figures: dict[str, Any],
    months: list[dict[str, Any]],
    children: Sequence[tuple[Any, dict[str, Any]]],
) -> list[Chart]:
    """The charts of a grid node: trends, the case funnel, the children's ranking and coverage."""
    month_label = pgettext_lazy("chart", "Month")
    place_label = pgettext_lazy("division", "place")
    charts = [
        Chart(
            key="trend",
            title=gettext_lazy("Visits and cases, last 12 months"),
            kind=BAR,
            unit=COUNT,
            categories=[_month_label(m["month"]) for m in months],
            series=[
                (pgettext_lazy("chart", "Visits"), [m["visits"] for m in months]),
                (gettext_lazy("Cases submitted"), [m["cases_submitted"] for m in months]),
                (gettext_lazy("Cases closed"), [m["cases_closed"] for m in months]),
            ],
            category_label=month_label,
        ),
        Chart(
            key="funnel",
            title=gettext_lazy("Cases this year: from submitted to satisfied"),
            kind=HBAR,
            unit=COUNT,
            categories=[
                str(pgettext_lazy("case funnel", "Submitted")),
                str(pgettext_lazy("case funnel", "Responded on time")),
                str(pgettext_lazy("case funnel", "Resolved")),
                str(pgettext_lazy("case funnel", "Satisfied")),
            ],
            series=[
                (
                    L["cases_year"],
                    [
                        figures["cases_year"],
                        figures["responded_on_time"],
                        figures["resolved"],
                        figures["satisfied_callbacks"],
                    ],
                )
            ],
            category_label=pgettext_lazy("case funnel", "Step"),
        ),
    ]
    if children:
        charts.append(
            _per_child(
                "ranking",
                gettext_lazy("Ranking by the mean of the case rates"),
                children,
                [(L["case_rate_mean"], case_rate_mean)],
                PCT,
                place_label,
                rank=True,
            )
        )
        charts.append(
            _per_child(
                "coverage",
                gettext_lazy("Households visited in 30 and 90 days"),
                children,
                [
                    (L["coverage_30d"], lambda f: f["coverage_30d"]),
                    (L["coverage_90d"], lambda f: f["coverage_90d"]),
                ],
                PCT,
                place_label,
            )
        )
    return charts


def org_charts(
    figures: dict[str, Any],
    months: list[dict[str, Any]],
    children: Sequence[tuple[Any, dict[str, Any]]],
) -> list[Chart]:
    """The charts of a Party organisation: its branches' scores, duties, trainings, sites."""
    charts = [
        Chart(
            key="duty_trend",
            title=gettext_lazy("Duties and trainings, last 12 months"),
            kind=BAR,
            unit=COUNT,
            categories=[_month_label(m["month"]) for m in months],
            series=[
                (gettext_lazy("Duties due"), [m["duty_total"] for m in months]),
                (gettext_lazy("Duties done"), [m["duty_done"] for m in months]),
                (gettext_lazy("Training attendances"), [m["training_attendances"] for m in months]),
            ],
            category_label=pgettext_lazy("chart", "Month"),
        ),
        Chart(
            key="sites",
            title=gettext_lazy("Site projects by stage"),
            kind=BAR,
            unit=COUNT,
            categories=[
                str(pgettext_lazy("site stage", "Survey to design")),
                str(Stage.BUILD.label),
                str(Stage.ACCEPTANCE.label),
                str(Stage.IN_USE.label),
            ],
            series=[
                (
                    gettext_lazy("Site projects"),
                    [
                        figures["sites_planned"],
                        figures["sites_build"],
                        figures["sites_acceptance"],
                        figures["sites_in_use"],
                    ],
                )
            ],
            category_label=gettext_lazy("Stage"),
        ),
    ]
    if children:
        charts += _org_children_charts(children)
    return charts


def _org_children_charts(children: Sequence[tuple[Any, dict[str, Any]]]) -> list[Chart]:
    """The child organisations ranked: quarterly score, duties done, study hours met."""
    org_label = gettext_lazy("Party organisation")
    return [
        _per_child(
            "branch_scores",
            gettext_lazy("Ranking by the quarterly score"),
            children,
            [(L["avg_quarter_score"], lambda f: f["avg_quarter_score"])],
            SCORE,
            org_label,
            rank=True,
        ),
        _per_child(
            "duties",
            gettext_lazy("Duties done this month"),
            children,
            [(L["duty_completion"], lambda f: f["duty_completion"])],
            PCT,
            org_label,
            rank=True,
        ),
        _per_child(
            "training",
            gettext_lazy("Members who met this year's study hours"),
            children,
            [
                (
                    L["training_met"],
                    lambda f: ratio(f["training_members_met_year"], f["members"]),
                )
            ],
            PCT,
            org_label,
            rank=True,
        ),
    ]


def by_key(charts: Sequence[Chart], key: str) -> Chart | None:
    return next((c for c in charts if c.key == key), None)


def no_data_text() -> str:
    return _("No figures for this chart yet.")


# --- the children's table (drill-down) ------------------------------------------------------
@dataclass
class Column:
    label: str | Promise
    value: Callable[[dict[str, Any]], float | int | None]
    unit: str = COUNT


PLACE_COLUMNS = [
    Column(L["households"], lambda f: f["households"]),
    Column(L["residents"], lambda f: f["residents"]),
    Column(L["representatives"], lambda f: f["representatives"]),
    Column(L["coverage_30d"], lambda f: f["coverage_30d"], PCT),
    Column(L["coverage_90d"], lambda f: f["coverage_90d"], PCT),
    Column(L["cases_open"], lambda f: f["cases_open"]),
    Column(L["cases_overdue"], lambda f: f["cases_overdue"]),
    Column(L["cases_year"], lambda f: f["cases_year"]),
    Column(L["case_rate_mean"], case_rate_mean, PCT),
]
ORG_COLUMNS = [
    Column(L["members"], lambda f: f["members"]),
    Column(L["branches"], lambda f: f["branches"]),
    Column(L["duty_completion"], lambda f: f["duty_completion"], PCT),
    Column(L["duty_overdue"], lambda f: f["duty_overdue"]),
    Column(L["avg_quarter_score"], lambda f: f["avg_quarter_score"], SCORE),
    Column(L["rectify_open"], lambda f: f["rectify_open"]),
    Column(L["rectify_overdue"], lambda f: f["rectify_overdue"]),
    Column(L["training_met"], lambda f: f["training_members_met_year"]),
    Column(L["sites_in_use"], lambda f: f["sites_in_use"]),
]


@dataclass
class Cell:
    value: float | int | None
    unit: str
    label: str = ""  # the column's heading (a phone shows the table as cards)

    @property
    def display(self) -> str:
        return fmt(self.value, self.unit)


@dataclass
class Row:
    name: str
    url: str
    cells: list[Cell]


@dataclass
class Table:
    """Children of a node with their figures, and a total row: the node's own figures."""

    key: str
    title: str | Promise
    category_label: str | Promise
    columns: list[Column]
    rows: list[Row]
    total: Row
    export_url: str = ""

    @property
    def headers(self) -> list[str]:
        return [str(self.category_label)] + [
            f"{c.label} (%)" if c.unit == PCT else str(c.label) for c in self.columns
        ]

    def export_rows(self) -> list[list[Any]]:
        def shown(cell: Cell) -> Any:
            if cell.value is None:
                return None
            if cell.unit == PCT:
                return round(cell.value * 100, 1)
            if cell.unit == SCORE:
                return round(cell.value, 1)
            return cell.value

        return [[r.name] + [shown(c) for c in r.cells] for r in [*self.rows, self.total]]


def children_table(
    key: str,
    title: str | Promise,
    category_label: str | Promise,
    columns: list[Column],
    children: Sequence[tuple[Any, dict[str, Any], str]],
    node_name: str,
    node_figures: dict[str, Any],
) -> Table:
    def cells(f: dict[str, Any]) -> list[Cell]:
        return [Cell(c.value(f), c.unit, str(c.label)) for c in columns]

    return Table(
        key=key,
        title=title,
        category_label=category_label,
        columns=columns,
        rows=[Row(str(obj), url, cells(f)) for obj, f, url in children],
        total=Row(_("Total: %(name)s") % {"name": node_name}, "", cells(node_figures)),
    )
