"""What a report holds and how it is laid out: its figures, its sheets, its printed tables.

The figures are read as the node itself would be read by its administrator (a reader
whose scope is exactly the node's subtree and its Party committee), whoever asked: the
same node and period give the same report, and the numbers equal what the dashboard
shows for that node (both read `grassroots.analytics.selectors`, through `figures`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from grassroots.analytics.models import MONTH_COUNTERS
from grassroots.cadence import schedule
from grassroots.cadence import selectors as cadence_selectors
from grassroots.cadence.templatetags.cadence_tags import period_label
from grassroots.core import clock, xlsx
from grassroots.core.scoping import Scope, Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.inspections.models import Inspection
from grassroots.party.models import Organization
from grassroots.reports import figures as F
from grassroots.reports.models import Report

# The nodes a report is made for: a town (or subdistrict), or a county over its towns.
NODE_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT, Place.Kind.COUNTY)

INT, RATE, HOURS, SCORE = "int", "rate", "hours", "score"


# The period's flow (the months' MonthFigures summed), in the order the report shows it.
PERIOD_ROWS = (
    ("visits", pgettext_lazy("report", "Household visits"), INT),
    ("cases_submitted", pgettext_lazy("report", "Cases submitted"), INT),
    ("cases_closed", pgettext_lazy("report", "Cases closed"), INT),
    ("response_rate", pgettext_lazy("report", "Response rate"), RATE),
    ("resolution_rate", pgettext_lazy("report", "Resolution rate"), RATE),
    ("satisfaction_rate", pgettext_lazy("report", "Satisfaction rate"), RATE),
    ("on_time_rate", pgettext_lazy("report", "On-time rate"), RATE),
    ("duty_done", pgettext_lazy("report", "Duties done"), INT),
    ("duty_total", pgettext_lazy("report", "Duties due"), INT),
    ("duty_completion", pgettext_lazy("report", "Duty completion"), RATE),
    ("training_attendances", pgettext_lazy("report", "Training attendances"), INT),
    ("training_hours", pgettext_lazy("report", "Study hours"), HOURS),
)
# The stock as of generation (the node's prepared figures).
STOCK_ROWS = (
    ("households", pgettext_lazy("report", "Households"), INT),
    ("residents", pgettext_lazy("report", "Residents"), INT),
    ("representatives", pgettext_lazy("report", "Household representatives"), INT),
    ("coverage_30d", pgettext_lazy("report", "Visit coverage (30 days)"), RATE),
    ("coverage_90d", pgettext_lazy("report", "Visit coverage (90 days)"), RATE),
    ("cases_open", pgettext_lazy("report", "Open cases"), INT),
    ("cases_overdue", pgettext_lazy("report", "Overdue cases"), INT),
    ("members", pgettext_lazy("report", "Party members"), INT),
    ("branches", pgettext_lazy("report", "Branches"), INT),
    ("rectify_open", pgettext_lazy("report", "Open rectification items"), INT),
    ("rectify_overdue", pgettext_lazy("report", "Overdue rectification items"), INT),
    ("sites_in_use", pgettext_lazy("report", "Sites in use"), INT),
    ("sites_demonstration", pgettext_lazy("report", "Demonstration sites"), INT),
)
QUARTER_ROWS = (
    ("inspections", pgettext_lazy("report", "Inspections"), INT),
    ("inspection_average", pgettext_lazy("report", "Average inspection score"), SCORE),
    ("score_average", pgettext_lazy("report", "Average quarterly score"), SCORE),
)
VILLAGE_COLUMNS = (
    ("households", pgettext_lazy("report", "Households"), INT),
    ("residents", pgettext_lazy("report", "Residents"), INT),
    ("representatives", pgettext_lazy("report", "Household representatives"), INT),
    ("coverage_30d", pgettext_lazy("report", "Visit coverage (30 days)"), RATE),
    ("visits", pgettext_lazy("report", "Household visits"), INT),
    ("cases_submitted", pgettext_lazy("report", "Cases submitted"), INT),
    ("cases_closed", pgettext_lazy("report", "Cases closed"), INT),
    ("cases_open", pgettext_lazy("report", "Open cases"), INT),
    ("cases_overdue", pgettext_lazy("report", "Overdue cases"), INT),
    ("response_rate", pgettext_lazy("report", "Response rate"), RATE),
    ("resolution_rate", pgettext_lazy("report", "Resolution rate"), RATE),
    ("satisfaction_rate", pgettext_lazy("report", "Satisfaction rate"), RATE),
    ("on_time_rate", pgettext_lazy("report", "On-time rate"), RATE),
)
# A village's stock (as of generation) and its flow in the period.
VILLAGE_STOCK = (
    "households",
    "residents",
    "representatives",
    "coverage_30d",
    "cases_open",
    "cases_overdue",
)
VILLAGE_FLOW = tuple(c[0] for c in VILLAGE_COLUMNS if c[0] not in VILLAGE_STOCK)
BRANCH_COLUMNS = (
    ("members", pgettext_lazy("report", "Party members"), INT),
    ("duty_done", pgettext_lazy("report", "Duties done"), INT),
    ("duty_total", pgettext_lazy("report", "Duties due"), INT),
    ("duty_completion", pgettext_lazy("report", "Duty completion"), RATE),
    ("training_attendances", pgettext_lazy("report", "Training attendances"), INT),
    ("training_hours", pgettext_lazy("report", "Study hours"), HOURS),
    ("rectify_open", pgettext_lazy("report", "Open rectification items"), INT),
    ("rectify_overdue", pgettext_lazy("report", "Overdue rectification items"), INT),
)
SCORE_COLUMNS = (
    ("score", pgettext_lazy("report", "Quarterly score"), SCORE),
    ("rank", pgettext_lazy("report", "Rank"), INT),
    ("band", pgettext_lazy("report", "Band"), ""),
)


@dataclass
class NodeReader:
    """Who the report's reads run as: a reach of exactly the node (and its committee).

    The analytics selectors take a user; a report is the node's, not its requester's, so
    every generation (by hand or by the schedule) reads through the same reach.
    """

    place_path: str
    org_path: str
    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True
    _grassroots_scope: Scope = field(init=False)

    def __post_init__(self) -> None:
        # core.scoping.scope_for reads this memo first: no roles, no capabilities, reach only.
        self._grassroots_scope = Scope(
            place_paths=(self.place_path,),
            org_paths=(self.org_path,) if self.org_path else (),
        )


# --- periods ------------------------------------------------------------------------


def period_bounds(kind: str, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a report's period; ValidationError on a malformed key."""
    try:
        if kind == Report.Kind.MONTHLY:
            return schedule.month_bounds(period)
        if kind == Report.Kind.QUARTERLY:
            return schedule.quarter_bounds(period)
    except ValueError:
        pass
    raise ValidationError({"period": _("Enter a period such as 2026-11 or 2026-Q4.")})


