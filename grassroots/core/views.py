from __future__ import annotations

import contextlib
from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from grassroots.core import clock, pollers, services
from grassroots.core.outage import short_reason
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for the type checker)."""

    htmx: HtmxDetails


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; otherwise 503 saying what is wrong.

    `database` is true, or "unavailable: <first line of the error>"; `worker` is the
    worker's last heartbeat (when, and whether it reached the database), or null.
    """
    problem = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, and says why
        problem = f"unavailable: {short_reason(exc)}"
        # A broken connection is not reused by the next request; closing it may fail too.
        with contextlib.suppress(Exception):
            connection.close()
    return JsonResponse(
        {
            "status": "error" if problem else "ok",
            "database": problem or True,
            "worker": pollers.heartbeat(),
            "time": clock.now().isoformat(),
        },
        status=503 if problem else 200,
        headers={"Retry-After": "10"} if problem else None,
    )


# Personal fields that may be revealed, per model: anything else is a 404.
REVEALABLE: dict[str, tuple[str, ...]] = {
    "grid.household": ("phone",),
    "grid.resident": ("phone", "id_number"),
    "grid.representative": ("phone",),
    "party.member": ("phone", "id_number"),
    "party.instructor": ("phone",),
}

REASONS = [
    ("", _("Choose a reason")),
    ("contact", _("contacting the household")),
    ("identity", _("verifying identity")),
    ("case", _("handling a request or case")),
    ("correction", _("correcting records")),
    ("other", _("other (explain below)")),
]


class RevealForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    details = forms.CharField(label=_("Details"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("reason") == "other" and not services.meaningful_reason(
            data.get("details", "")
        ):
            self.add_error("details", _("Explain why you need to see this."))
        return data

    def reason_text(self) -> str:
        key = self.cleaned_data["reason"]
        label = "" if key == "other" else str(dict(REASONS)[key])
        parts = [label, services.visible_text(self.cleaned_data.get("details", ""))]
        return ": ".join(p for p in parts if p)


@never_cache  # the answer holds a plain personal value
@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: HtmxHttpRequest, label: str, pk: int, field: str) -> HttpResponse:
    """Ask for a reason, then show one personal value; the service audits it."""
    if field not in REVEALABLE.get(label, ()):
        raise Http404
    model = apps.get_model(label)
    obj = get_visible_or_404(model, request.user, pk=pk)
    # In scope but not allowed to reveal: the record exists for this user, so 403.
    if not scope_for(request.user).can(Cap.REVEAL):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    context: dict[str, Any] = {
        "label": label,
        "pk": pk,
        "field": field,
        "masked": getattr(obj, f"{field}_masked"),
        "form": form,
        "obj": obj,
        "field_name": model._meta.get_field(field).verbose_name,
    }
    if request.method == "POST" and form.is_valid():
        context["value"] = services.reveal(
            actor=request.user, obj=obj, field=field, reason=form.reason_text()
        )
    template = "core/_reveal_box.html" if request.htmx else "core/reveal.html"
    return render(request, template, context)
