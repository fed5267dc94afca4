"""The secretary's "this week" and the moves on one assignment (tick, undo, step, review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.duties import rules, selectors, services
from grassroots.duties.forms import CompleteForm, ReviewForm, StepForm
from grassroots.duties.models import Assignment
from grassroots.duties.views.common import back, decorate, error_message


def _card(a: Assignment, *, does: bool = True, reopens: bool = True) -> Assignment:
    """The card's facts and its own note form (ids unique on the page)."""
    decorate(a, does=does, reopens=reopens)
    a.form = CompleteForm(auto_id=f"a{a.pk}_%s")  # type: ignore[attr-defined]
    return a


@login_required
def week(request: HttpRequest) -> HttpResponse:
    if not rules.sees_week(scope_for(request.user)):
        raise Http404
    branches = selectors.duty_branches(request.user)
    chosen = request.GET.get("branch", "")
    branch = next((b for b in branches if str(b.pk) == chosen), branches[0] if branches else None)
    context: dict[str, object] = {
        "branches": branches,
        "branch": branch,
        "here": request.get_full_path(),
    }
    if branch is not None:
        wk = selectors.week_of(request.user, branch, clock.today())
        context.update(
            period=wk.period,
            due=[_card(a) for a in wk.due],
            month=[_card(a) for a in wk.month],
            quarter=[_card(a) for a in wk.quarter],
            open_count=sum(1 for a in wk.due if a.status != Assignment.Status.DONE),
            late_hidden=wk.late_hidden,
        )
    return render(request, "duties/week.html", context)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(
        Assignment.objects.select_related("version", "organization", "secretary", "done_by"),
        request.user,
        pk=pk,
    )
    scope = scope_for(request.user)
    does = scope.can(Cap.DO_DUTIES)
    reopens = does or scope.can(Cap.REVIEW_DUTIES) or scope.can(Cap.MANAGE_DUTIES)
    return render(
        request,
        "duties/assignment.html",
        {
            "a": _card(a, does=does, reopens=reopens),
            "review_form": ReviewForm(),
            "can_do": does,
            "back_url": (
                reverse("duties:week")
                if rules.sees_week(scope)
                else reverse("duties:branch", args=[a.organization_id])
                if rules.sees_board(scope)
                else ""
            ),
            "can_review": scope.can(Cap.REVIEW_DUTIES) and a.status == Assignment.Status.SUBMITTED,
        },
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(Assignment.objects.select_related("version"), request.user, pk=pk)
    form = CompleteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back(request)
    try:
        a = services.assignment_complete(
            actor=request.user,
            assignment=a,
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"] or None,
        )
    except ValidationError as exc:
        error_message(request, exc)
    else:
        if a.status == Assignment.Status.SUBMITTED:
            text = _("Submitted for confirmation: %(title)s") % {"title": a.version.title}
        else:
            text = _("Done: %(title)s. Changed your mind? Tap Undo on its card.") % {
                "title": a.version.title
            }
        messages.success(request, text)
    return back(request)


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(Assignment.objects.select_related("version"), request.user, pk=pk)
    try:
        services.assignment_reopen(actor=request.user, assignment=a)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Reopened: %(title)s") % {"title": a.version.title})
    return back(request)


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(Assignment, request.user, pk=pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("There is no such step."))
        return back(request)
    try:
        services.step_toggle(actor=request.user, assignment=a, index=form.cleaned_data["index"])
    except ValidationError as exc:
        error_message(request, exc)
    return back(request)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(Assignment.objects.select_related("version"), request.user, pk=pk)
    here = reverse("duties:assignment", args=[a.pk])
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back(request, here)
    try:
        services.assignment_review(
            actor=request.user,
            assignment=a,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Saved."))
    return back(request, here)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignment's file, to those who reach the assignment (never a public media URL)."""
    a = get_visible_or_404(Assignment, request.user, pk=pk)
    if not a.evidence:
        raise Http404
    name = a.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(a.evidence.open("rb"), as_attachment=True, filename=name)
