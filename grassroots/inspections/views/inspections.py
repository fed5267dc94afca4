"""Inspection pages: the list and its export, start, the phone scoring form, the detail
with the secretary's acknowledgement; indicator sets and plans (read-only lists)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import audit, calendar, clock
from grassroots.core.audit import Action
from grassroots.core.scoping import Scope, get_visible_or_404, scope_for
from grassroots.core.xlsx import attachment, table_workbook
from grassroots.inspections import selectors, services
from grassroots.inspections.filters import InspectionFilter
from grassroots.inspections.forms import (
    AcknowledgeForm,
    DrawForm,
    IndicatorSetForm,
    InspectionStartForm,
    PlanForm,
    RectifyForm,
    ScoreForm,
)
from grassroots.inspections.models import Inspection
from grassroots.inspections.views import rules

PER_PAGE = 25
# The default deadline offered when findings become rectification items.
RECTIFY_DAYS = 20
EXPORT_LIMIT = 10_000


def _require(request: HttpRequest, predicate: Callable[[Scope], bool]) -> None:
    if not predicate(scope_for(request.user)):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require(request, rules.sees_inspections)
    f = InspectionFilter(request.GET, queryset=selectors.inspections(request.user))
    rows = f.qs if f.is_valid() else selectors.inspections(request.user).none()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    active = sum(1 for name in f.form.fields if request.GET.get(name))
    scope = scope_for(request.user)
    return render(
        request,
        "inspections/index.html",
        {
            "filter": f,
            "page": page,
            "active_filters": active,
            "can_start": rules.inspects(scope),
            "can_export": rules.exports(scope),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (rules.sees_inspections(scope) and rules.exports(scope)):
        raise PermissionDenied
    f = InspectionFilter(request.GET, queryset=selectors.inspections(request.user))
    rows = list(f.qs[:EXPORT_LIMIT]) if f.is_valid() else []
    header = [
        _("Reference"),
        _("Branch"),
        _("Inspected on"),
        _("Status"),
        _("Total score"),
        _("Acknowledged at"),
    ]
    body = [
        [
            i.reference,
            i.organization.name,
            i.inspected_on,
            i.get_status_display(),
            float(i.total),
            timezone.localtime(i.acknowledged_at).strftime("%Y-%m-%d %H:%M")
            if i.acknowledged_at
            else "",
        ]
        for i in rows
    ]
    audit.record(
        actor=request.user,
        action=Action.INSPECTIONS_EXPORTED,
        object_type="inspections.inspection",
        data={"rows": len(body), "query": request.GET.urlencode()[:300]},
    )
    content = table_workbook([(_("Inspections"), header, body)])
    return attachment(content, f"inspections-{clock.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _require(request, rules.inspects)
    initial = {
        k: request.GET[k] for k in ("organization", "plan") if request.GET.get(k, "").isdigit()
    }
    form = InspectionStartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("inspections:score", pk=inspection.pk)
    return render(request, "inspections/new.html", {"form": form})


def _findings(inspection: Inspection) -> list:
    return list(
        inspection.findings.select_related("indicator", "rectification").order_by(
            "indicator__position"
        )
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        selectors.inspections(request.user).select_related("plan", "acknowledged_by"),
        request.user,
        pk=pk,
    )
    scope = scope_for(request.user)
    status = inspection.status
    findings = _findings(inspection)
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "inspectors": list(inspection.inspectors.all()),
            "can_score": rules.inspects(scope) and status == Inspection.Status.DRAFT,
            "can_acknowledge": rules.acknowledges(scope) and status == Inspection.Status.SUBMITTED,
            "ack_form": AcknowledgeForm(),
            "can_rectify": rules.rectifies(scope)
            and status != Inspection.Status.DRAFT
            and any(f.needs_rectification and not f.rectification_id for f in findings),
            "rectify_form": RectifyForm(
                initial={"deadline": calendar.add_working_days(clock.today(), RECTIFY_DAYS)}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone form: one card per indicator, the running total, save or submit."""
    inspection = get_visible_or_404(selectors.inspections(request.user), request.user, pk=pk)
    _require(request, rules.inspects)
    if inspection.status != Inspection.Status.DRAFT:
        return redirect("inspections:detail", pk=inspection.pk)
    form = ScoreForm(request.POST or None, inspection=inspection, findings=_findings(inspection))
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_score(
                actor=request.user, inspection=inspection, findings=form.rows()
            )
            if "final" in request.POST:
                services.inspection_submit(actor=request.user, inspection=inspection)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            if "final" in request.POST:
                messages.success(request, _("Inspection submitted."))
                return redirect("inspections:detail", pk=inspection.pk)
            messages.success(request, _("Draft saved."))
            return redirect("inspections:score", pk=inspection.pk)
    return render(request, "inspections/score.html", {"inspection": inspection, "form": form})


def _attach(form: ScoreForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(selectors.inspections(request.user), request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.inspection_acknowledge(actor=request.user, inspection=inspection, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged."))
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
@require_POST
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(selectors.inspections(request.user), request.user, pk=pk)
    form = RectifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("inspections:detail", pk=inspection.pk)
    try:
        made = services.findings_to_rectification(
            actor=request.user, inspection=inspection, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s rectification items registered.") % {"n": len(made)})
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
def indicator_sets(request: HttpRequest) -> HttpResponse:
    _require(request, rules.sees_inspections)
    rows = selectors.indicator_sets(request.user).prefetch_related("indicators")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    can_edit = rules.inspects(scope_for(request.user))
    return render(request, "inspections/sets.html", {"page": page, "can_edit": can_edit})


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    _require(request, rules.inspects)
    rows = selectors.plans(request.user).prefetch_related("samples__organization")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/plans.html", {"page": page, "draw_form": DrawForm()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    _require(request, rules.inspects)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:plans")
    return render(request, "inspections/form.html", {"form": form, "back": "inspections:plans"})


@login_required
@require_http_methods(["GET", "POST"])
def set_new(request: HttpRequest) -> HttpResponse:
    _require(request, rules.inspects)
    form = IndicatorSetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_set_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:sets")
    return render(request, "inspections/form.html", {"form": form, "back": "inspections:sets"})


@login_required
@require_POST
def set_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Activate a draft set (weights summing to 100) or revise an active one."""
    indicator_set = get_visible_or_404(selectors.indicator_sets(request.user), request.user, pk=pk)
    _require(request, rules.inspects)
    calls = {
        "activate": services.indicator_set_activate,
        "revise": services.indicator_set_revise,
    }
    if action not in calls:
        raise Http404
    try:
        calls[action](actor=request.user, indicator_set=indicator_set)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("inspections:sets")


@login_required
@require_POST
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(selectors.plans(request.user), request.user, pk=pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("inspections:plans")
    try:
        drawn = services.plan_draw_sample(actor=request.user, plan=plan, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s branches drawn.") % {"n": len(drawn)})
    return redirect("inspections:plans")
