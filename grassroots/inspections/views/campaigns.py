"""Model-branch pages: campaigns with their applications and star ratings, and the public
notice page (no login) of the applications in their notice period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grassroots.core import clock
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.inspections import selectors
from grassroots.inspections.views import rules

PER_PAGE = 25


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    if not rules.sees_inspections(scope_for(request.user)):
        raise PermissionDenied
    rows = selectors.campaigns(request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    ratings = list(selectors.ratings(request.user)[:200])
    current: dict[int, object] = {}
    for r in ratings:  # newest first per branch: the first row seen is the current rating
        current.setdefault(r.organization_id, r)
    return render(
        request,
        "inspections/campaigns.html",
        {"page": page, "current": list(current.values()), "history": ratings},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_visible_or_404(selectors.campaigns(request.user), request.user, pk=pk)
    applications = selectors.applications(request.user).filter(campaign=campaign)
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "criteria": list(campaign.criteria.indicators.all()),
            "applications": applications,
        },
    )


def public_notices(request: HttpRequest) -> HttpResponse:
    """公示: branch, campaign, review score and the notice's last day; nothing personal."""
    rows = selectors.in_notice(clock.today())
    return render(request, "inspections/public_notices.html", {"rows": rows})
