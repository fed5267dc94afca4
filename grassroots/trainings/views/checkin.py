"""The phone's check-in: the link in a venue's QR code (issue #12).

GET: not logged in → the login page, then back here (`login_required` keeps `next`);
logged in → the token and the person are checked (`services.checkin.resolve`) and the
page shows one big button with a ticket bound to the user, the session and the venue,
so the tap still works after the 45 s of the token. POST: records through the service,
shows who, what, where and when. A refusal is a page with the reason and a 4xx status.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance
from grassroots.trainings.services import checkin


def refused(request: HttpRequest, exc: checkin.Refused) -> HttpResponse:
    return render(
        request,
        "trainings/checkin/refused.html",
        {"reason": exc.messages[0], "code": exc.code},
        status=exc.status,
    )


def done(request: HttpRequest, row: Attendance, *, already: bool = False) -> HttpResponse:
    return render(
        request,
        "trainings/checkin/done.html",
        {"row": row, "at": timezone.localtime(row.at), "already": already},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, session: int, venue: int, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            ticket = request.POST.get("ticket", "")
            if ticket:
                row = checkin.check_in_by_ticket(
                    actor=request.user, session_id=session, venue_id=venue, ticket=ticket
                )
            else:  # a form without its ticket: the link's own token must still hold
                row = checkin.check_in_by_token(
                    actor=request.user, session_id=session, venue_id=venue, token=token
                )
            return done(request, row)
        found = checkin.resolve(user=request.user, session_id=session, venue_id=venue, token=token)
    except checkin.Refused as exc:
        return refused(request, exc)
    return render(
        request,
        "trainings/checkin/confirm.html",
        {
            "found": found,
            "ticket": tokens.ticket(request.user.pk, session, venue),
            "starts": timezone.localtime(found.session.starts_at),
        },
    )
