"""The scan's fast path: a token check-in in one statement (decision 0011, after 0007).

`check_in` runs the same checks as `checkin.check_in_by_token` — `checkin.scanned` (the
token, the session and venue, the check-in window, cancelled), then the person (enrolled,
not excused, not yet checked in) — and records the same attendance and audit row, but:

- **the session, its programme and its venues come from a per-process memo** (`HELD`,
  `SESSION_TTL` seconds), cleared in this process by any save or delete of a session,
  venue or programme and by a change of a session's venues; other processes follow within
  the TTL (a session cancelled or moved elsewhere is seen there up to 30 s late);
- **on PostgreSQL the caller, the person's enrolment, the attendance and its audit row
  are one statement** outside any transaction (one round trip with its commit): a CTE
  finds the caller's user — by the API key's token joined to an active user, as DRF's
  `TokenAuthentication` does, unless the token memo of `CachedTokenAuthentication`
  already holds the key (then its user's id) — then the enrolment as
  `checkin.own_enrolment` does (same filter and order), inserts the attendance unless
  the person is excused (`ON CONFLICT DO NOTHING` on the once-per-session constraint)
  and the audit row only if the attendance went in. It answers the enrolment it found
  even when nothing went in, which names the refusal (not enrolled, excused, else
  "already"); no user means the key is no active user's token (`NotAuthenticated`:
  the DRF view answers its 401). The statement's text is constant per process and
  shape, its values built once per (session, venue) (`Prepared`, on the `HELD` entry),
  and it runs on a server-binding cursor, so psycopg prepares it (`core.pgfast`);
  Django's connection health check is done without its `SELECT 1` round trip when the
  socket shows an idle, open connection. A refusal before the statement (the code, the
  session, the window) first authenticates the key as the API does (401 comes first).
  SQLite authenticates in Python and records through `attendance.attend`, as the other
  methods do;
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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed
from rest_framework.authtoken.models import Token

from grassroots.core import audit, auditmac, clock, pgfast, rows
from grassroots.core.audit import Action, AuditEvent
from grassroots.core.memo import Memo
from grassroots.core.models import new_nonce
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
    # The statement's values by venue (`_prepared`), filled by the first scan there.
    values: dict[int, Prepared] = field(default_factory=dict)


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


class NotAuthenticated(Exception):
    """The API key names no token of an active user: the DRF view answers (401)."""


@dataclass
class Caller:
    """Who scans: an API key, with its user if the token memo already holds it.

    `load` is the API's token authentication (the key's user, or None where it refuses);
    it runs only when the user is needed in Python (a refusal before the statement, or
    SQLite). On PostgreSQL a caller without a user is resolved by the statement itself:
    the token by its key, joined to an active user — what DRF's TokenAuthentication
    looks up — and nothing is written when there is none."""

    key: str
    user: Any | None
    load: Callable[[str], Any | None]

    def resolved(self) -> Any:
        if self.user is None:
            self.user = self.load(self.key)
            if self.user is None:
                raise NotAuthenticated
        return self.user


def check_in(*, caller: Caller, session_id: int, venue_id: int, token: str) -> Checked:
    """Check `caller` in by a venue's token; Refused (nothing written) as the service would,
    NotAuthenticated (nothing written) where the API's token authentication would refuse."""
    try:
        session, venue = checkin.scanned(
            session_id=session_id, venue_id=venue_id, token=token, lookup=held
        )
    except checkin.Refused:
        caller.resolved()  # DRF authenticates before anything else: 401 comes first
        raise
    target = session.makeup_of or session
    if connection.vendor != "postgresql":
        user = caller.resolved()
        with transaction.atomic():
            found = checkin.Resolved(session, venue, checkin.own_enrolment(user, session))
            row = checkin.record_scan(user, found, Attendance.Method.QR)
        return Checked(
            row.pk, target.pk, venue.pk, found.enrolment.pk, found.enrolment.name, row.at, row.hours
        )
    at = clock.now()
    written = _write(caller, session, target, venue, at)
    if written is None:
        raise NotAuthenticated
    pk, enrolment_id, status, name, branch_id = written
    if pk is None:  # nothing went in: why, from the enrolment the statement found
        if enrolment_id is None:
            raise checkin.Refused("not_enrolled")
        raise checkin.Refused("excused" if status == Enrolment.Status.EXCUSED else "already")
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
# Columns taken from the caller (the `u` CTE).
_BY_CALLER = {"recorded_by_id", "actor_id"}
_SQL: dict[tuple[Any, ...], str] = {}
# Columns whose values are not parameters or literals: the statement fills them.
_NOT_VALUES = set(_FROM_ENROLMENT) | _BY_CALLER | {"object_id"}
_AT_FIELD = Attendance._meta.get_field("at")
# --- audit (issue #14): the audit row's values that differ for every scan
_PER_SCAN = ("at", "source", "nonce", "mac")
# --- end audit


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _caller_cte(by_key: bool) -> str:
    """`u`: the caller's user id — by the token's key joined to an active user, as DRF's
    TokenAuthentication finds it, or the id the token memo holds."""
    if not by_key:
        return "u AS (SELECT CAST(%s AS bigint) AS id)"
    qn = connection.ops.quote_name
    user = get_user_model()
    return (
        f"u AS (SELECT usr.{qn(user._meta.pk.column)} AS id "  # noqa: S608 - quoted model identifiers; the key is a parameter
        f"FROM {qn(Token._meta.db_table)} tok JOIN {qn(user._meta.db_table)} usr "
        f"ON usr.{qn(user._meta.pk.column)} = tok.{qn(Token._meta.get_field('user').column)} "
        f"WHERE tok.{qn(Token._meta.pk.column)} = %s "
        f"AND usr.{qn(user._meta.get_field('is_active').column)})"
    )