def last_complete_period(kind: str, today: dt.date) -> str:
    """The latest period that has ended by `today` (the one the schedule reports on)."""
    if kind == Report.Kind.MONTHLY:
        return schedule.month_key(today.replace(day=1) - dt.timedelta(days=1))
    start, _end = schedule.quarter_bounds(schedule.quarter_key(today))
    return schedule.quarter_key(start - dt.timedelta(days=1))


def title_of(report: Report) -> str:
    label = period_label(report.period)
    name = report.figures.get("node_name") or report.place.name
    if report.kind == Report.Kind.QUARTERLY:
        text = _("%(node)s %(period)s quarterly review of Party-building-led grid governance")
    else:
        text = _("%(node)s %(period)s monthly report on Party-building-led grid governance")
    return text % {"node": name, "period": label}


# --- figures --------------------------------------------------------------------------


def committee_of(place: Place) -> Organization | None:
    """The Party committee of a node place (its figures are the branches' roll-up)."""
    # A system lookup; what is read through it is limited to the node's reach.
    return (
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(place=place, kind=Organization.Kind.COMMITTEE)
        .order_by("path")
        .first()
    )


def _summed(series: list[dict[str, Any]]) -> dict[str, Any]:
    # The counters add up over months; the rates are derived again from the sums.
    total: dict[str, Any] = dict.fromkeys(MONTH_COUNTERS, 0)
    for row in series:
        for key in MONTH_COUNTERS:
            total[key] += row.get(key) or 0
    out = F.with_rates(total)
    out["training_hours"] = total.get("training_hours_tenths", 0) / 10
    return out


