"""Plans and items: the list, a plan with its items and their versions, the forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import clock, records
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.duties import rules, selectors, services
from grassroots.duties.forms import ItemForm, PlanForm
from grassroots.duties.models import Item, Plan, TargetRule
from grassroots.duties.services.plans import version_fields
from grassroots.duties.views.common import due_text, error_message
from grassroots.party.models import Organization


def _manager(request: HttpRequest) -> None:
    if not rules.manages_plans(scope_for(request.user)):
        raise Http404


def _form_errors(form: Form, exc: ValidationError) -> None:
    """A service's field-keyed errors shown next to the form's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(request, "duties/plans.html", {"plans": selectors.plans(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    scope = scope_for(request.user)
    committees = Organization.objects.visible_to(request.user).filter(
        kind=Organization.Kind.COMMITTEE
    )
    committees = committees.filter(pk__in=[c.pk for c in committees if c.reached_by(scope)])
    form = PlanForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Plan created: add its items, then publish it."))
            return redirect("duties:plan", plan.pk)
    return render(request, "duties/plan_form.html", {"form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    plan = get_visible_or_404(Plan.objects.select_related("organization"), request.user, pk=pk)
    items = selectors.plan_items(request.user, plan)
    weight = sum(i.current.weight for i in items if not i.retired and i.current_id)
    kinds = {k.key: k.label for k in records.kinds()}
    for item in items:
        code = item.current.completes_on if item.current_id else ""
        item.kind_label = kinds.get(code, code)
        item.due_text = due_text(item.current) if item.current_id else ""
    return render(request, "duties/plan.html", {"plan": plan, "items": items, "weight": weight})


def _plan_move(request: HttpRequest, pk: int, move: Any, done: str) -> HttpResponse:
    _manager(request)
    plan = get_visible_or_404(Plan, request.user, pk=pk)
    try:
        move(actor=request.user, plan=plan)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, done)
    return redirect("duties:plan", plan.pk)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    response = _plan_move(request, pk, services.plan_publish, _("Plan published."))
    plan = get_visible_or_404(Plan, request.user, pk=pk)
    if plan.status == Plan.Status.PUBLISHED:
        # The branches see the current periods' duties now, not after the night's run.
        today = clock.today()
        towns = [plan.town_id] if plan.town_id else None
        created = services.generate(actor=request.user, on=today, towns=towns)
        messages.info(
            request,
            _("%(n)s duties of the current periods sent to the branches.")
            % {"n": created["created"]},
        )
    return response


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_move(request, pk, services.plan_close, _("Plan closed."))


def _branches(request: HttpRequest, plan: Plan) -> Any:
    return Organization.objects.visible_to(request.user).filter(
        kind=Organization.Kind.BRANCH, path__startswith=plan.org_path
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    plan = get_visible_or_404(Plan, request.user, pk=pk)
    form = ItemForm(request.POST or None, branches=_branches(request, plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=request.user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("duties:plan", plan.pk)
    return render(request, "duties/item_form.html", {"form": form, "plan": plan, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_change(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    item = get_visible_or_404(Item.objects.select_related("plan", "current"), request.user, pk=pk)
    current = item.current
    initial = version_fields(current) if current else {}
    initial["steps"] = "\n".join(initial.get("steps") or [])
    if current and current.target_rule == TargetRule.LISTED:
        initial["targets"] = list(current.targets.all())
    form = ItemForm(request.POST or None, initial=initial, branches=_branches(request, item.plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_change(actor=request.user, item=item, **form.service_fields())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Item changed: past periods keep the version they had."))
            return redirect("duties:plan", item.plan_id)
    return render(request, "duties/item_form.html", {"form": form, "plan": item.plan, "item": item})


@login_required
@require_POST
def item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    item = get_visible_or_404(Item.objects.select_related("plan"), request.user, pk=pk)
    try:
        services.item_retire(actor=request.user, item=item)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("Item retired: no new duties from it."))
    return redirect("duties:plan", item.plan_id)
