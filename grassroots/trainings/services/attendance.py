"""The one way an attendance is recorded (issue #12).

`attend` writes one `Attendance` of an enrolment at a session, once: a second one for the
same person and session is refused with a clear message and nothing is written. A
make-up session records its attendance against the session it makes up for. Who may
record it depends on how it was taken: a QR scan or online time only by the person
themselves (their enrolment's user), anything else by venue staff (`Cap.CHECK_IN`)
who reach the person. The first attendance of a branch's member at a session emits
`Event.BRANCH_RECORD` (`trainings.<programme kind>`), which completes the branch's
linked duty item of that period.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.services import require, require_visible
from grassroots.trainings.models import Attendance, Enrolment, Session, Venue

M = Attendance.Method
SELF_METHODS = frozenset({M.QR, M.ONLINE})


def record_key(kind: str) -> str:
    """The `core.records` key of attendance at a session of a programme kind."""
    return f"trainings.{kind}"


class AlreadyCheckedIn(ValidationError):
    """The person is already recorded at this session (nothing new was written)."""


def _authorise(actor: Actor, enrolment: Enrolment, method: str) -> None:
    if method in SELF_METHODS:
        user = acting_user(actor)
        if user is None or enrolment.user_id != user.pk:
            raise PermissionDenied(_("Only the participant can check themselves in."))
        return
    if actor is not None:  # None: the system (the demo loader, a migration)
        require(actor, Cap.CHECK_IN)
        require_visible(actor, enrolment)


def _check(session: Session, enrolment: Enrolment, venue: Venue | None, method: str) -> Session:
    """The session the attendance counts for; ValidationError naming what is wrong."""
    if method not in M.values:
        raise ValidationError(
            _("Unknown way of checking in; use one of: %(methods)s")
            % {"methods": ", ".join(M.values)},
            code="method",
        )
    target = session.makeup_of or session
    if session.cancelled:
        raise ValidationError(_("This session was cancelled."), code="cancelled")
    if enrolment.programme_id != target.programme_id:
        raise ValidationError(
            _("%(name)s is not enrolled in this programme.") % {"name": enrolment.name},
            code="not_enrolled",
        )
    if venue is not None and not session.venues.filter(pk=venue.pk).exists():
        raise ValidationError(_("This venue does not hold this session."), code="venue")
    return target


@transaction.atomic
def attend(
    *,
    actor: Actor,
    session: Session,
    enrolment: Enrolment,
    method: str,
    venue: Venue | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    is_demo: bool = False,
) -> Attendance:
    """Record that `enrolment` attended `session` (at `venue`), once."""
    _authorise(actor, enrolment, method)
    target = _check(session, enrolment, venue, method)
    at = at or clock.now()
    row = Attendance(
        session=target,
        enrolment=enrolment,
        venue=venue,
        makeup_session=session if session.makeup_of_id else None,
        method=method,
        at=at,
        recorded_by=acting_user(actor),
        note=note.strip()[:200],
        hours=target.hours,
        year=target.on.year,
        branch_id=enrolment.branch_id,
        village_id=enrolment.village_id,
        org_path=enrolment.org_path,
        place_path=enrolment.place_path,
        is_demo=is_demo,
    )
    already = _("%(name)s is already checked in to this session.") % {"name": enrolment.name}
    try:
        # The unique constraint refuses a second attendance (a racing scan loses here too);
        # no query before it: the main venue's rush pays one round trip less per scan.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        raise AlreadyCheckedIn(already, code="already") from None
    emit(Event.FIGURES_STALE, org_path=row.org_path)
    audit.record(
        actor=actor,
        action=Action.TRAININGS_ATTENDANCE_RECORDED,
        obj=row,
        data={"session": target.pk, "method": method, "venue": venue.pk if venue else None},
    )
    if enrolment.branch_id and not (
        unscoped(Attendance, why=Unscoped.SYSTEM)
        .filter(session=target, branch_id=enrolment.branch_id)
        .exclude(pk=row.pk)
        .exists()
    ):
        emit_branch_record(target, enrolment.branch_id)
    return row


def emit_branch_record(target: Session, branch_id: int) -> None:
    """`Event.BRANCH_RECORD` for a branch's first attendance at `target` (inside the
    transaction that checked it was the first: duties completes items in it)."""
    emit(
        Event.BRANCH_RECORD,
        kind=record_key(target.programme.kind),
        organization_id=branch_id,
        on=timezone.localdate(target.starts_at),
        record_id=target.pk,
    )
