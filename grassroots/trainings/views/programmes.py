"""Programme pages: the list, a programme (sessions, venues, enrolment, measures), the form
and its status actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.trainings import measures, rules, selectors
from grassroots.trainings.filters import ProgrammeFilter
from grassroots.trainings.forms import ProgrammeForm
from grassroots.trainings.models import Enrolment, Programme
from grassroots.trainings.services import enrolment, layout, programmes
from grassroots.trainings.views.common import add_errors, require_manages, require_sees

PER_PAGE = 20


def _venues(*, actor: Any, programme: Programme) -> Any:
    return programmes.venues_per_village(
        actor=actor, programme=programme, main_name=_("Main venue"), sub_suffix=_("sub-venue")
    )


ACTIONS = {
    "venues": _venues,
    "open": programmes.programme_open,
    "close": programmes.programme_close,
    "lay_out": layout.lay_out,
    "enrol": enrolment.enrol_audience,
}


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    require_sees(request)
    found = ProgrammeFilter(
        request.GET, queryset=selectors.programmes(request.user), request=request
    )
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/list.html",
        {
            "filter": found,
            "page": page,
            "can_manage": rules.manages(scope_for(request.user)),
            "can_export": scope_for(request.user).can(Cap.EXPORT),
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
        },
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    programme = get_visible_or_404(selectors.programmes(user), user, pk=pk)
    sessions = list(selectors.sessions(user, programme))
    counts = measures.session_counts(user, programme)
    for s in sessions:
        s.present = counts.get(s.pk, 0)
    people = selectors.enrolments(user, programme)
    by_branch = measures.programme_rows(user, programme, "branch")
    by_village = measures.programme_rows(user, programme, "village")
    scope = scope_for(user)
    return render(
        request,
        "trainings/programme.html",
        {
            "programme": programme,
            "sessions": sessions,
            "venues": list(selectors.venues(user, programme)),
            "enrolled": people.filter(status=Enrolment.Status.ENROLLED).count(),
            "excused": people.filter(status=Enrolment.Status.EXCUSED).count(),
            "by_branch": by_branch,
            "by_village": by_village,
            "total": measures.total(by_branch, _("Total")),
            "can_manage": rules.manages(scope) and programme.organization.reached_by(scope),
        },
    )


def _form(
    request: HttpRequest, committee: Organization, data: Any, initial: Any = None
) -> ProgrammeForm:
    user = request.user
    branches = Organization.objects.visible_to(user).filter(
        kind=Organization.Kind.BRANCH, path__startswith=committee.path
    )
    villages = Place.objects.visible_to(user).filter(
        kind__in=(Place.Kind.VILLAGE, Place.Kind.COMMUNITY)
    )
    return ProgrammeForm(
        data,
        initial=initial,
        branches=branches.order_by("path"),
        villages=villages.order_by("path"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    require_manages(request)
    scope = scope_for(request.user)
    committees = [
        c
        for c in Organization.objects.visible_to(request.user).filter(
            kind=Organization.Kind.COMMITTEE
        )
        if c.reached_by(scope)
    ]
    if not committees:
        raise Http404
    committee = committees[0]
    form = _form(request, committee, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programmes.programme_create(
                actor=request.user, organization=committee, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The programme was created."))
            return redirect("trainings:programme", programme.pk)
    return render(
        request,
        "trainings/form.html",
        {"form": form, "title": _("New programme"), "back": "trainings:list"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_manages(request)
    programme = get_visible_or_404(selectors.programmes(request.user), request.user, pk=pk)
    if not programme.organization.reached_by(scope_for(request.user)):
        raise Http404
    initial = {
        "name": programme.name,
        "kind": programme.kind,
        "audience": programme.audience,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "branches": list(programme.branches.all()),
        "villages": list(programme.villages.all()),
        "description": programme.description,
    }
    form = _form(request, programme.organization, request.POST or None, initial)
    form.fields["kind"].disabled = form.fields["audience"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("kind"), data.pop("audience")
        try:
            programmes.programme_update(actor=request.user, programme=programme, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("trainings:programme", programme.pk)
    return render(
        request,
        "trainings/form.html",
        {"form": form, "title": programme.name, "back_pk": programme.pk},
    )


@login_required
@require_POST
def programme_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_manages(request)
    programme = get_visible_or_404(Programme, request.user, pk=pk)
    fn = ACTIONS.get(action)
    if fn is None:
        raise Http404
    try:
        fn(actor=request.user, programme=programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("trainings:programme", programme.pk)
