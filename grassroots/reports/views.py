"""Report pages: the list, "generate now", a report and its two files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core import audit, clock
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.core.xlsx import PDF_TYPE, XLSX_TYPE
from grassroots.reports import contents, selectors, services
from grassroots.reports.filters import ReportFilter
from grassroots.reports.forms import GenerateForm
from grassroots.reports.models import Report

PER_PAGE = 30


def _require_sees(request: HttpRequest) -> None:
    if not selectors.sees_reports(scope_for(request.user)):
        raise Http404


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    found = ReportFilter(request.GET, queryset=selectors.reports(request.user))
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {
            "filter": found,
            "page": page,
            "can_generate": scope_for(request.user).can(Cap.MAKE_REPORTS),
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest) -> HttpResponse:
    nodes = selectors.report_nodes(request.user)
    if not nodes.exists():
        raise Http404
    form = GenerateForm(
        request.POST or None,
        nodes=nodes,
        initial={"period": contents.last_complete_period(Report.Kind.MONTHLY, clock.today())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The report is being generated."))
            return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/form.html", {"form": form})


def _report(request: HttpRequest, pk: int) -> Report:
    _require_sees(request)
    return get_visible_or_404(selectors.reports(request.user), request.user, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    context = (
        contents.context(report)
        if report.status == Report.Status.READY
        else {
            "report": report,
            "title": contents.title_of(report),
        }
    )
    context["can_generate"] = (
        selectors.report_nodes(request.user).filter(pk=report.place_id).exists()
    )
    return render(request, "reports/detail.html", context)


def _download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    report = _report(request, pk)
    stored = getattr(report, which)
    if report.status != Report.Status.READY or not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    audit.record(
        actor=request.user,
        action=Action.REPORTS_DOWNLOADED,
        obj=report,
        data={"file": which},
    )
    response = FileResponse(handle, content_type=XLSX_TYPE if which == "xlsx" else PDF_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    name = f"report-{report.kind}-{report.period}-{report.place_id}.{which}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "xlsx")


@login_required
def download_pdf(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "pdf")
