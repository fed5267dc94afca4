"""Pages of organisational life: the list with counts, a record, the record form, the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.core import audit, xlsx
from grassroots.core.audit import Action
from grassroots.core.ids import parse_id
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.orglife import rules, selectors, services
from grassroots.orglife.filters import MeetingFilter
from grassroots.orglife.forms import MeetingEditForm, MeetingForm
from grassroots.orglife.models import Meeting, MeetingKind
from grassroots.party.models import Member, Organization

PER_PAGE = 30


def _require_sees(request: HttpRequest) -> None:
    if not rules.sees_meetings(scope_for(request.user)):
        raise Http404


def _filtered(request: HttpRequest) -> MeetingFilter:
    return MeetingFilter(request.GET, queryset=selectors.meetings(request.user), request=request)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    user = request.user
    meetings = _filtered(request)
    page = Paginator(meetings.qs, PER_PAGE).get_page(request.GET.get("page"))
    since = selectors.year_start()
    chosen = meetings.form.cleaned_data.get("branch") if meetings.form.is_valid() else None
    this_year = selectors.meetings(user).filter(held_on__gte=since)
    if chosen is not None:
        this_year = this_year.filter(branch=chosen)
    labels = dict(MeetingKind.choices)
    tiles = [(kind, labels[kind], n) for kind, n in selectors.counts_by_kind(this_year).items()]
    branches = selectors.counts_by_branch(user, since)
    scope = scope_for(user)
    return render(
        request,
        "orglife/list.html",
        {
            "filter": meetings,
            "page": page,
            "tiles": tiles,
            "since": since,
            "chosen": chosen,
            "branches": branches if len(branches) > 1 else [],
            "kinds": MeetingKind.choices,
            "can_record": rules.records_meetings(scope),
            "can_export": scope.can(Cap.EXPORT),
            "query": request.GET.urlencode(),
            "active_filters": sum(1 for k in meetings.form.fields if request.GET.get(k)),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    meeting = get_visible_or_404(selectors.meetings(request.user), request.user, pk=pk)
    rows = list(selectors.attendance(request.user, meeting))
    return render(
        request,
        "orglife/detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "excused": sum(1 for r in rows if r.status == "excused"),
            "absent": sum(1 for r in rows if r.status == "absent"),
            "editable_until": services.editable_until(meeting),
            "can_edit": _may_edit(request.user, meeting),
        },
    )


@login_required
def meeting_file(request: HttpRequest, pk: int) -> FileResponse:
    _require_sees(request)
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    if not meeting.file:
        raise Http404
    response = FileResponse(
        meeting.file.open("rb"),
        as_attachment=True,
        filename=meeting.file_name or meeting.file.name.rsplit("/", 1)[-1],
        content_type=meeting.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_export(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    if not scope_for(request.user).can(Cap.EXPORT):
        raise PermissionDenied
    meetings = _filtered(request).qs
    headers = [
        _("Branch"),
        _("Organisation"),
        _("Kind"),
        _("Date"),
        _("Place"),
        _("Topic"),
        _("Host"),
        _("Expected"),
        _("Present"),
        _("Recorded at"),
    ]
    rows = [
        (
            m.branch.name,
            m.organization.name,
            m.get_kind_display(),
            m.held_on,
            m.place,
            m.topic,
            m.host,
            m.expected,
            m.present,
            timezone.localtime(m.recorded_at).replace(tzinfo=None),
        )
        for m in meetings
    ]
    content = xlsx.table_workbook([(_("Meeting records"), headers, rows)])
    audit.record(
        actor=request.user,
        action=Action.ORGLIFE_MEETINGS_EXPORTED,
        object_type="orglife.meeting",
        data={"rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return xlsx.attachment(content, "meetings.xlsx")


def _organizations(user: Any) -> list[Organization]:
    """Branches and Party groups the user reaches (not merely sees above their reach)."""
    scope = scope_for(user)
    return [
        org
        for org in Organization.objects.visible_to(user)
        .filter(kind__in=services.MEETING_ORG_KINDS)
        .order_by("path")
        if org.reached_by(scope)
    ]


def _roster(user: Any, org: Organization) -> QuerySet:
    return (
        Member.objects.visible_to(user)
        .filter(org_path__startswith=org.path, active=True)
        .order_by("name", "pk")
    )


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.records_meetings(scope_for(user)):
        raise Http404
    orgs = _organizations(user)
    wanted = request.GET.get("org")
    if wanted is not None:
        org = next((o for o in orgs if o.pk == parse_id(wanted)), None)
        if org is None:
            raise Http404
    elif len(orgs) == 1:
        org = orgs[0]
    else:
        return render(request, "orglife/choose.html", {"orgs": orgs})
    form = MeetingForm(request.POST or None, request.FILES or None, roster=_roster(user, org))
    if request.method == "POST" and form.is_valid():
        if len(request.FILES.getlist("file")) > 1:
            form.add_error("file", _("Attach at most one file."))
        else:
            try:
                meeting = services.meeting_record(
                    actor=user,
                    organization=org,
                    kind=form.cleaned_data["kind"],
                    held_on=form.cleaned_data["held_on"],
                    place=form.cleaned_data["place"],
                    topic=form.cleaned_data["topic"],
                    host=form.cleaned_data["host"],
                    present=list(form.cleaned_data["present"]),
                    excused=form.excused_reasons(),
                    file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(kind)s of %(org)s recorded.")
                    % {"kind": meeting.get_kind_display(), "org": org.name},
                )
                return redirect("orglife:meeting", meeting.pk)
    return render(
        request, "orglife/form.html", {"form": form, "org": org, "several": len(orgs) > 1}
    )


def _may_edit(user: Any, meeting: Meeting) -> bool:
    scope = scope_for(user)
    return (
        rules.records_meetings(scope)
        and meeting.organization.reached_by(scope)
        and services.is_editable(meeting)
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a record within its 30 days (the service says so when they have passed)."""
    user = request.user
    _require_sees(request)
    meeting = get_visible_or_404(selectors.meetings(user), user, pk=pk)
    scope = scope_for(user)
    if not (rules.records_meetings(scope) and meeting.organization.reached_by(scope)):
        raise Http404
    rows = list(selectors.attendance(user, meeting))
    excused = [a for a in rows if a.status == "excused"]
    initial = {
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "topic": meeting.topic,
        "host": meeting.host,
        "present": [a.member_id for a in rows if a.status == "present"],
        "excused": [a.member_id for a in excused],
        "excuse_reason": excused[0].reason if excused else "",
    }
    form = MeetingEditForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        roster=_roster(user, meeting.organization),
    )
    form.fields["present"].initial = initial["present"]
    if request.method == "POST" and form.is_valid():
        if len(request.FILES.getlist("file")) > 1:
            form.add_error("file", _("Attach at most one file."))
        else:
            try:
                services.meeting_update(
                    actor=user,
                    meeting=meeting,
                    held_on=form.cleaned_data["held_on"],
                    place=form.cleaned_data["place"],
                    topic=form.cleaned_data["topic"],
                    host=form.cleaned_data["host"],
                    present=list(form.cleaned_data["present"]),
                    excused=form.excused_reasons(),
                    file=form.cleaned_data["file"],
                    remove_file=form.cleaned_data["remove_file"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The meeting record was corrected."))
                return redirect("orglife:meeting", meeting.pk)
    return render(
        request,
        "orglife/form.html",
        {"form": form, "org": meeting.organization, "meeting": meeting, "several": False},
    )