def _statement(by_key: bool, shape: tuple[str | None, ...]) -> str:
    """Built once per process and shape from the models' columns (quoted identifiers;
    `shape` gives, per value, its literal or None for a parameter, as `core.rows`)."""
    key = (by_key, shape)
    sql = _SQL.get(key)
    if sql is not None:
        return sql
    slots = iter(shape)

    def value() -> str:
        literal = next(slots)
        return "%s" if literal is None else literal

    qn = connection.ops.quote_name
    ordering = ", ".join(qn(Enrolment._meta.get_field(f).column) for f in Enrolment._meta.ordering)
    picked = ", ".join(qn(c) for c in ["id", "name", "status", *list(_FROM_ENROLMENT.values())[1:]])
    att_cols, att_exprs = [], []
    for f in _fields(Attendance):
        att_cols.append(qn(f.column))
        source = _FROM_ENROLMENT.get(f.attname)
        if source:
            att_exprs.append(f"e.{qn(source)}")
        elif f.attname in _BY_CALLER:
            att_exprs.append("(SELECT id FROM u)")
        else:
            att_exprs.append(value())
    log_cols, log_exprs = [], []
    for f in _fields(AuditEvent):
        log_cols.append(qn(f.column))
        if f.attname == "object_id":
            log_exprs.append("CAST(a.id AS text)")
        elif f.attname in _BY_CALLER:
            log_exprs.append("(SELECT id FROM u)")
        else:
            log_exprs.append(value())
    enrolments, attendances = qn(Enrolment._meta.db_table), qn(Attendance._meta.db_table)
    sql = _SQL[key] = (
        f"WITH {_caller_cte(by_key)}, "  # noqa: S608 - quoted model identifiers; values are parameters or fixed literals
        f"e AS (SELECT {picked} FROM {enrolments} "
        f"WHERE programme_id = %s AND user_id = (SELECT id FROM u) ORDER BY {ordering} LIMIT 1), "
        f"a AS (INSERT INTO {attendances} ({', '.join(att_cols)}) "
        f"SELECT {', '.join(att_exprs)} FROM e WHERE e.status <> %s "
        "ON CONFLICT (session_id, enrolment_id) DO NOTHING RETURNING id, branch_id), "
        f"l AS (INSERT INTO {qn(AuditEvent._meta.db_table)} ({', '.join(log_cols)}) "
        f"SELECT {', '.join(log_exprs)} FROM a) "
        "SELECT a.id, e.id, e.status, e.name, a.branch_id "
        "FROM u LEFT JOIN e ON TRUE LEFT JOIN a ON TRUE"
    )
    return sql


