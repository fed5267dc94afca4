"""The scan's fast path: a token check-in in one statement (decision 0011, after 0007).

`check_in` runs the same checks as `checkin.check_in_by_token` — `checkin.scanned` (the
token, the session and venue, the check-in window, cancelled), then the person (enrolled,
not excused, not yet checked in) — and records the same attendance and audit row, but:

- **the session, its programme and its venues come from a per-process memo** (`HELD`,
  `SESSION_TTL` seconds), cleared in this process by any save or delete of a session,
  venue or programme and by a change of a session's venues; other processes follow within
  the TTL (a session cancelled or moved elsewhere is seen there up to 30 s late);
- **on PostgreSQL the person's enrolment, the attendance and its audit row are one
  statement** outside any transaction (one round trip with its commit): a CTE finds the
  enrolment as `checkin.own_enrolment` does, inserts the attendance unless the person is
  excused (`ON CONFLICT DO NOTHING` on the once-per-session constraint) and the audit row
  only if the attendance went in. When nothing went in, `checkin.own_enrolment` says why
  (not enrolled, excused) or it is the "already" refusal: the same answers, nothing
  written. SQLite records through `attendance.attend`, as the other methods do;
- **the branch's first attendance at a session** still emits `Event.BRANCH_RECORD`
  (duties completes its items in that transaction): the first time this process sees a
  (session, branch), it checks in a transaction whether an earlier attendance of the
  branch exists (`pk` smaller than its own row's) and emits if none. The owner of the
  branch's first row always sees no earlier one, so the event is never lost to a race;
  two processes may both emit, which duties takes as one (it completes open items only).
  If emitting fails after the attendance committed, the request fails and the duty item
  stays open for the finder or by hand (the window is one statement wide).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed

from grassroots.core import audit, clock
from grassroots.core.audit import Action, AuditEvent
from grassroots.core.memo import Memo
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.trainings.models import Attendance, Enrolment, Programme, Session, Venue
from grassroots.trainings.services import checkin
from grassroots.trainings.services.attendance import emit_branch_record

SESSION_TTL = 30.0
SEEN_TTL = 600.0


@dataclass(frozen=True)
class Held:
    """A session as a scan needs it: with its programme (and the session it makes up for,
    with that one's programme) and the venues holding it. Shared: never changed."""

    session: Session
    venues: dict[int, Venue]


HELD: Memo[int, Held] = Memo("training sessions", ttl=SESSION_TTL)
# (session the attendance counts for, branch) pairs this process has checked for the
# branch's first attendance (decision 0011).
SEEN: Memo[tuple[int, int], bool] = Memo("training branch records", ttl=SEEN_TTL)


def _load(session_id: int) -> Held | None:
    session = (
        unscoped(Session, why=Unscoped.SYSTEM)
        .select_related("programme", "makeup_of__programme")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return None
    venues = unscoped(Venue, why=Unscoped.SYSTEM).filter(sessions=session_id)
    return Held(session=session, venues={v.pk: v for v in venues})


def held(session_id: int, venue_id: int) -> tuple[Session, Venue]:
    """`checkin.scanned`'s lookup from the memo: Refused "unknown" as the query's would be."""
    found = HELD.get(session_id, _load)
    venue = found.venues.get(venue_id) if found is not None else None
    if found is None or venue is None:
        raise checkin.Refused("unknown")
    return found.session, venue


def _forget_sessions(**_kwargs: Any) -> None:
    HELD.clear()


def watch() -> None:
    """Clear the memo on any change of what it holds (called from `TrainingsConfig.ready`)."""
    HELD.watch(Session, Venue, Programme)
    m2m_changed.connect(_forget_sessions, sender=Session.venues.through, weak=False)
    SEEN.watch(Session)


@dataclass(frozen=True)
class Checked:
    """What the API answers about a recorded scan (the fields of CheckinAttendanceSerializer)."""

    id: int
    session: int
    venue: int
    enrolment: int
    name: str
    at: dt.datetime
    hours: Decimal


def check_in(*, user: Any, session_id: int, venue_id: int, token: str) -> Checked:
    """Check `user` in by a venue's token; Refused (nothing written) as the service would."""
    session, venue = checkin.scanned(
        session_id=session_id, venue_id=venue_id, token=token, lookup=held
    )
    target = session.makeup_of or session
    if connection.vendor != "postgresql":
        with transaction.atomic():
            found = checkin.Resolved(session, venue, checkin.own_enrolment(user, session))
            row = checkin.record_scan(user, found, Attendance.Method.QR)
        return Checked(
            row.pk, target.pk, venue.pk, found.enrolment.pk, found.enrolment.name, row.at, row.hours
        )
    at = clock.now()
    written = _write(user, session, target, venue, at)
    if written is None:
        checkin.own_enrolment(user, session)  # Refused: not enrolled, or excused
        raise checkin.Refused("already")
    pk, enrolment_id, branch_id, name = written
    if branch_id:
        SEEN.get((target.pk, branch_id), lambda key: _branch_record(target, branch_id, pk))
    return Checked(pk, target.pk, venue.pk, enrolment_id, name, at, target.hours)


def _branch_record(target: Session, branch_id: int, pk: int) -> bool:
    with transaction.atomic():
        earlier = (
            unscoped(Attendance, why=Unscoped.SYSTEM)
            .filter(session=target, branch_id=branch_id, pk__lt=pk)
            .exists()
        )
        if not earlier:
            emit_branch_record(target, branch_id)
    return True


# --- the one statement (PostgreSQL) ----------------------------------------------

# Attendance columns taken from the enrolment the statement finds.
_FROM_ENROLMENT = {
    "enrolment_id": "id",
    "branch_id": "branch_id",
    "village_id": "village_id",
    "org_path": "org_path",
    "place_path": "place_path",
}
_SQL: list[str] = []


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _values(obj: models.Model, skip: set[str]) -> list[Any]:
    return [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection)
        for f in _fields(type(obj))
        if f.attname not in skip
    ]


def _statement() -> str:
    """Built once per process from the models' columns (quoted identifiers only)."""
    if _SQL:
        return _SQL[0]
    qn = connection.ops.quote_name
    ordering = ", ".join(qn(Enrolment._meta.get_field(f).column) for f in Enrolment._meta.ordering)
    picked = ", ".join(qn(c) for c in ["id", "name", "status", *list(_FROM_ENROLMENT.values())[1:]])
    att_cols, att_exprs = [], []
    for f in _fields(Attendance):
        att_cols.append(qn(f.column))
        source = _FROM_ENROLMENT.get(f.attname)
        att_exprs.append(f"e.{qn(source)}" if source else "%s")
    log_cols, log_exprs = [], []
    for f in _fields(AuditEvent):
        log_cols.append(qn(f.column))
        log_exprs.append("CAST(a.id AS text)" if f.attname == "object_id" else "%s")
    enrolments, attendances = qn(Enrolment._meta.db_table), qn(Attendance._meta.db_table)
    sql = (
        f"WITH e AS (SELECT {picked} FROM {enrolments} "  # noqa: S608 - quoted model identifiers; values are parameters
        f"WHERE programme_id = %s AND user_id = %s ORDER BY {ordering} LIMIT 1), "
        f"a AS (INSERT INTO {attendances} ({', '.join(att_cols)}) "
        f"SELECT {', '.join(att_exprs)} FROM e WHERE e.status <> %s "
        "ON CONFLICT (session_id, enrolment_id) DO NOTHING RETURNING id, enrolment_id, branch_id), "
        f"l AS (INSERT INTO {qn(AuditEvent._meta.db_table)} ({', '.join(log_cols)}) "
        f"SELECT {', '.join(log_exprs)} FROM a) "
        "SELECT a.id, a.enrolment_id, a.branch_id, e.name FROM a CROSS JOIN e"
    )
    _SQL.append(sql)
    return sql


def _write(
    user: Any, session: Session, target: Session, venue: Venue, at: dt.datetime
) -> tuple[int, int, int | None, str] | None:
    """The attendance `attend` would write (and its audit row), or None if none went in."""
    row = Attendance(
        session=target,
        venue=venue,
        makeup_session=session if session.makeup_of_id else None,
        method=Attendance.Method.QR,
        at=at,
        recorded_by=user,
        hours=target.hours,
        year=target.on.year,
    )
    log = audit.build(
        actor=user,
        action=Action.TRAININGS_ATTENDANCE_RECORDED,
        object_type=Attendance._meta.label_lower,
        data={"session": target.pk, "method": Attendance.Method.QR, "venue": venue.pk},
    )
    params = [
        target.programme_id,
        user.pk,
        *_values(row, set(_FROM_ENROLMENT)),
        Enrolment.Status.EXCUSED.value,
        *_values(log, {"object_id"}),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_statement(), params)
        return cursor.fetchone()
