"""What a venue's screen shows: the check-in link of the current 30-second window, its QR
code as SVG (segno; sized by CSS, no inline style), and the live counts (issue #12).

The counts are of the whole venue and session, whoever's members they are: the screen
is opened by venue staff who reach the session (checked by the view), and a count shows
no one's name, so the read is not narrowed to the staff member's branches.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from grassroots.core.scoping import Unscoped, unscoped
from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance, Enrolment, Session, Venue


@dataclass(frozen=True)
class Live:
    url: str
    svg: SafeString
    at_venue: int
    in_session: int
    enrolled: int
    refresh_in: int  # seconds until the next code


def link(request: HttpRequest, session: Session, venue: Venue) -> str:
    """The absolute check-in URL of this window, readable by any phone camera."""
    path = reverse(
        "trainings:checkin",
        kwargs={
            "session": session.pk,
            "venue": venue.pk,
            "token": tokens.issue(session.pk, venue.pk),
        },
    )
    return request.build_absolute_uri(path)


def qr_svg(url: str) -> SafeString:
    code = segno.make(url, error="m")
    # segno writes only its own markup (paths and a class): safe to embed.
    return mark_safe(code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True))


def counts(session: Session, venue: Venue) -> tuple[int, int]:
    """Attendances at this venue and in the whole session (a make-up counts for its target)."""
    rows = unscoped(Attendance, why=Unscoped.SYSTEM).filter(session=session)
    return rows.filter(venue=venue).count(), rows.count()


def live(request: HttpRequest, session: Session, venue: Venue) -> Live:
    url = link(request, session, venue)
    at_venue, in_session = counts(session, venue)
    enrolled = (
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(programme_id=session.programme_id, status=Enrolment.Status.ENROLLED)
        .count()
    )
    return Live(
        url=url,
        svg=qr_svg(url),
        at_venue=at_venue,
        in_session=in_session,
        enrolled=enrolled,
        refresh_in=tokens.seconds_left(),
    )
