"""Checking in at a venue: by scanning its rotating code, or by venue staff by hand (issue #12).

The link in the venue's QR code carries the session, the venue and a token
(`trainings.tokens`). `resolve` checks everything a scan must pass — the token, the
session (not cancelled, open for check-in), the person (enrolled, not excused, not yet
checked in) — and writes nothing; `check_in_by_ticket` and `check_in_by_token` then
record through `attendance.attend` (method QR), the one writer. A refusal is a
`Refused` with a distinct code and a clear message, and records nothing.

When check-in is open (the rule): from `OPENS_BEFORE` (an hour) before the session
starts until the end of the session's day in the town's time zone (midnight), or until
`CLOSES_AFTER` (an hour) after it ends if that is later. The same window holds for
venue staff checking people in by hand (`check_in_by_hand`, method MANUAL, shown as
代签 in lists).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.services import require, require_visible
from grassroots.trainings import tokens
from grassroots.trainings.models import Attendance, Enrolment, Session, Venue
from grassroots.trainings.services.attendance import AlreadyCheckedIn, attend

OPENS_BEFORE = dt.timedelta(hours=1)
CLOSES_AFTER = dt.timedelta(hours=1)

# Refusal codes (also the API's error codes) and the HTTP status a page answers with.
STATUS = {
    tokens.FORGED: 400,
    tokens.EXPIRED: 410,
    tokens.WRONG_SESSION: 400,
    tokens.WRONG_VENUE: 400,
    tokens.WRONG_USER: 403,
    "unknown": 404,
    "cancelled": 409,
    "not_open": 409,
    "not_enrolled": 403,
    "excused": 403,
    "already": 409,
}


def _messages() -> dict[str, str]:
    return {
        tokens.FORGED: _(
            "This check-in code is not valid. Scan the code on the venue's screen again."
        ),
        tokens.EXPIRED: _(
            "This check-in code has expired: the code changes every 30 seconds. "
            "Scan the code on the venue's screen again."
        ),
        tokens.WRONG_SESSION: _(
            "This check-in code belongs to another session. Scan the code of the session "
            "you are attending."
        ),
        tokens.WRONG_VENUE: _(
            "This check-in code belongs to another venue. Scan the code on the screen of "
            "the venue you are at."
        ),
        tokens.WRONG_USER: _("This check-in page was opened by someone else. Scan the code again."),
        "unknown": _("There is no such session or venue."),
        "cancelled": _("This session was cancelled."),
        "not_enrolled": _(
            "You are not enrolled in this training. Ask the venue staff to check you in."
        ),
        "excused": _("You are excused from this training. Ask the venue staff if you attend."),
        "already": _("You are already checked in to this session."),
    }


class Refused(ValidationError):
    """A check-in refused: `code` says why (see STATUS), nothing was recorded."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or _messages()[code], code=code)

    @property
    def status(self) -> int:
        return STATUS.get(str(self.code), 400)


@dataclass(frozen=True)
class Opening:
    opens: dt.datetime
    closes: dt.datetime


def opening(session: Session) -> Opening:
    """When check-in at `session` is open (see the module's docstring)."""
    day_end = dt.datetime.combine(
        session.on + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone()
    )
    return Opening(
        opens=session.starts_at - OPENS_BEFORE,
        closes=max(day_end, session.ends_at + CLOSES_AFTER),
    )


def require_open(session: Session, at: dt.datetime | None = None) -> None:
    if session.cancelled:
        raise Refused("cancelled")
    at = at or clock.now()
    window = opening(session)
    if at < window.opens:
        when = timezone.localtime(window.opens)
        raise Refused(
            "not_open",
            _("Check-in opens at %(time)s on %(date)s, an hour before the session starts.")
            % {"time": when.strftime("%H:%M"), "date": when.date().isoformat()},
        )
    if at >= window.closes:
        raise Refused("not_open", _("Check-in for this session has closed."))


def _session_and_venue(session_id: int, venue_id: int) -> tuple[Session, Venue]:
    # The token (or the ticket) is the key: the lookup is checked against it, not a scope.
    session = (
        unscoped(Session, why=Unscoped.SYSTEM)
        .select_related("programme", "makeup_of")
        .filter(pk=session_id)
        .first()
    )
    # The venue, only if it holds the session (one query with the check).
    venue = (
        unscoped(Venue, why=Unscoped.SYSTEM).filter(pk=venue_id, sessions=session_id).first()
        if session
        else None
    )
    if session is None or venue is None:
        raise Refused("unknown")
    return session, venue


