"""Prepared figures as JSON for dashboards (charts fetch them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from grassroots.analytics import selectors
from grassroots.analytics.models import PLACE_COUNTERS, PlaceFigures
from grassroots.core.scoping import get_visible_or_404


@login_required
@require_GET
def place_figures(request: HttpRequest, pk: int) -> JsonResponse:
    figures = get_visible_or_404(PlaceFigures, request.user, place_id=pk)
    children = selectors.child_figures(request.user, figures.path, figures.depth)
    return JsonResponse(
        {
            "place": pk,
            "figures": {c: getattr(figures, c) for c in PLACE_COUNTERS},
            "updated_at": figures.updated_at.isoformat(),
            "children": [
                {"place": c.place_id, **{n: getattr(c, n) for n in PLACE_COUNTERS}}
                for c in children
            ],
        }
    )
