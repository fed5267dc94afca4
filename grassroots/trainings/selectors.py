"""Reads of trainings that list or count, scoped (`Model.objects.visible_to`), and the
`core.records` finders (system reads: the duties generator asks them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from grassroots.core import records
from grassroots.core.records import Finder
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.party.models import Organization
from grassroots.trainings.models import Attendance, Enrolment, Programme, Session, Venue


def finder(kind: str) -> Finder:
    """The `core.records` finder of one programme kind: per branch, the earliest session
    in the window that one of its members attended (in one query)."""

    def find(
        org_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> dict[int, tuple[int, dt.date]]:
        rows = unscoped(Attendance, why=Unscoped.SYSTEM).filter(
            session__programme__kind=kind,
            branch_id__in=list(org_ids),
            session__on__gte=start,
            session__on__lte=end,
        )
        return records.earliest(rows, org="branch_id", date="session__on", record="session_id")

    return find


# --- programmes, sessions, enrolment (the programmes part) ------------------------------


def programmes(user: Any) -> QuerySet:
    return Programme.objects.visible_to(user).select_related("organization")


def sessions(user: Any, programme: Programme) -> QuerySet:
    return (
        Session.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("makeup_of")
        .prefetch_related("venues")
    )


def venues(user: Any, programme: Programme) -> QuerySet:
    return Venue.objects.visible_to(user).filter(programme=programme).select_related("place")


def enrolments(user: Any, programme: Programme | None = None) -> QuerySet:
    qs = Enrolment.objects.visible_to(user).select_related("branch", "village", "programme")
    return qs if programme is None else qs.filter(programme=programme)


def attendances(user: Any) -> QuerySet:
    return Attendance.objects.visible_to(user).select_related(
        "session", "enrolment", "venue", "branch", "village"
    )


def absentees(user: Any, session: Session) -> list[tuple[Organization | None, list[Enrolment]]]:
    """The enrolled (not excused) people the user reaches with no attendance at `session`,
    grouped by branch (residents under None), in two queries."""
    target = session.makeup_of or session
    present = (
        unscoped(Attendance, why=Unscoped.SYSTEM).filter(session=target).values("enrolment_id")
    )
    rows = (
        enrolments(user, target.programme)
        .filter(status=Enrolment.Status.ENROLLED)
        .exclude(pk__in=present)
        .order_by("org_path", "place_path", "name", "pk")
    )
    groups: dict[int | None, tuple[Organization | None, list[Enrolment]]] = {}
    for e in rows:
        groups.setdefault(e.branch_id, (e.branch, []))[1].append(e)
    return list(groups.values())


def my_enrolments(user: Any) -> QuerySet:
    """The signed-in person's own enrolments (their own rows: a self read)."""
    if not getattr(user, "is_authenticated", False):
        return unscoped(Enrolment, why=Unscoped.SYSTEM).none()
    return (
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(user=user)
        .select_related("programme", "branch")
        .order_by("-programme__starts_on")
    )


def my_attendance(user: Any, year: int) -> QuerySet:
    return (
        unscoped(Attendance, why=Unscoped.SYSTEM)
        .filter(enrolment__user=user, year=year)
        .select_related("session", "session__programme", "venue")
        .order_by("-at")
    )


def upcoming_sessions(enrolment_ids: list[int], today: dt.date) -> QuerySet:
    """Sessions to come of the programmes of the signed-in person's own enrolments."""
    programme_ids = (
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(pk__in=enrolment_ids, status=Enrolment.Status.ENROLLED)
        .values("programme_id")
    )
    return (
        unscoped(Session, why=Unscoped.SYSTEM)
        .filter(programme_id__in=programme_ids, on__gte=today, cancelled=False)
        .select_related("programme")
        .order_by("starts_at")[:10]
    )
