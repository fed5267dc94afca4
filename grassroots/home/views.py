"""The landing page: one page shaped by the roles the user holds (the town dashboard to be).

`home` sits at the top of the layering, so it may read the selectors of every domain app
below it; nothing imports `home`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from grassroots.cases import selectors as case_selectors
from grassroots.core.roles import Cap, Role
from grassroots.core.scoping import scope_for
from grassroots.dashboards import rules as dashboard_rules
from grassroots.grid import selectors as grid_selectors
from grassroots.home import figures, tiles
from grassroots.party import selectors as party_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One landing page, shaped by the roles the user holds."""
    user = request.user
    scope = scope_for(user)
    field_roles = scope.roles - {Role.REPRESENTATIVE, Role.INSTRUCTOR}
    # A representative with no other role has one job: their households.
    only_representative = not (field_roles or scope.everything or scope.instructor_ids)
    if scope.representative_ids and only_representative:
        return redirect("grid:mine")
    context: dict[str, Any] = {"scope": scope}
    # The charts of the figures below, with drill-down, are the cockpit's (issue #13).
    context["sees_dashboards"] = dashboard_rules.sees_dashboards(scope)
    if scope.can(Cap.VIEW_GRID) and (field_roles or scope.everything):
        context["grid"] = grid_selectors.figures(user)
        context["grid_tiles"] = tiles.grid_tiles(context["grid"])
        context["my_places"] = grid_selectors.browser_roots(user)
    if scope.can(Cap.VIEW_PARTY) and (field_roles or scope.everything):
        context["party"] = party_selectors.figures(user)
        context["party_tiles"] = tiles.party_tiles(context["party"])
    if field_roles or scope.everything:
        context["duty_tiles"] = tiles.duty_tiles(
            figures.duty_figures(user), figures.rectification_figures(user)
        )
    if field_roles or scope.everything:
        context["cases"] = case_selectors.figures(user)
        context["case_tiles"] = tiles.case_tiles(context["cases"])
    if scope.instructor_ids:
        context["branches"] = party_selectors.my_branches(user)
    if scope.representative_ids:
        context["mine"] = grid_selectors.my_households(user)
    return render(request, "home/home.html", context)
