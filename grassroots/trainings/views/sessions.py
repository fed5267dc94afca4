"""Session pages: a session (attendance by venue and by branch, absentees per branch, the
check-in links, make-up), its form, cancelling, a make-up session and a lesson taken home."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core import clock
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.trainings import measures, rules, selectors
from grassroots.trainings.forms import HomeLessonForm, MakeupForm, SessionForm
from grassroots.trainings.models import Enrolment, Session
from grassroots.trainings.services import makeup, programmes
from grassroots.trainings.views.common import add_errors, require_manages, require_sees


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_sees(request)
    user = request.user
    session = get_visible_or_404(
        Session.objects.select_related("programme", "makeup_of"), user, pk=pk
    )
    rows = measures.session_rows(user, session)
    scope = scope_for(user)
    held = session.starts_at <= clock.now()
    absent = selectors.absentees(user, session) if held and not session.makeup_of_id else []
    return render(
        request,
        "trainings/session.html",
        {
            "session": session,
            "programme": session.programme,
            "venues": list(session.venues.all()),
            "rows": rows,
            "total": measures.total(rows["branches"], _("Total")),
            "held": held,
            "absent": absent,
            "absent_count": sum(len(people) for _b, people in absent),
            "makeups": list(session.makeups.all()),
            "can_manage": rules.manages(scope) and session.programme.organization.reached_by(scope),
            "can_check_in": rules.checks_in(scope),
            "can_export": scope.can(Cap.EXPORT),
        },
    )


def _session_form(
    request: HttpRequest, programme: object, data: object, initial: object = None
) -> SessionForm:
    return SessionForm(data, initial=initial, venues=selectors.venues(request.user, programme))


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_manages(request)
    programme = get_visible_or_404(selectors.programmes(request.user), request.user, pk=pk)
    form = _session_form(request, programme, request.POST or None)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        data = form.cleaned_data
        try:
            session = programmes.session_create(
                actor=request.user,
                programme=programme,
                topic=data["topic"],
                lecturer=data["lecturer"],
                starts_at=starts_at,
                ends_at=ends_at,
                hours=data["hours"],
                mode=data["mode"],
                venues=list(data["venues"]),
                material_text=data["material_text"],
                material_seconds=data["material_seconds"] or 0,
                online_until=data["online_until"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The session was added."))
            return redirect("trainings:session", session.pk)
    return render(
        request,
        "trainings/form.html",
        {"form": form, "title": programme.name, "back_pk": programme.pk},
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_manages(request)
    session = get_visible_or_404(Session, request.user, pk=pk)
    try:
        programmes.session_cancel(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The session was cancelled."))
    return redirect("trainings:session", session.pk)


def _absent_people(request: HttpRequest, session: Session) -> object:
    ids = [e.pk for _b, people in selectors.absentees(request.user, session) for e in people]
    return (
        Enrolment.objects.visible_to(request.user).filter(pk__in=ids).order_by("org_path", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_makeup(request: HttpRequest, pk: int) -> HttpResponse:
    """Hold a make-up session for the absentees the user reaches and record who came."""
    require_sees(request)
    if not rules.checks_in(scope_for(request.user)):
        raise Http404
    session = get_visible_or_404(Session, request.user, pk=pk, makeup_of__isnull=True)
    form = MakeupForm(request.POST or None, people=_absent_people(request, session))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            mk = makeup.makeup_create(
                actor=request.user, session=session, starts_at=starts_at, ends_at=ends_at
            )
            n = makeup.makeup_record(
                actor=request.user, makeup=mk, enrolments=form.cleaned_data["present"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Make-up attendance of %(n)d people recorded.") % {"n": n})
            return redirect("trainings:session", session.pk)
    return render(
        request,
        "trainings/form.html",
        {
            "form": form,
            "title": _("Make-up: %(topic)s") % {"topic": session.topic},
            "back_session": session.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_home(request: HttpRequest, pk: int) -> HttpResponse:
    """送学上门: record a lesson of this session taken to an absentee's home."""
    require_sees(request)
    if not rules.checks_in(scope_for(request.user)):
        raise Http404
    session = get_visible_or_404(Session, request.user, pk=pk, makeup_of__isnull=True)
    form = HomeLessonForm(request.POST or None, people=_absent_people(request, session))
    if request.method == "POST" and form.is_valid():
        try:
            row = makeup.home_lesson(
                actor=request.user,
                session=session,
                enrolment=form.cleaned_data["person"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s: the lesson taken home is recorded.") % {"name": row.enrolment.name},
            )
            return redirect("trainings:session", session.pk)
    return render(
        request,
        "trainings/form.html",
        {"form": form, "title": _("Lesson taken home"), "back_session": session.pk},
    )
