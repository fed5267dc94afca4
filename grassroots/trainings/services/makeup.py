"""Make-up (补学) of a held session (issue #12): a make-up session, and the lesson taken
to a member's home (送学上门).

A make-up session (`Session.makeup_of`) belongs to the same programme; attendance taken
at it counts for the session it makes up for (`services.attendance.attend` maps it).
Venue staff (`Cap.CHECK_IN`) who see the session may hold one for the absentees they
reach; the lesson taken home is an attendance of method `home` with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core.actors import Actor
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_visible
from grassroots.trainings.models import Attendance, Enrolment, Mode, Session, Venue
from grassroots.trainings.services.attendance import AlreadyCheckedIn, attend
from grassroots.trainings.services.programmes import session_create

M = Attendance.Method


@transaction.atomic
def makeup_create(
    *,
    actor: Actor,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    topic: str = "",
    lecturer: str = "",
    venues: Iterable[Venue] = (),
    is_demo: bool = False,
) -> Session:
    """A make-up session for `session` (same programme, same hours credited)."""
    require(actor, Cap.CHECK_IN)
    require_visible(actor, session)
    if session.makeup_of_id:
        raise ValidationError(
            {"makeup_of": [_("A make-up session makes up for a regular session.")]}
        )
    if session.cancelled:
        raise ValidationError(_("This session was cancelled."))
    return session_create(
        actor=actor,
        programme=session.programme,
        topic=topic.strip() or _("Make-up: %(topic)s") % {"topic": session.topic},
        lecturer=lecturer,
        starts_at=starts_at,
        ends_at=ends_at,
        hours=session.hours,
        mode=Mode.OFFLINE,
        venues=list(venues),
        makeup_of=session,
        is_demo=is_demo,
    )


@transaction.atomic
def makeup_record(
    *, actor: Actor, makeup: Session, enrolments: Iterable[Enrolment], at: dt.datetime | None = None
) -> int:
    """Record the people present at a make-up session; those already recorded are skipped.
    The number recorded."""
    if not makeup.makeup_of_id:
        raise ValidationError(_("This is not a make-up session."))
    recorded = 0
    for enrolment in enrolments:
        try:
            attend(actor=actor, session=makeup, enrolment=enrolment, method=M.MAKEUP, at=at)
        except AlreadyCheckedIn:
            continue
        recorded += 1
    return recorded


@transaction.atomic
def home_lesson(
    *,
    actor: Actor,
    session: Session,
    enrolment: Enrolment,
    note: str,
    at: dt.datetime | None = None,
    is_demo: bool = False,
) -> Attendance:
    """送学上门: the lesson of `session` taken to the person's home, by venue staff."""
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"note": [_("Say who took the lesson home and how it went.")]})
    if actor is not None:
        require(actor, Cap.CHECK_IN)
    return attend(
        actor=actor,
        session=session,
        enrolment=enrolment,
        method=M.HOME,
        note=note,
        at=at,
        is_demo=is_demo,
    )
