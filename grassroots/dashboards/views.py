"""Dashboard pages: the cockpit, a place's and an organisation's dashboard, their exports.

Thin views: the figures come from analytics' scoped selectors (pages.py builds the page),
a node outside the reader's reach answers 404, like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from grassroots.core import audit, xlsx
from grassroots.core.audit import Action
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.dashboards import figures, pages, rules


def _require_sees(request: HttpRequest) -> None:
    if not rules.sees_dashboards(scope_for(request.user)):
        raise Http404


def _render(request: HttpRequest, board: pages.Dashboard, **extra: object) -> HttpResponse:
    return render(request, "dashboards/node.html", {"board": board, **extra})


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The dashboard of the highest node the reader reaches (a town official: the town)."""
    _require_sees(request)
    places, orgs = figures.top_nodes(request.user)
    if places:
        board = pages.for_place(request.user, places[0])
        others = [(p.name, reverse("dashboards:place", args=[p.pk])) for p in places[1:]]
    elif orgs:
        board = pages.for_org(request.user, orgs[0])
        others = [(o.name, reverse("dashboards:org", args=[o.pk])) for o in orgs[1:]]
    else:
        return render(request, "dashboards/none.html")
    board.back = ""  # the cockpit is a top-level page
    return _render(request, board, others=others, cockpit=True)


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    node = get_visible_or_404(figures.reached_places(request.user), request.user, pk=pk)
    return _render(request, pages.for_place(request.user, node))


@login_required
def org(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    node = get_visible_or_404(figures.reached_orgs(request.user), request.user, pk=pk)
    return _render(request, pages.for_org(request.user, node))


def _export(request: HttpRequest, board: pages.Dashboard, chart: str) -> HttpResponse:
    if not rules.exports(scope_for(request.user)):
        raise Http404
    table = board.table_of(chart)
    if table is None:
        raise Http404
    headers, rows = table
    content = xlsx.table_workbook([(board.title_of(chart), headers, rows)])
    audit.record(
        actor=request.user,
        action=Action.DASHBOARDS_EXPORTED,
        obj=board.obj,
        data={"chart": chart, "rows": len(rows)},
    )
    return xlsx.attachment(content, f"dashboard-{board.node}-{board.obj.pk}-{chart}.xlsx")


@login_required
def place_export(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    """One chart's (or the children's) table of a place's dashboard as .xlsx."""
    _require_sees(request)
    node = get_visible_or_404(figures.reached_places(request.user), request.user, pk=pk)
    return _export(request, pages.for_place(request.user, node), chart)


@login_required
def org_export(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    _require_sees(request)
    node = get_visible_or_404(figures.reached_orgs(request.user), request.user, pk=pk)
    return _export(request, pages.for_org(request.user, node), chart)
