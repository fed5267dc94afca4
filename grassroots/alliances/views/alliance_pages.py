"""Alliance pages: the list, one alliance with its members, the form, members added or removed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.alliances import rules, services
from grassroots.alliances.filters import AllianceFilter
from grassroots.alliances.forms import AllianceForm, MemberForm
from grassroots.alliances.models import Alliance, AllianceMember, InnovationProject
from grassroots.alliances.views.common import (
    add_errors,
    leads,
    require_edits,
    require_sees,
    town_organizations,
)
from grassroots.core import audit, clock, xlsx
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for

PER_PAGE = 30


def _alliances(request: HttpRequest) -> AllianceFilter:
    rows = Alliance.objects.visible_to(request.user).select_related("lead")
    return AllianceFilter(request.GET, queryset=rows, request=request)


@login_required
def alliance_list(request: HttpRequest) -> HttpResponse:
    require_sees(request)
    found = _alliances(request)
    page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    return render(
        request,
        "alliances/alliance_list.html",
        {
            "filter": found,
            "page": page,
            "can_edit": rules.edits(scope),
            "can_export": scope.can(Cap.EXPORT),
            "query": request.GET.urlencode(),
            "active_filters": sum(1 for k in found.form.fields if request.GET.get(k)),
        },
    )


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    alliance = get_visible_or_404(Alliance.objects.select_related("lead"), user, pk=pk)
    members = (
        AllianceMember.objects.visible_to(user)
        .filter(alliance=alliance)
        .select_related("organization")
    )
    projects = InnovationProject.objects.visible_to(user).filter(alliance=alliance)
    can_edit = rules.edits(scope_for(user), alliance.lead)
    form = MemberForm(organizations=town_organizations(user, alliance)) if can_edit else None
    return render(
        request,
        "alliances/alliance_detail.html",
        {
            "alliance": alliance,
            "members": members,
            "projects": projects,
            "can_edit": can_edit,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alliance_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_sees(request)
    user = request.user
    alliance = None
    initial = {}
    if pk is not None:
        alliance = get_visible_or_404(Alliance.objects.select_related("lead"), user, pk=pk)
        require_edits(request, alliance.lead)
        initial = {
            "name": alliance.name,
            "kind": alliance.kind,
            "lead": alliance.lead,
            "description": alliance.description,
            "founded_on": alliance.founded_on,
        }
    else:
        require_edits(request)
    form = AllianceForm(request.POST or None, initial=initial, leads=leads(user))
    if request.method == "POST" and form.is_valid():
        try:
            if alliance is None:
                alliance = services.alliance_create(actor=user, **form.cleaned_data)
            else:
                services.alliance_update(actor=user, alliance=alliance, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Alliance %(name)s saved.") % {"name": alliance.name})
            return redirect("alliances:alliance", alliance.pk)
    return render(request, "alliances/alliance_form.html", {"form": form, "alliance": alliance})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    alliance = get_visible_or_404(Alliance.objects.select_related("lead"), user, pk=pk)
    require_edits(request, alliance.lead)
    form = MemberForm(request.POST or None, organizations=town_organizations(user, alliance))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.alliance_member_add(
                actor=user, alliance=alliance, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s joined the alliance.") % {"name": member.name})
            return redirect("alliances:alliance", alliance.pk)
    return render(request, "alliances/member_form.html", {"form": form, "alliance": alliance})


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    require_sees(request)
    alliance = get_visible_or_404(Alliance.objects.select_related("lead"), request.user, pk=pk)
    member = get_visible_or_404(
        AllianceMember.objects.filter(alliance=alliance), request.user, pk=member_pk
    )
    require_edits(request, alliance.lead)
    services.alliance_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(name)s left the alliance.") % {"name": member.name})
    return redirect("alliances:alliance", alliance.pk)


@login_required
def alliance_export(request: HttpRequest) -> HttpResponse:
    require_sees(request)
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied
    alliances = list(_alliances(request).qs.prefetch_related("members__organization"))
    headers = [
        pgettext("alliances", "Name"),
        _("Kind"),
        _("Lead organisation"),
        _("Founded on"),
        pgettext("alliances", "Members"),
        _("Description"),
    ]
    rows = [
        (
            a.name,
            a.get_kind_display(),
            a.lead.name,
            a.founded_on,
            "、".join(m.name for m in a.members.all()),
            a.description,
        )
        for a in alliances
    ]
    member_headers = [
        _("Alliance"),
        pgettext("alliances", "Member"),
        _("Kind of unit"),
        _("Role"),
        _("Joined on"),
    ]
    member_rows = [
        (
            a.name,
            m.name,
            m.get_unit_kind_display() if m.unit_kind else _("Party organisation"),
            m.role,
            m.joined_on,
        )
        for a in alliances
        for m in a.members.all()
    ]
    content = xlsx.table_workbook(
        [(_("Alliances"), headers, rows), (_("Alliance members"), member_headers, member_rows)]
    )
    audit.record(
        actor=request.user,
        action=Action.ALLIANCES_EXPORTED,
        object_type="alliances.alliance",
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, f"alliances-{clock.today():%Y%m%d}.xlsx")
