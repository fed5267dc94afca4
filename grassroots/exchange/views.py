"""Pages: upload an import (report of every bad row), download templates and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.xlsx import XLSX_TYPE, attachment
from grassroots.exchange import services, writers
from grassroots.exchange.forms import ImportForm, TagForm
from grassroots.grid import services as grid
from grassroots.grid.models import Tag

FILE_NAMES = {"households": "households", "organizations": "organizations"}


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.can(Cap.IMPORT) or scope.can(Cap.EXPORT)):
        raise PermissionDenied
    towns = services.towns_for(request.user)
    report = None
    form = ImportForm(towns=towns)
    if request.method == "POST":
        if not scope.can(Cap.IMPORT):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES, towns=towns)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.import_file(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    data=upload.read(),
                    dry_run=form.cleaned_data["dry_run"],
                    town=form.cleaned_data.get("town"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
    return render(
        request,
        "exchange/index.html",
        {
            "form": form,
            "report": report,
            "can_import": scope.can(Cap.IMPORT),
            "can_export": scope.can(Cap.EXPORT),
            "can_reveal": scope.can(Cap.REVEAL),
            "can_add_tags": scope.everything or "town_admin" in scope.roles,
            "tags": Tag.objects.all(),
            "tag_form": TagForm(),
        },
    )


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in services.KINDS:
        raise Http404
    content = writers.template_workbook(kind)
    return attachment(content, f"{FILE_NAMES[kind]}-template.xlsx", XLSX_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """Download what the list shows (GET, masked); a revealed export is a POST with its reason.

    The reason travels in the body of a CSRF-checked POST, never in a URL that
    access logs, proxies and the browser history keep; the filters stay in the
    query string, which holds nothing personal.
    """
    if kind not in services.KINDS:
        raise Http404
    if request.method == "GET" and ("reveal" in request.GET or "reason" in request.GET):
        return HttpResponseBadRequest(
            _("An unmasked export is requested with the form (POST), not by a link."),
            content_type="text/plain; charset=utf-8",
        )
    params = request.POST if request.method == "POST" else request.GET
    fmt = "csv" if params.get("format") == "csv" else "xlsx"
    reveal = request.method == "POST" and params.get("reveal") == "1"
    content, _count = services.export_data(
        actor=request.user,
        kind=kind,
        params=request.GET,
        reveal=reveal,
        reason=params.get("reason", "") if reveal else "",
        fmt=fmt,
    )
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = attachment(content, f"{kind}-{stamp}.csv", "text/csv; charset=utf-8")
    else:
        response = attachment(content, f"{kind}-{stamp}.xlsx", XLSX_TYPE)
    if reveal:
        add_never_cache_headers(response)  # personal data in clear: no cache may keep it
    return response


@login_required
@require_POST
def tag_add(request: HttpRequest) -> HttpResponse:
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            tag = grid.tag_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Tag %(name)s added.") % {"name": tag.name})
    else:
        messages.error(request, _("Give the tag a name."))
    return redirect("exchange:index")
