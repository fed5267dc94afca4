"""Pages: intake, inbox, case detail with HTMX actions, supervision board, measures,
and the public self-service, tracking and village board pages."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases import measures, rules, selectors, services, workflow
from grassroots.cases.filters import CaseFilter
from grassroots.cases.forms import (
    ACTION_FORMS,
    IntakeForm,
    NoteForm,
    PeriodForm,
    RateForm,
    ReportForm,
    new_challenge,
)
from grassroots.cases.models import CLOCK_STATUSES, Case, Channel, Status, clean_code
from grassroots.cases.suggest import similar_open_cases, suggest_category
from grassroots.core import clock, ratelimit
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.grid.models import Household, Visit

REPORT_LIMIT = getattr(settings, "GRASSROOTS", {}).get("CASE_REPORTS_PER_HOUR", 5)
REPORT_RATE = "case-reports"
PAGE_SIZE = 20


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# ------------------------------------------------------------ staff pages


def _page(request: HttpRequest, qs: Any) -> Page:
    """One page of a list (`?page=`; out of range → the last page), its rows read once."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_place_labels(list(page.object_list))
    return page


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.INBOX_SORTS else ""
    f = CaseFilter(request.GET, queryset=selectors.inbox(request.user, sort), request=request)
    page = _page(request, f.qs)
    active = sum(1 for name in f.form.fields if request.GET.get(name, "") not in ("", "unknown"))
    context = {
        "filter": f,
        "page": page,
        "rows": page.object_list,
        "sort": sort,
        "active_filters": active,
        "now": clock.now(),
        "can_export": scope_for(request.user).can(Cap.EXPORT),
        "query": request.GET.urlencode(),
    }
    template = "cases/_inbox_table.html" if request.htmx else "cases/inbox.html"
    return render(request, template, context)


