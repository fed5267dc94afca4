"""Spreadsheets of the programme list and of a session's attendance (issue #12: every list
exportable), built from the same scoped reads as their pages and audited by `common.export`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.core.scoping import get_visible_or_404
from grassroots.trainings import selectors
from grassroots.trainings.filters import ProgrammeFilter
from grassroots.trainings.models import Attendance, Enrolment, Session
from grassroots.trainings.views.common import export, require_sees


@login_required
def programme_export(request: HttpRequest) -> HttpResponse:
    """The programmes of the list (its filters), with the people the user reaches in each."""
    require_sees(request)
    user = request.user
    found = ProgrammeFilter(request.GET, queryset=selectors.programmes(user), request=request)
    programmes = list(found.qs.select_related("organization"))
    ids = [p.pk for p in programmes]
    enrolled = dict(
        Enrolment.objects.visible_to(user)
        .filter(programme_id__in=ids, status=Enrolment.Status.ENROLLED)
        .values_list("programme_id")
        .annotate(n=Count("pk"))
    )
    sessions = dict(
        Session.objects.visible_to(user)
        .filter(programme_id__in=ids, cancelled=False, makeup_of__isnull=True)
        .values_list("programme_id")
        .annotate(n=Count("pk"))
    )
    rows = (
        (
            p.name,
            p.get_kind_display(),
            p.get_audience_display(),
            p.organization.name,
            p.starts_on,
            p.ends_on,
            p.get_status_display(),
            sessions.get(p.pk, 0),
            enrolled.get(p.pk, 0),
        )
        for p in programmes
    )
    headers = [
        _("Name"),
        _("Kind"),
        _("Audience"),
        _("Organised by"),
        _("Starts on"),
        _("Ends on"),
        _("Status"),
        pgettext("trainings", "Sessions"),
        _("Enrolled"),
    ]
    return export(request, _("Training programmes"), headers, rows, "training-programmes.xlsx")


@login_required
def session_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the user reaches was present at a session (where, how, when) and who was absent."""
    require_sees(request)
    user = request.user
    session = get_visible_or_404(Session.objects.select_related("programme"), user, pk=pk)
    present = (
        Attendance.objects.visible_to(user)
        .filter(session=session)
        .select_related("enrolment", "venue", "branch", "village")
        .order_by("org_path", "place_path", "enrolment__name", "pk")
    )
    rows: list[tuple[object, ...]] = [
        (
            a.enrolment.name,
            a.branch.name if a.branch else (a.village.name if a.village else ""),
            _("Present"),
            a.venue.name if a.venue else "",
            a.get_method_display(),
            timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M"),
            a.note,
        )
        for a in present
    ]
    if session.starts_at <= timezone.now() and not session.makeup_of_id:
        for branch, people in selectors.absentees(user, session):
            rows += [
                (e.name, branch.name if branch else "", _("Absent"), "", "", "", "") for e in people
            ]
    headers = [
        _("Name"),
        _("Branch"),
        _("Attendance"),
        _("Venue"),
        pgettext("trainings", "How"),
        _("Time"),
        _("Note"),
    ]
    return export(request, session.topic[:31], headers, rows, "session-attendance.xlsx")
