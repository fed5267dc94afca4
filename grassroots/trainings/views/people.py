"""People pages: a programme's enrolment (add, excuse, reinstate, export), the study-hours
measures with the list of those behind (and their exports), the town's yearly hours, and
"my training" for a signed-in member."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.party.models import Member
from grassroots.trainings import measures, rules, selectors
from grassroots.trainings.filters import EnrolmentFilter
from grassroots.trainings.forms import AddMemberForm, ExcuseForm, HoursForm
from grassroots.trainings.models import Enrolment
from grassroots.trainings.services import enrolment, programmes
from grassroots.trainings.views.common import add_errors, export, require_manages, require_sees

PER_PAGE = 50


def _enrolments(request: HttpRequest, programme: Any) -> EnrolmentFilter:
    return EnrolmentFilter(
        request.GET, queryset=selectors.enrolments(request.user, programme), request=request
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_list(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    programme = get_visible_or_404(selectors.programmes(user), user, pk=pk)
    found = _enrolments(request, programme)
    can_manage = rules.manages(scope_for(user))
    add = AddMemberForm(
        request.POST or None,
        members=Member.objects.visible_to(user).filter(active=True).order_by("org_path", "name"),
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if add.is_valid():
            try:
                enrolment.enrolment_add(
                    actor=user, programme=programme, member=add.cleaned_data["member"]
                )
            except ValidationError as exc:
                add_errors(add, exc)
            else:
                messages.success(
                    request, _("%(name)s was enrolled.") % {"name": add.cleaned_data["member"].name}
                )
                return redirect("trainings:enrolments", programme.pk)
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/enrolments.html",
        {
            "programme": programme,
            "filter": found,
            "page": page,
            "add": add,
            "can_manage": can_manage,
            "can_export": scope_for(user).can(Cap.EXPORT),
            "query": request.GET.urlencode(),
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
        },
    )


@login_required
@require_POST
def enrolment_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_manages(request)
    row = get_visible_or_404(Enrolment, request.user, pk=pk)
    try:
        if action == "excuse":
            form = ExcuseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            enrolment.enrolment_excuse(actor=request.user, enrolment=row, reason=reason)
        elif action == "reinstate":
            enrolment.enrolment_reinstate(actor=request.user, enrolment=row)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s: saved.") % {"name": row.name})
    return redirect("trainings:enrolments", row.programme_id)


@login_required
def enrolment_export(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    programme = get_visible_or_404(selectors.programmes(request.user), request.user, pk=pk)
    rows = (
        (
            e.name,
            e.branch.name if e.branch else "",
            e.village.name if e.village else "",
            e.get_status_display(),
            e.reason,
            e.get_source_display(),
        )
        for e in _enrolments(request, programme).qs
    )
    headers = [_("Name"), _("Branch"), _("Village"), _("Status"), _("Reason"), _("Source")]
    return export(request, programme.name[:31], headers, rows, "enrolments.xlsx")


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else clock.today().year


def _people(request: HttpRequest) -> tuple[int, int | None, list[measures.Person]]:
    year = _year(request)
    town_id = measures.default_town_id(request.user)
    return year, town_id, measures.year_people(request.user, year, town_id)


@login_required
def hours_page(request: HttpRequest) -> HttpResponse:
    """Study hours of the year per branch, and the members behind their yearly hours."""
    require_sees(request)
    year, town_id, people = _people(request)
    need = measures.requirement(town_id, year)
    behind = measures.behind(people)
    page = Paginator(behind, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/measures.html",
        {
            "year": year,
            "years": range(clock.today().year, clock.today().year - 4, -1),
            "need": need,
            "branches": measures.by_branch(people),
            "people": len(people),
            "behind": len(behind),
            "page": page,
            "can_manage": rules.manages(scope_for(request.user))
            and measures.managed_town(request.user) is not None,
            "can_export": scope_for(request.user).can(Cap.EXPORT),
        },
    )


@login_required
def hours_export(request: HttpRequest) -> HttpResponse:
    """Every member's hours of the year (`?behind=1`: only those behind), scoped."""
    require_sees(request)
    year, _town, people = _people(request)
    if request.GET.get("behind"):
        people = measures.behind(people)
    rows = (
        (p.name, p.branch, _("secretary") if p.is_secretary else "", p.hours, p.required, p.missing)
        for p in people
    )
    headers = [_("Name"), _("Branch"), _("Post"), _("Hours"), _("Required"), _("Missing")]
    return export(request, str(year), headers, rows, "study-hours.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def hours_requirement(request: HttpRequest) -> HttpResponse:
    require_manages(request)
    town = measures.managed_town(request.user)
    if town is None:
        raise Http404
    year = _year(request)
    need = measures.requirement(town.pk, year)
    form = HoursForm(
        request.POST or None,
        initial={
            "year": year,
            "member_hours": need.member_hours,
            "secretary_hours": need.secretary_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            programmes.hours_requirement_set(actor=request.user, town=town, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The yearly study hours were saved."))
            return redirect(f"{reverse('trainings:hours')}?year={form.cleaned_data['year']}")
    return render(
        request,
        "trainings/form.html",
        {"form": form, "title": _("Yearly study hours"), "back": "trainings:hours"},
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My training: my programmes, sessions to come, my hours this year against the requirement."""
    year = clock.today().year
    own = list(selectors.my_enrolments(request.user))
    attended = list(selectors.my_attendance(request.user, year))
    hours = sum((a.hours for a in attended), 0)
    town_id = next((e.programme.town_id for e in own if e.programme.town_id), None)
    need = measures.requirement(town_id, year).of(any(e.is_secretary for e in own))
    return render(
        request,
        "trainings/mine.html",
        {
            "enrolments": own,
            "attended": attended[:30],
            "upcoming": list(selectors.upcoming_sessions([e.pk for e in own], clock.today())),
            "hours": hours,
            "need": need,
            "share": float(hours) / need if need else None,
            "year": year,
        },
    )