def _detail_context(request: HttpRequest, case: Any, errors: list[str] | None = None) -> dict:
    """The case page: facts, timeline, and the allowed actions with their forms.

    An action whose form asks nothing but an optional note is "direct": one tap
    in the actions sheet does it. The others open a sheet with their form.
    """
    forms = []
    for a in workflow.actions_for(request.user, case):
        form = ACTION_FORMS[a](case=case, prefix=a)
        forms.append((a, workflow.ACTION_LABELS[a], form, type(form) is NoteForm))
    units = scope_for(request.user).handler_place_ids
    my_summons = [
        s
        for s in case.summonses.all()
        if s.acknowledged_at is None and (s.user_id == request.user.pk or s.place_id in units)
    ]
    now = clock.now()
    return {
        "case": case,
        "forms": forms,
        "errors": errors or [],
        "labels": workflow.EVENT_LABELS,
        "my_summons": my_summons,
        "place_label": selectors.with_place_labels([case])[0].place_label,
        "overdue": case.status in CLOCK_STATUSES and case.resolve_due_at < now,
        "now": now,
        # Whatever channel the case came by: the handler sees its likely duplicates.
        "similar": selectors.similar_for(request.user, case),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A case's photo, to who reaches the case; 404 to anyone else, signed in or not.

    Never a public media URL: the file is read here after the scope check, and no
    cache between the server and the reader may keep it.
    """
    case = get_visible_or_404(Case, request.user, pk=pk)
    found = case.photos.filter(pk=photo_pk).first()
    if found is None or not found.file:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="photo-{found.pk}{found.file.name[-4:]}"'
    return response


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, case=case, prefix=action)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.perform(actor=request.user, case=case, action=action, **form.params())
        except ValidationError as exc:
            errors = _errors(exc)
        except PermissionDenied as exc:
            errors = [str(exc)]
        else:
            label = workflow.ACTION_LABELS[action]
            messages.success(request, _("Done: %(action)s.") % {"action": label})
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    case = selectors.case_detail(request.user, pk)
    context = _detail_context(request, case, errors)
    if request.htmx:
        return render(request, "cases/_detail_body.html", context)
    if errors:
        return render(request, "cases/detail.html", context, status=400)
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int, summons_pk: int) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    summons = next((s for s in case.summonses.all() if s.pk == summons_pk), None)
    if summons is None:
        raise Http404
    try:
        services.case_acknowledge(actor=request.user, summons=summons)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("cases:detail", pk=pk)


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """The representative's quick intake, from a household (one screen, few taps)."""
    household = get_visible_or_404(Household, request.user, pk=request.GET.get("household"))
    visit = None
    if request.GET.get("visit"):
        # Straight from logging a visit: the case is linked to it and, unless
        # the phone gives a fresh position, filed where the visit was.
        visit = get_visible_or_404(
            Visit, request.user, pk=request.GET["visit"], household=household
        )
    suggest_url = reverse("cases:suggest") + f"?household={household.pk}"
    form = IntakeForm(request.POST or None, suggest_url=suggest_url)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        position = (data["latitude"], data["longitude"], data["accuracy_m"])
        if position[0] is None and visit is not None:
            position = (visit.latitude, visit.longitude, visit.accuracy_m)
        try:
            case = services.case_submit(
                actor=request.user,
                household=household,
                text=data["text"],
                category=data["category"],
                priority=data["priority"] or None,
                affected_households=data["affected_households"],
                channel=Channel.VISIT,
                photos=request.FILES.getlist("photos"),
                latitude=position[0],
                longitude=position[1],
                location_accuracy_m=position[2],
                visit=visit,
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("Filed: the need is registered."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/intake.html",
        {
            "household": household,
            "visit": visit,
            "form": form,
            "errors": errors,
            "place_label": selectors.place_label(household.place),
        },
    )


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """HTMX: the suggested category and similar open cases for the text typed so far."""
    household = get_visible_or_404(Household, request.user, pk=request.GET.get("household"))
    text = request.GET.get("text", "")[:2000]
    category = suggest_category(text, town=household.town) if len(text) >= 4 else None
    similar = (
        similar_open_cases(text, place=household.place, base=selectors.visible_cases(request.user))
        if len(text) >= 4
        else []
    )
    return render(
        request,
        "cases/_suggest.html",
        {"category": category, "similar": similar, "household": household},
    )


@login_required
@require_POST
def me_too(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    household = None
    if request.POST.get("household"):
        household = get_visible_or_404(Household, request.user, pk=request.POST["household"])
    with contextlib.suppress(ValidationError):  # a case closed meanwhile: just show it
        services.case_me_too(actor=request.user, case=case, household=household)
        messages.success(request, _("Added: one more household affected by this case."))
    return redirect("cases:detail", pk=pk)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Overdue, warned and supervised cases, one list at a time, paged and grouped by village."""
    if not rules.sees_board(scope_for(request.user)):
        raise Http404
    now = clock.now()
    show = request.GET.get("show", "")
    show = show if show in selectors.BOARD_LISTS else "overdue"
    page = _page(request, selectors.board_list(request.user, show, now))
    for c in page.object_list:
        late = now - c.resolve_due_at
        c.days_overdue = late.days if late.total_seconds() > 0 else None
        c.hours_overdue = int(late.total_seconds() // 3600)
        c.days_left = -late.days - 1 if late.total_seconds() <= 0 else None
    context = selectors.board(request.user, now)
    context.update({"show": show, "page": page, "lists": selectors.BOARD_LISTS, "now": now})
    return render(request, "cases/board.html", context)


@login_required
def measures_page(request: HttpRequest) -> HttpResponse:
    if not rules.reads_measures(scope_for(request.user)):
        raise Http404
    now = clock.now()
    form = PeriodForm(request.GET or {"year": now.year, "month": now.month})
    if not form.is_valid():
        raise Http404
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    towns = selectors.towns_for(request.user)
    ranking = [(t, measures.village_ranking(t, year, month)) for t in towns]
    totals = [(t, measures.measures_for(t, year, month)) for t in towns]
    return render(
        request,
        "cases/measures.html",
        {
            "form": form,
            "ranking": ranking,
            "totals": totals,
            "towns": [
                (t, total, rows) for (t, total), (_t, rows) in zip(totals, ranking, strict=True)
            ],
            "year": year,
            "month": month,
            "can_export": scope_for(request.user).can(Cap.EXPORT),
        },
    )


# ------------------------------------------------------------ public pages


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def report(request: HttpRequest) -> HttpResponse:
    """Resident self-service: no account; rate-limited per IP; arithmetic challenge.

    A valid form takes one of the address's filings for the hour from the counter
    every worker shares (core.ratelimit) before anything is filed; a filing the
    service refuses gives it back.
    """
    expected = request.session.get("case_challenge")
    form = ReportForm(request.POST or None, expected=expected)
    ip = _client_ip(request)
    limited = ratelimit.used(REPORT_RATE, ip, window=3600) >= REPORT_LIMIT
    if request.method == "POST" and form.is_valid():
        limited = not ratelimit.hit(REPORT_RATE, ip, limit=REPORT_LIMIT, window=3600)
    if request.method == "POST" and not limited and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_submit(
                actor=None,
                place=data["place"],
                category=data["category"],
                text=data["text"],
                reporter_name=data["name"],
                reporter_phone=data["phone"],
                channel=Channel.SELF_SERVICE,
                photos=request.FILES.getlist("photos"),
                latitude=data["latitude"],
                longitude=data["longitude"],
                location_accuracy_m=data["accuracy_m"],
            )
        except ValidationError as exc:
            ratelimit.release(REPORT_RATE, ip, window=3600)
            form.add_error(None, exc)
        else:
            request.session.pop("case_challenge", None)
            request.session["case_filed"] = case.code
            request.session["case_similar"] = _public_similar(case)
            return redirect("cases:filed")
    question, answer = new_challenge()
    request.session["case_challenge"] = answer
    status = 429 if limited and request.method == "POST" else 200
    return render(
        request,
        "cases/report.html",
        {"form": form, "question": question, "limited": limited},
        status=status,
    )


def _public_similar(case: Any) -> list[dict[str, str]]:
    """What a resident may know of the open cases like theirs: category, status, date."""
    return [
        {
            "category": str(s.case.category),
            "status": str(s.case.get_status_display()),
            "date": date_format(timezone.localtime(s.case.submitted_at), "SHORT_DATE_FORMAT"),
        }
        for s in selectors.public_similar(case.text, case.place, exclude=case.pk)
    ]


def filed(request: HttpRequest) -> HttpResponse:
    code = request.session.get("case_filed")
    if not code:
        return redirect("cases:report")
    similar = request.session.get("case_similar") or []
    return render(request, "cases/filed.html", {"code": code, "similar": similar})


def track_lookup(request: HttpRequest) -> HttpResponse:
    code = clean_code(request.GET.get("code"))
    if code:
        return redirect("cases:track", code=code)
    return render(request, "cases/track_lookup.html", {})


# What the tracking page shows of the timeline: the steps, never internal notices.
PUBLIC_KINDS = frozenset(
    {
        "submit",
        "accept",
        "reject",
        "assign",
        "take",
        "reply",
        "close",
        "rework",
        "reopen",
        "withdraw",
        "approve_suspension",
        "resume",
        "rate",
    }
)


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The public timeline: statuses, dates and the answer; never names or phones.

    Once the case is answered the resident may rate the answer, once: a second
    rating of the same answer is refused with a message (400) and records nothing.
    """
    case = selectors.case_by_code(code)
    if case is None:
        intake = selectors.intake_by_code(code)
        if intake is None:
            raise Http404
        return render(request, "cases/track_queued.html", {"intake": intake})
    ratable = case.status in (Status.REPLIED, Status.CLOSED)
    form = RateForm(request.POST or None) if ratable and case.rating is None else None
    errors: list[str] = []
    if request.method == "POST":
        if form is None:
            errors = [
                str(services.ALREADY_RATED)
                if case.rating is not None
                else _("The case can be rated once it is answered.")
            ]
        elif form.is_valid():
            try:
                services.case_rate(
                    actor=None,
                    case=case,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Thank you: your rating has been recorded."))
                return redirect("cases:track", code=case.code)
    events = [e for e in case.events.all() if e.kind in PUBLIC_KINDS]
    return render(
        request,
        "cases/track.html",
        {
            "case": case,
            "events": events,
            "labels": workflow.EVENT_LABELS,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/public_index.html", {"villages": selectors.public_villages()})


def public_board(request: HttpRequest, pk: int) -> HttpResponse:
    village = selectors.public_village(pk)
    if village is None:
        raise Http404
    context = selectors.public_board(village)
    counts = context["counts"]
    context["tallies"] = [
        (s.value, s.label, counts[s.value]) for s in Status if counts.get(s.value)
    ]
    return render(request, "cases/public_board.html", context)
