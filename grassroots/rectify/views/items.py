"""One item: its page with the allowed actions, the register form, extensions, evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.rectify import selectors, services, workflow
from grassroots.rectify.filters import units
from grassroots.rectify.forms import ACTION_FORMS, DecideForm, ExtensionForm, ItemForm
from grassroots.rectify.models import Colour, Extension, Item, ItemEvent
from grassroots.rectify.views.common import decorate


def _item(request: HttpRequest, pk: int) -> Item:
    qs = Item.objects.visible_to(request.user).select_related("organization", "person", "leader")
    return get_object_or_404(qs, pk=pk)


def _messages(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]


def _context(request: HttpRequest, item: Item, errors: list[str] | None = None) -> dict:
    user = request.user
    forms = []
    for action in workflow.actions_for(user, item):
        form = ACTION_FORMS[action](prefix=action)
        forms.append((action, workflow.ACTION_LABELS[action], form, not form.fields))
    pending = next((e for e in item.extensions.all() if e.approved is None), None)
    decorate([item], clock.today())
    events = list(item.events.select_related("actor"))
    for event in events:
        event.label = workflow.EVENT_LABELS.get(event.kind, event.kind)  # type: ignore[attr-defined]
        event.detail = _detail(event)  # type: ignore[attr-defined]
    return {
        "item": item,
        "forms": forms,
        "errors": errors or [],
        "events": events,
        "extensions": list(item.extensions.all()),
        "pending": pending,
        "may_extend": pending is None and workflow.may_request_extension(user, item),
        "may_decide": pending is not None and workflow.may_decide_extension(user, item),
        "extension_form": ExtensionForm(prefix="ext"),
        "decide_form": DecideForm(prefix="decide"),
    }


def _detail(event: ItemEvent) -> str:
    """A line under a system event: the warning's colour, an extension's dates."""
    data = event.data or {}
    if event.kind == "warn" and data.get("level") in Colour.values:
        return str(Colour(data["level"]).label)
    if "new_deadline" in data:
        return f"{data.get('old_deadline', '')} → {data['new_deadline']}".strip()
    return ""


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "rectify/item.html", _context(request, _item(request, pk)))


def _answer(request: HttpRequest, item: Item, errors: list[str], done: Any) -> HttpResponse:
    if errors:
        item = _item(request, item.pk)
        return render(request, "rectify/item.html", _context(request, item, errors), status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": done})
    return redirect("rectify:item", pk=item.pk)


@login_required
@require_POST
def item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = _item(request, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, request.FILES, prefix=action)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.TRANSITION_SERVICES[action](actor=request.user, item=item, **form.params())
        except (ValidationError, PermissionDenied) as exc:
            errors = _messages(exc)
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    return _answer(request, item, errors, workflow.ACTION_LABELS[action])


@login_required
@require_POST
def extension_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ExtensionForm(request.POST, prefix="ext")
    errors: list[str] = []
    if form.is_valid():
        try:
            services.extension_request(actor=request.user, item=item, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            errors = _messages(exc)
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    return _answer(request, item, errors, workflow.EVENT_LABELS["request_extension"])


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_visible_or_404(Extension.objects.select_related("item"), request.user, pk=pk)
    form = DecideForm(request.POST, prefix="decide")
    decision = request.POST.get("decision")
    approve = decision == "approve"
    errors: list[str] = []
    if decision not in ("approve", "refuse"):
        errors = [_("Approve or refuse the extension.")]
    elif form.is_valid():
        try:
            services.extension_decide(
                actor=request.user,
                extension=extension,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _messages(exc)
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    label = "approve_extension" if approve else "refuse_extension"
    return _answer(request, extension.item, errors, workflow.EVENT_LABELS[label])


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can(Cap.MANAGE_RECTIFICATION):
        raise PermissionDenied
    form = ItemForm(
        request.POST or None, units=units(request), people=selectors.eligible_people(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
        except Http404:
            form.add_error("organization", _("Choose a unit you are responsible for."))
        else:
            messages.success(request, _("Registered as %(code)s.") % {"code": item.code})
            return redirect("rectify:item", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "rectify/new.html", {"form": form}, status=status)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, to whoever reaches its item (a random name, never a public URL)."""
    event = get_visible_or_404(ItemEvent, request.user, pk=pk)
    if not event.evidence:
        raise Http404
    name = event.evidence.name.rsplit("/", 1)[-1]
    response = FileResponse(event.evidence.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
