"""Pages of the work cadence: monthly arrangements, quarterly reviews, instructors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.cadence import pdf, schedule, selectors
from grassroots.cadence.forms import MonthFilter
from grassroots.cadence.models import Arrangement
from grassroots.cadence.services import export_record
from grassroots.cadence.templatetags.cadence_tags import period_label
from grassroots.core import clock
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.core.xlsx import PDF_TYPE, attachment, table_workbook
from grassroots.duties import rules as duty_rules

PER_PAGE = 50
REVIEW_PER_PAGE = 60  # a town's 56 branches on one page


@login_required
def arrangement_list(request: HttpRequest) -> HttpResponse:
    form = MonthFilter(request.GET or None, months=selectors.arrangement_months(request.user))
    month = form.cleaned_data["month"] if form.is_valid() else ""
    rows = selectors.arrangements(request.user, month)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cadence/arrangement_list.html",
        {"form": form, "page_obj": page, "active_filters": 1 if month else ""},
    )


def _arrangement(request: HttpRequest, pk: int) -> tuple[Arrangement, list[Any]]:
    arrangement = get_visible_or_404(
        Arrangement.objects.select_related("organization", "town"), request.user, pk=pk
    )
    return arrangement, list(selectors.arrangement_rows(request.user, arrangement))


@login_required
def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement, rows = _arrangement(request, pk)
    return render(request, "cadence/arrangement.html", {"arrangement": arrangement, "rows": rows})


def _steps(steps: list[Any]) -> str:
    return " / ".join(
        ("✓ " if s.get("done") else "□ ") + str(s.get("title", ""))
        for s in steps
        if isinstance(s, dict)
    )


@login_required
def arrangement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement, rows = _arrangement(request, pk)
    header = [
        _("Item"),
        _("Cadence"),
        pgettext("cadence", "Due"),
        _("Weight"),
        _("Steps"),
        _("Status"),
    ]
    lines = [
        [
            a.version.title,
            a.get_cadence_display(),
            a.due_on,
            a.weight,
            _steps(a.steps),
            a.get_status_display(),
        ]
        for a in rows
    ]
    content = table_workbook([(arrangement.month, header, lines)])
    export_record(
        actor=request.user,
        what="arrangement",
        object_type="cadence.arrangement",
        object_id=arrangement.pk,
        fmt="xlsx",
        rows=len(lines),
    )
    return attachment(content, f"arrangement-{arrangement.pk}-{arrangement.month}.xlsx")


@login_required
def arrangement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement, rows = _arrangement(request, pk)
    content = pdf.render_pdf(
        "cadence/arrangement_print.html",
        {"arrangement": arrangement, "rows": rows, "printed": clock.now()},
    )
    export_record(
        actor=request.user,
        what="arrangement",
        object_type="cadence.arrangement",
        object_id=arrangement.pk,
        fmt="pdf",
        rows=len(rows),
    )
    return attachment(content, f"arrangement-{arrangement.pk}-{arrangement.month}.pdf", PDF_TYPE)


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cadence/review_list.html", {"periods": selectors.review_periods(request.user)}
    )


@login_required
def review_detail(request: HttpRequest, period: str) -> HttpResponse:
    # A town's 56 branches on one page; a county's ranking in pages of prepared rows.
    page = Paginator(selectors.review_rows(request.user, period), REVIEW_PER_PAGE).get_page(
        request.GET.get("page")
    )
    start, end = schedule.quarter_bounds(period)
    scope = scope_for(request.user)
    # Drill to the branch's duties (duties:branch), where its figures come from.
    drills = duty_rules.sees_board(scope) or duty_rules.sees_week(scope)
    return render(
        request,
        "cadence/review.html",
        {
            "period": period,
            "rows": page.object_list,
            "page": page,
            "start": start,
            "end": end,
            "drills": drills,
        },
    )


def _review_lines(rows: list[Any]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Town"),
        _("Rank"),
        pgettext("cadence", "Branch"),
        _("Completion"),
        _("Timeliness"),
        _("Inspection"),
        _("Score"),
        _("Band"),
    ]
    lines = [
        [
            r.town.name,
            r.rank,
            r.branch_name,
            float(r.completion),
            float(r.timeliness),
            "" if r.inspection is None else float(r.inspection),
            float(r.score),
            r.band,
        ]
        for r in rows
    ]
    return header, lines


@login_required
def review_xlsx(request: HttpRequest, period: str) -> HttpResponse:
    rows = selectors.review_rows(request.user, period)
    header, lines = _review_lines(rows)
    content = table_workbook([(period, header, lines)])
    export_record(
        actor=request.user,
        what="review",
        object_type="cadence.quarterscore",
        object_id=period,
        fmt="xlsx",
        rows=len(lines),
    )
    return attachment(content, f"review-{period}.xlsx")


@login_required
def review_pdf(request: HttpRequest, period: str) -> HttpResponse:
    rows = selectors.review_rows(request.user, period)
    content = pdf.render_pdf(
        "cadence/review_print.html", {"period": period, "rows": rows, "printed": clock.now()}
    )
    export_record(
        actor=request.user,
        what="review",
        object_type="cadence.quarterscore",
        object_id=period,
        fmt="pdf",
        rows=len(rows),
    )
    return attachment(content, f"review-{period}.pdf", PDF_TYPE)


@login_required
def instructors(request: HttpRequest) -> HttpResponse:
    context = selectors.instructors(request.user, clock.today())
    return render(request, "cadence/instructors.html", context)


@login_required
def instructors_xlsx(request: HttpRequest) -> HttpResponse:
    """The instructors' page as a workbook: one sheet per instructor, one per branch."""
    context = selectors.instructors(request.user, clock.today())
    month = period_label(context["last_month"])
    people = [
        [
            p.name,
            p.branches,
            p.lapsed,
            p.visits_this_year,
            p.visits_last_month,
            p.issues_last_month,
            p.closed_last_month,
        ]
        for p in context["people"]
    ]
    branches = [
        [b.branch_name, b.instructor_name, b.visits_this_year, b.last_visit, b.days_since]
        for b in context["branches"]
    ]
    content = table_workbook(
        [
            (
                _("Instructors"),
                [
                    _("Instructor"),
                    pgettext("cadence", "Branches"),
                    _("Not visited for 30 days"),
                    _("Visits this year"),
                    _("Visits in %(month)s") % {"month": month},
                    _("Issues found in %(month)s") % {"month": month},
                    _("Items closed in %(month)s") % {"month": month},
                ],
                people,
            ),
            (
                _("Guidance by branch"),
                [
                    pgettext("cadence", "Branch"),
                    _("Instructor"),
                    _("Visits this year"),
                    pgettext("cadence", "Last visit"),
                    _("Days since"),
                ],
                branches,
            ),
        ]
    )
    export_record(
        actor=request.user,
        what="instructors",
        object_type="party.instructor",
        object_id="",
        fmt="xlsx",
        rows=len(people) + len(branches),
    )
    return attachment(content, "instructors.xlsx")
