"""Model-branch pages: campaigns with their applications and star ratings, a branch's
application with its self-score, the reviewers' steps (review, public notice, objection,
decision), and the public notice page (no login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import audit, clock
from grassroots.core.audit import Action
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.core.xlsx import attachment, table_workbook
from grassroots.inspections import selectors, services
from grassroots.inspections.campaign_forms import (
    ApplyForm,
    DecisionForm,
    ObjectionForm,
    ReviewForm,
    scores_of,
)
from grassroots.inspections.forms import CampaignForm
from grassroots.inspections.models import Application, Campaign
from grassroots.inspections.services import TRANSITIONS
from grassroots.inspections.views import rules

PER_PAGE = 25
EXPORT_LIMIT = 10_000
S = Application.Status


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
        {
            "page": page,
            "current": list(current.values()),
            "history": ratings,
            "can_export": rules.exports(scope_for(request.user)),
            "can_create": rules.inspects(scope_for(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not rules.inspects(scope_for(request.user)):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:campaign", pk=campaign.pk)
    return render(request, "inspections/form.html", {"form": form, "back": "inspections:campaigns"})


def _taking(campaign: Campaign) -> bool:
    today = clock.today()
    return campaign.status == Campaign.Status.OPEN and (
        campaign.applies_from <= today <= campaign.applies_until
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
            "can_apply": rules.applies(scope_for(request.user)) and _taking(campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_visible_or_404(selectors.campaigns(request.user), request.user, pk=pk)
    if not rules.applies(scope_for(request.user)):
        raise PermissionDenied
    indicators = list(campaign.criteria.indicators.all())
    form = ApplyForm(
        request.POST or None, user=request.user, campaign=campaign, indicators=indicators
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user,
                campaign=campaign,
                organization=form.cleaned_data["organization"],
                self_scores=scores_of(form, indicators),
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Application submitted."))
            return redirect("inspections:application", pk=application.pk)
    return render(request, "inspections/apply.html", {"campaign": campaign, "form": form})


def _forms(application: Application, data: Any = None) -> dict[str, forms.Form]:
    """The reviewers' steps this application allows now, each with its form."""
    indicators = list(application.campaign.criteria.indicators.all())
    allowed = TRANSITIONS[application.status]
    found: dict[str, forms.Form] = {}
    if S.REVIEWED in allowed:
        found["review"] = ReviewForm(data, indicators=indicators, prefix="review")
    if S.IN_NOTICE in allowed:
        found["publish"] = forms.Form(data, prefix="publish")
    if S.OBJECTED in allowed:
        found["object"] = ObjectionForm(data, prefix="object")
    if S.AWARDED in allowed:
        found["decide"] = DecisionForm(data, prefix="decide")
    return found


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_visible_or_404(selectors.applications(request.user), request.user, pk=pk)
    return _render_application(request, application)


def _render_application(
    request: HttpRequest, application: Application, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    steps = _forms(application) if rules.inspects(scope_for(request.user)) else {}
    steps.update(bound or {})
    return render(
        request,
        "inspections/application.html",
        {
            "application": application,
            "scores": application.scores.select_related("indicator"),
            "steps": steps,
        },
    )


@login_required
@require_POST
def application_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = get_visible_or_404(selectors.applications(request.user), request.user, pk=pk)
    if not rules.inspects(scope_for(request.user)):
        raise PermissionDenied
    form = _forms(application, request.POST).get(action)
    if form is None:
        raise Http404
    if form.is_valid():
        try:
            _do(request, application, action, form)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:application", pk=application.pk)
    return _render_application(request, application, {action: form})


def _do(request: HttpRequest, application: Application, action: str, form: forms.Form) -> None:
    actor, data = request.user, form.cleaned_data
    if action == "review":
        indicators = list(application.campaign.criteria.indicators.all())
        services.application_review(
            actor=actor,
            application=application,
            scores=scores_of(form, indicators),
            note=data["note"],
        )
    elif action == "publish":
        services.application_publish(actor=actor, application=application)
    elif action == "object":
        services.application_object(
            actor=actor, application=application, objection=data["objection"]
        )
    else:
        services.application_decide(
            actor=actor,
            application=application,
            award=data["award"],
            stars=data["stars"] if data["award"] else None,
            note=data["note"],
        )


@login_required
def campaigns_export(request: HttpRequest) -> HttpResponse:
    """Applications and the star-rating history the user reaches, two sheets of one workbook."""
    scope = scope_for(request.user)
    if not (rules.sees_inspections(scope) and rules.exports(scope)):
        raise PermissionDenied
    applications = [
        [
            a.campaign.title,
            a.organization.name,
            a.get_status_display(),
            float(a.self_total),
            float(a.review_total) if a.review_total is not None else "",
            a.notice_ends_on or "",
            a.stars or "",
        ]
        for a in selectors.applications(request.user)[:EXPORT_LIMIT]
    ]
    ratings = [
        [
            r.organization.name,
            r.stars,
            r.awarded_on,
            r.campaign.title if r.campaign else "",
            r.reason,
        ]
        for r in selectors.ratings(request.user)[:EXPORT_LIMIT]
    ]
    audit.record(
        actor=request.user,
        action=Action.INSPECTIONS_EXPORTED,
        object_type="inspections.application",
        data={"rows": len(applications) + len(ratings)},
    )
    content = table_workbook(
        [
            (
                _("Applications"),
                [
                    _("Campaign"),
                    _("Branch"),
                    _("Status"),
                    _("Self score"),
                    _("Review score"),
                    _("Notice until"),
                    _("Stars"),
                ],
                applications,
            ),
            (
                _("Star ratings"),
                [_("Branch"), _("Stars"), _("Awarded on"), _("Campaign"), _("Reason")],
                ratings,
            ),
        ]
    )
    return attachment(content, f"model-branches-{clock.today():%Y%m%d}.xlsx")


def public_notices(request: HttpRequest) -> HttpResponse:
    """公示: branch, campaign, review score and the notice's last day; nothing personal."""
    rows = selectors.in_notice(clock.today())
    return render(request, "inspections/public_notices.html", {"rows": rows})
