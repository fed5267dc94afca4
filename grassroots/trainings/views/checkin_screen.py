"""Venue staff's pages: the venue screen with its rotating code and live counts, and the
check-in by hand for people without a phone (issue #12).

Both need `Cap.CHECK_IN` and a session the user reaches; anything else answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.core.ids import parse_id
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.trainings import screen
from grassroots.trainings.models import Attendance, Enrolment, Session, Venue
from grassroots.trainings.services import checkin

HAND_ROWS = 50  # people listed at once on the hand check-in page (search for others)


def staff_session_venue(request: HttpRequest, pk: int, venue: int) -> tuple[Session, Venue]:
    """The session and venue, for venue staff who reach them; 404 otherwise."""
    if not scope_for(request.user).can(Cap.CHECK_IN):
        raise Http404
    session = get_visible_or_404(Session.objects.select_related("programme"), request.user, pk=pk)
    place = session.venues.filter(pk=venue).first()
    if place is None:
        raise Http404
    return session, place


@login_required
@require_GET
def venue_screen(request: HttpRequest, pk: int, venue: int) -> HttpResponse:
    session, place = staff_session_venue(request, pk, venue)
    return render(
        request,
        "trainings/checkin/screen.html",
        {"session": session, "venue": place, "live": screen.live(request, session, place)},
    )


@login_required
@require_GET
def venue_screen_live(request: HttpRequest, pk: int, venue: int) -> HttpResponse:
    """The fragment the screen fetches again: the code of this window and the counts."""
    session, place = staff_session_venue(request, pk, venue)
    response = render(
        request,
        "trainings/checkin/_live.html",
        {"session": session, "venue": place, "live": screen.live(request, session, place)},
    )
    response["Cache-Control"] = "no-store"
    return response


def _waiting(request: HttpRequest, session: Session, q: str) -> list[Enrolment]:
    present = Attendance.objects.visible_to(request.user).filter(session=session)
    rows = (
        Enrolment.objects.visible_to(request.user)
        .filter(programme_id=session.programme_id, status=Enrolment.Status.ENROLLED)
        .exclude(pk__in=present.values("enrolment_id"))
    )
    if q:
        rows = rows.filter(name__icontains=q)
    return list(rows.order_by("name", "pk")[:HAND_ROWS])


@login_required
@require_http_methods(["GET", "POST"])
def hand(request: HttpRequest, pk: int, venue: int) -> HttpResponse:
    session, place = staff_session_venue(request, pk, venue)
    if request.method == "POST":
        enrolment_id = parse_id(request.POST.get("enrolment"))
        enrolment = get_visible_or_404(
            Enrolment.objects.filter(programme_id=session.programme_id),
            request.user,
            pk=enrolment_id,
        )
        try:
            checkin.check_in_by_hand(
                actor=request.user, session=session, venue=place, enrolment=enrolment
            )
        except checkin.Refused as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": enrolment.name})
        return redirect(request.get_full_path())
    q = request.GET.get("q", "").strip()[:50]
    by_hand = (
        Attendance.objects.visible_to(request.user)
        .filter(session=session, venue=place, method=Attendance.Method.MANUAL)
        .select_related("enrolment")
        .order_by("-at")[:HAND_ROWS]
    )
    return render(
        request,
        "trainings/checkin/hand.html",
        {
            "session": session,
            "venue": place,
            "q": q,
            "waiting": _waiting(request, session, q),
            "by_hand": by_hand,
            "limit": HAND_ROWS,
        },
    )