@dataclass(frozen=True)
class Prepared:
    """The values of the attendance `attend` would write and of its audit row, in column
    order, without those the statement fills (enrolment, caller, the audit's object id);
    the scan's time goes in at `attendance_at` and `log_at`. With the SQL's shape."""

    attendance: tuple[Any, ...]
    log: tuple[Any, ...]
    attendance_at: int
    log_at: int
    sql_by_key: str
    sql_by_user: str
    # --- audit (issue #14): the audit row's per-scan values (time, address, nonce, MAC)
    log_row: Any = None
    log_slots: dict[str, int] = field(default_factory=dict)
    # --- end audit


def _prepared(session: Session, target: Session, venue: Venue, at: dt.datetime) -> Prepared:
    found = HELD.peek(session.pk)
    cache = found.values if found is not None and found.session is session else {}
    made = cache.get(venue.pk)
    if made is not None:
        return made
    row = Attendance(
        session=target,
        venue=venue,
        makeup_session=session if session.makeup_of_id else None,
        method=Attendance.Method.QR,
        at=at,
        hours=target.hours,
        year=target.on.year,
    )
    log = audit.build(
        actor=None,
        action=Action.TRAININGS_ATTENDANCE_RECORDED,
        object_type=Attendance._meta.label_lower,
        data={"session": target.pk, "method": Attendance.Method.QR, "venue": venue.pk},
    )
    log.at = at
    att_fields = [f for f in _fields(Attendance) if f.attname not in _NOT_VALUES]
    log_fields = [f for f in _fields(AuditEvent) if f.attname not in _NOT_VALUES]
    att = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in att_fields]
    logged = [f.get_db_prep_save(f.pre_save(log, add=True), connection) for f in log_fields]
    att_at = [f.attname for f in att_fields].index("at")
    log_at = [f.attname for f in log_fields].index("at")
    # The scan's time is always a parameter, whatever the first one's was; so are the
    # audit row's address, nonce and MAC, which are the scan's own (decision 0015).
    per_scan = {[f.attname for f in log_fields].index(n) for n in _PER_SCAN}
    shape = tuple(None if i == att_at else rows.literal(v) for i, v in enumerate(att))
    shape += tuple(None if i in per_scan else rows.literal(v) for i, v in enumerate(logged))
    att_kept = [(i, v) for i, (v, lit) in enumerate(zip(att, shape, strict=False)) if lit is None]
    log_kept = [
        (i, v)
        for i, (v, lit) in enumerate(zip(logged, shape[len(att) :], strict=True))
        if lit is None
    ]
    made = cache[venue.pk] = Prepared(
        attendance=tuple(v for _, v in att_kept),
        log=tuple(v for _, v in log_kept),
        attendance_at=[i for i, _ in att_kept].index(att_at),
        log_at=[i for i, _ in log_kept].index(log_at),
        sql_by_key=_statement(True, shape),
        sql_by_user=_statement(False, shape),
        log_row=log,
        log_slots={
            n: [i for i, _ in log_kept].index([f.attname for f in log_fields].index(n))
            for n in _PER_SCAN
        },
    )
    return made


def _scan_audit(made: Prepared, log: list[Any], at: dt.datetime) -> None:
    """The audit row's own address, nonce and MAC for this scan (decision 0015): the MAC
    covers the markers of the caller and the attendance the statement fills in."""
    values = {"at": at, "source": audit.SOURCE.get(), "nonce": new_nonce()}
    values["mac"] = auditmac.row_mac(
        made.log_row, object_id=auditmac.LINKED, actor_id=auditmac.CALLER, **values
    )
    for name in ("source", "nonce", "mac"):
        log[made.log_slots[name]] = values[name]


def _write(
    caller: Caller, session: Session, target: Session, venue: Venue, at: dt.datetime
) -> tuple[int | None, int | None, str | None, str | None, int | None] | None:
    """(attendance, enrolment, its status, its name, branch): the attendance `attend` would
    write and its audit row, or no attendance (None) and the enrolment found, if any.
    None if the caller's key names no token of an active user (nothing written)."""
    made = _prepared(session, target, venue, at)
    att, log = list(made.attendance), list(made.log)
    att[made.attendance_at] = log[made.log_at] = _AT_FIELD.get_db_prep_save(at, connection)
    _scan_audit(made, log, at)
    by_key = caller.user is None
    params = [
        caller.key if by_key else caller.user.pk,
        target.programme_id,
        *att,
        Enrolment.Status.EXCUSED.value,
        *log,
    ]
    with pgfast.prepared_cursor() as cursor:
        cursor.execute(made.sql_by_key if by_key else made.sql_by_user, params)
        return cursor.fetchone()