def own_enrolment(user: Any, session: Session) -> Enrolment:
    """The user's own enrolment in the session's programme; Refused otherwise."""
    target = session.makeup_of or session
    enrolment = (
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(programme_id=target.programme_id, user_id=getattr(user, "pk", None))
        .first()
    )
    if enrolment is None:
        raise Refused("not_enrolled")
    if enrolment.status == Enrolment.Status.EXCUSED:
        raise Refused("excused")
    return enrolment


def _not_yet(session: Session, enrolment: Enrolment) -> None:
    target = session.makeup_of or session
    if (
        unscoped(Attendance, why=Unscoped.SYSTEM)
        .filter(session=target, enrolment=enrolment)
        .exists()
    ):
        raise Refused("already")


@dataclass(frozen=True)
class Resolved:
    session: Session
    venue: Venue
    enrolment: Enrolment


Lookup = Callable[[int, int], tuple[Session, Venue]]


def scanned(
    *, session_id: int, venue_id: int, token: str, lookup: Lookup | None = None
) -> tuple[Session, Venue]:
    """The checks of a scan before the person: the token, the session and venue, the window.

    `lookup` finds the session and the venue (Refused "unknown" when either is missing or
    the venue does not hold the session): a query by default; the API's fast path passes
    its per-process memo (`checkin_fast.held`).
    """
    try:
        tokens.read(token, session_id, venue_id)
    except tokens.TokenError as exc:
        raise Refused(exc.code) from None
    session, venue = (lookup or _session_and_venue)(session_id, venue_id)
    require_open(session)
    return session, venue


def resolve(
    *, user: Any, session_id: int, venue_id: int, token: str, already: bool = True
) -> Resolved:
    """Everything a scan must pass, in the order a person understands; writes nothing.
    `already=False` leaves the "already checked in" check to `attend` (one query less)."""
    session, venue = scanned(session_id=session_id, venue_id=venue_id, token=token)
    enrolment = own_enrolment(user, session)
    if already:
        _not_yet(session, enrolment)
    return Resolved(session=session, venue=venue, enrolment=enrolment)


def record_scan(actor: Actor, found: Resolved, method: str) -> Attendance:
    try:
        return attend(
            actor=actor,
            session=found.session,
            enrolment=found.enrolment,
            method=method,
            venue=found.venue,
        )
    except AlreadyCheckedIn:
        raise Refused("already") from None


@transaction.atomic
def check_in_by_token(*, actor: Actor, session_id: int, venue_id: int, token: str) -> Attendance:
    """A scan answered at once (the API): the token checked, then the attendance recorded."""
    found = resolve(
        user=acting_user(actor),
        session_id=session_id,
        venue_id=venue_id,
        token=token,
        already=False,
    )
    return record_scan(actor, found, Attendance.Method.QR)


@transaction.atomic
def check_in_by_ticket(*, actor: Actor, session_id: int, venue_id: int, ticket: str) -> Attendance:
    """The tap on the confirmation page: its ticket (bound to the user) instead of the token."""
    user = acting_user(actor)
    try:
        tokens.read_ticket(ticket, getattr(user, "pk", 0), session_id, venue_id)
    except tokens.TokenError as exc:
        raise Refused(exc.code) from None
    session, venue = _session_and_venue(session_id, venue_id)
    require_open(session)
    enrolment = own_enrolment(user, session)
    # A second check-in is refused by `attend` itself (the "already" refusal below).
    return record_scan(actor, Resolved(session, venue, enrolment), Attendance.Method.QR)


@transaction.atomic
def check_in_by_hand(
    *, actor: Actor, session: Session, venue: Venue, enrolment: Enrolment, note: str = ""
) -> Attendance:
    """Venue staff check in a person without a phone (method MANUAL, 代签)."""
    require(actor, Cap.CHECK_IN)
    require_visible(actor, session)
    require_open(session)
    try:
        return attend(
            actor=actor,
            session=session,
            enrolment=enrolment,
            method=Attendance.Method.MANUAL,
            venue=venue,
            note=note,
        )
    except AlreadyCheckedIn as exc:
        raise Refused("already", exc.messages[0]) from None


def studied_session(user: Any, session_id: int | None) -> Session:
    """The session, if `user` is enrolled in its programme (a participant has no reach of
    their own: their enrolment is the key); 404 otherwise, as for a missing id."""
    session = (
        unscoped(Session, why=Unscoped.SYSTEM)
        .select_related("programme", "makeup_of")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    try:
        own_enrolment(user, session)
    except Refused as exc:
        raise Http404 from exc
    return session