def _plain(values: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-safe: the counters and rates only (no dates, no decimals)."""
    out: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if isinstance(value, Decimal):
            value = float(value)
        if value is None or isinstance(value, (int, float, str)):
            out[key] = value
    return out


def _period(reader: Any, node: str, path: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    return _summed(F.month_series(reader, node, path, start.replace(day=1), end.replace(day=1)))


def _field(row: Any, key: str) -> Any:
    """A figures row's value, whether the selector gives model rows or dicts."""
    return row.get(key) if isinstance(row, dict) else getattr(row, key)


def _villages(reader: NodeReader, place: Place, start: dt.date, end: dt.date) -> list[dict]:
    """Each child place: its stock as of now and its flow in the period."""
    paths = [_field(c, "path") for c in F.child_figures(reader, place.path, place.depth)]
    names = dict(
        Place.objects.visible_to(reader).filter(path__in=paths).values_list("path", "name")
    )
    villages = []
    for path in paths:
        stock = _plain(F.node_figures(reader, "place", path))
        flow = _period(reader, "place", path, start, end)
        row = {k: stock.get(k) for k in VILLAGE_STOCK} | {k: flow.get(k) for k in VILLAGE_FLOW}
        villages.append({"name": names.get(path, path), "path": path, **row})
    return villages


BRANCH_FLOW = ("duty_done", "duty_total", "duty_completion", "training_attendances")
BRANCH_STOCK = ("members", "rectify_open", "rectify_overdue")


def _branches(
    reader: NodeReader, committee: Organization, start: dt.date, end: dt.date, scores: dict
) -> list[dict]:
    """Each child organisation of the committee: its stock, its period, its quarter score."""
    orgs = F.child_org_figures(reader, committee.path, committee.depth)
    names = dict(
        Organization.objects.visible_to(reader)
        .filter(path__in=[_field(o, "path") for o in orgs])
        .values_list("path", "name")
    )
    branches = []
    for org in orgs:
        path = _field(org, "path")
        flow = _period(reader, "org", path, start, end)
        row: dict[str, Any] = {k: flow[k] for k in (*BRANCH_FLOW, "training_hours")}
        row.update({k: _field(org, k) for k in BRANCH_STOCK})
        score = scores.get(path)
        if score is not None:
            row.update(score=float(score.score), rank=score.rank, band=score.band)
        branches.append({"name": names.get(path, path), "path": path, **row})
    return branches


def _scores(reader: NodeReader, period: str) -> dict[str, Any]:
    """The quarter's branch scores (cadence's review) by organisation path."""
    try:
        return {s.org_path: s for s in cadence_selectors.review_rows(reader, period)}
    except Http404:  # no review of the quarter yet
        return {}


def _quarter(reader: NodeReader, start: dt.date, end: dt.date, branches: list) -> dict:
    """The quarter's inspections (done in it) and the branches' average score."""
    done = Inspection.objects.visible_to(reader).filter(
        inspected_on__gte=start,
        inspected_on__lte=end,
        status__in=(Inspection.Status.SUBMITTED, Inspection.Status.ACKNOWLEDGED),
    )
    totals = [float(t) for t in done.values_list("total", flat=True)]
    scored = [b["score"] for b in branches if "score" in b]
    return {
        "inspections": len(totals),
        "inspection_average": round(sum(totals) / len(totals), 1) if totals else None,
        "score_average": round(sum(scored) / len(scored), 1) if scored else None,
    }


def compute(*, kind: str, place: Place, start: dt.date, end: dt.date, period: str) -> dict:
    """The report's figures (a JSON snapshot), read through the node's own reach."""
    committee = committee_of(place)
    org_path = committee.path if committee else ""
    reader = NodeReader(place.path, org_path)
    quarterly = kind == Report.Kind.QUARTERLY
    flow = _period(reader, "place", place.path, start, end)
    stock = _plain(F.node_figures(reader, "place", place.path))
    branches: list[dict] = []
    if committee is not None:
        # Duties and trainings are the Party side's: the committee's rows, not the place's.
        org_flow = _period(reader, "org", org_path, start, end)
        flow.update({k: org_flow[k] for k in (*BRANCH_FLOW, "training_hours")})
        org_stock = _plain(F.node_figures(reader, "org", org_path))
        stock.update({k: v for k, v in org_stock.items() if k not in stock})
        scores = _scores(reader, period) if quarterly else {}
        branches = _branches(reader, committee, start, end, scores)
    return {
        "node_name": place.name,
        "node_path": place.path,
        "org_path": org_path,
        "period": _plain(flow),
        "stock": stock,
        "quarter": _quarter(reader, start, end, branches) if quarterly else {},
        "villages": _villages(reader, place, start, end),
        "branches": branches,
        "as_of": clock.now().isoformat(),
    }


# --- files ------------------------------------------------------------------------------


def cell(value: Any, fmt: str) -> Any:
    """A figure as the spreadsheet holds it: numbers as numbers, rates as percentages."""
    if value is None:
        return None
    if fmt == RATE:
        return xlsx.Percent(value)
    if fmt in (HOURS, SCORE):
        return round(float(value), 1)
    return value


def display(value: Any, fmt: str) -> str:
    """A figure as the page and the PDF print it."""
    if value is None:
        return "–"
    if fmt == RATE:
        return f"{value * 100:.1f}%"
    if fmt in (HOURS, SCORE):
        return f"{float(value):.1f}"
    return str(value)


def summary_rows(report: Report) -> list[tuple[str, str, Any, str]]:
    """(section, label, value, format) of the summary sheet, in order."""
    f = report.figures
    rows = [(_("This period"), str(lbl), f["period"].get(k), fmt) for k, lbl, fmt in PERIOD_ROWS]
    rows += [
        (_("As of generation"), str(lbl), f["stock"].get(k), fmt) for k, lbl, fmt in STOCK_ROWS
    ]
    if report.kind == Report.Kind.QUARTERLY:
        rows += [
            (_("This quarter"), str(lbl), f["quarter"].get(k), fmt) for k, lbl, fmt in QUARTER_ROWS
        ]
    return rows


def branch_columns(report: Report) -> tuple:
    if report.kind == Report.Kind.QUARTERLY:
        return BRANCH_COLUMNS + SCORE_COLUMNS
    return BRANCH_COLUMNS


def workbook(report: Report) -> bytes:
    f = report.figures
    summary = [(s, lbl, cell(v, fmt)) for s, lbl, v, fmt in summary_rows(report)]
    village_head = [pgettext_lazy("report", "Village"), *(c[1] for c in VILLAGE_COLUMNS)]
    villages = [
        [v["name"], *(cell(v.get(k), fmt) for k, _lbl, fmt in VILLAGE_COLUMNS)]
        for v in f["villages"]
    ]
    cols = branch_columns(report)
    branch_head = [pgettext_lazy("report", "Branch"), *(c[1] for c in cols)]
    branches = [[b["name"], *(cell(b.get(k), fmt) for k, _lbl, fmt in cols)] for b in f["branches"]]
    return xlsx.table_workbook(
        [
            (
                str(pgettext_lazy("report", "Summary")),
                [_("Section"), pgettext_lazy("report", "Figure"), pgettext_lazy("report", "Value")],
                summary,
            ),
            (str(pgettext_lazy("report", "Villages")), village_head, villages),
            (str(pgettext_lazy("report", "Branches")), branch_head, branches),
        ]
    )


def table(report: Report, key: str, columns: tuple) -> dict[str, Any]:
    """Headers and printed rows of the villages or the branches (page and PDF)."""
    return {
        "headers": [str(c[1]) for c in columns],
        "rows": [
            {
                "name": r["name"],
                "cells": [
                    {"label": str(lbl), "value": display(r.get(k), fmt)} for k, lbl, fmt in columns
                ],
            }
            for r in report.figures[key]
        ],
    }


def context(report: Report) -> dict[str, Any]:
    """What the report page and the PDF template show."""
    return {
        "report": report,
        "title": title_of(report),
        "summary": [
            {"section": s, "label": lbl, "value": display(v, fmt)}
            for s, lbl, v, fmt in summary_rows(report)
        ],
        "sections": sections(report),
        "villages": table(report, "villages", VILLAGE_COLUMNS),
        "branches": table(report, "branches", branch_columns(report)),
    }


def sections(report: Report) -> list[dict[str, Any]]:
    """The summary grouped by section (the page shows one list of figures per section)."""
    grouped: list[dict[str, Any]] = []
    for section, label, value, fmt in summary_rows(report):
        if not grouped or grouped[-1]["section"] != section:
            grouped.append({"section": section, "rows": []})
        grouped[-1]["rows"].append({"label": label, "value": display(value, fmt)})
    return grouped
