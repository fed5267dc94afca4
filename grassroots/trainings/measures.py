"""The measures of trainings (issue #12), scoped like every read and grouped in SQL.

- per session: enrolled, present, rate, by branch and by venue (and how people were
  checked in);
- per programme: per branch and per village: enrolled, attendances, the attendance rate
  (attendances / enrolled × held sessions) and the coverage (share of the enrolled who
  attended at least one session);
- per person: the study hours of a year (the sum of `Attendance.hours` of that year, over
  every programme) against the town's requirement (`HoursRequirement`, else 32 hours for
  members, 56 for secretaries), and the list of those behind.

Everything is a handful of grouped queries, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.trainings.models import (
    DEFAULT_MEMBER_HOURS,
    DEFAULT_SECRETARY_HOURS,
    Attendance,
    Enrolment,
    HoursRequirement,
    Programme,
    Session,
    Venue,
)

ENROLLED = Enrolment.Status.ENROLLED


@dataclass
class Row:
    """One group's figures."""

    key: int | None
    label: str
    enrolled: int = 0
    present: int = 0  # attendances (one per person and session)
    covered: int = 0  # people with at least one attendance
    sessions: int = 1  # held sessions the rate is over

    @property
    def rate(self) -> float | None:
        slots = self.enrolled * self.sessions
        return self.present / slots if slots else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.enrolled if self.enrolled else None


def _labels(model: type, ids: set[int]) -> dict[int, str]:
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return {}
    # The names of branches and villages that key rows already read through the scope.
    return dict(unscoped(model, why=Unscoped.SYSTEM).filter(pk__in=ids).values_list("pk", "name"))


def held_sessions(user: Any, programme: Programme) -> int:
    return (
        Session.objects.visible_to(user)
        .filter(
            programme=programme,
            makeup_of__isnull=True,
            cancelled=False,
            starts_at__lte=clock.now(),
        )
        .count()
    )


def programme_rows(user: Any, programme: Programme, by: str) -> list[Row]:
    """Per `by` ("branch" or "village"): enrolled, attendances, covered, held sessions."""
    assert by in ("branch", "village")
    key = f"{by}_id"
    enrolled = dict(
        Enrolment.objects.visible_to(user)
        .filter(programme=programme, status=ENROLLED)
        .values_list(key)
        .annotate(n=Count("pk"))
        .order_by()
    )
    present = {
        k: (n, c)
        for k, n, c in Attendance.objects.visible_to(user)
        .filter(session__programme=programme, enrolment__status=ENROLLED)
        .values_list(key)
        .annotate(n=Count("pk"), c=Count("enrolment", distinct=True))
        .order_by()
    }
    held = held_sessions(user, programme)
    labels = _labels(Organization if by == "branch" else Place, set(enrolled))
    rows = [
        Row(
            key=k,
            label=labels.get(k, "") if k else "",
            enrolled=n,
            present=present.get(k, (0, 0))[0],
            covered=present.get(k, (0, 0))[1],
            sessions=held,
        )
        for k, n in enrolled.items()
    ]
    return sorted(rows, key=lambda r: (r.label == "", r.label))


def total(rows: list[Row], label: str) -> Row:
    sessions = rows[0].sessions if rows else 1
    return Row(
        key=None,
        label=label,
        enrolled=sum(r.enrolled for r in rows),
        present=sum(r.present for r in rows),
        covered=sum(r.covered for r in rows),
        sessions=sessions,
    )


def session_rows(user: Any, session: Session) -> dict[str, list[Row]]:
    """A session's attendance by branch and by venue (one query each, plus the labels)."""
    target = session.makeup_of or session
    enrolled = dict(
        Enrolment.objects.visible_to(user)
        .filter(programme_id=target.programme_id, status=ENROLLED)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    present = Attendance.objects.visible_to(user).filter(session=target)
    by_branch = dict(present.values_list("branch_id").annotate(n=Count("pk")).order_by())
    by_venue = dict(present.values_list("venue_id").annotate(n=Count("pk")).order_by())
    by_method = dict(present.values_list("method").annotate(n=Count("pk")).order_by())
    branches = _labels(Organization, set(enrolled))
    venues = dict(
        Venue.objects.visible_to(user)
        .filter(pk__in=[k for k in by_venue if k])
        .values_list("pk", "name")
    )
    methods = dict(Attendance.Method.choices)
    return {
        "branches": sorted(
            (
                Row(
                    key=k,
                    label=branches.get(k, "") if k else "",
                    enrolled=n,
                    present=by_branch.get(k, 0),
                    covered=by_branch.get(k, 0),
                )
                for k, n in enrolled.items()
            ),
            key=lambda r: (r.label == "", r.label),
        ),
        "venues": [
            Row(key=k, label=venues.get(k, "") if k else "", present=n)
            for k, n in sorted(by_venue.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        "methods": [
            Row(key=None, label=str(methods.get(m, m)), present=n)
            for m, n in sorted(by_method.items())
        ],
    }


def session_counts(user: Any, programme: Programme) -> dict[int, int]:
    """Attendances per session of a programme (one query)."""
    return dict(
        Attendance.objects.visible_to(user)
        .filter(session__programme=programme)
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


# --- study hours ----------------------------------------------------------------------


@dataclass
class Requirement:
    member_hours: int = DEFAULT_MEMBER_HOURS
    secretary_hours: int = DEFAULT_SECRETARY_HOURS

    def of(self, is_secretary: bool) -> int:
        return self.secretary_hours if is_secretary else self.member_hours


def requirement(town_id: int | None, year: int) -> Requirement:
    row = HoursRequirement.objects.filter(town_id=town_id, year=year).first() if town_id else None
    return Requirement(row.member_hours, row.secretary_hours) if row else Requirement()


@dataclass
class Person:
    member_id: int
    name: str
    branch_id: int | None
    branch: str
    is_secretary: bool
    required: int
    hours: Decimal = Decimal("0")

    @property
    def behind(self) -> bool:
        return self.hours < self.required

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.required) - self.hours, Decimal("0"))


@dataclass
class BranchHours:
    branch_id: int | None
    branch: str
    people: list[Person] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return len(self.people)

    @property
    def covered(self) -> int:
        return sum(1 for p in self.people if p.hours > 0)

    @property
    def coverage(self) -> float | None:
        return self.covered / self.enrolled if self.enrolled else None

    @property
    def hours(self) -> Decimal:
        return sum((p.hours for p in self.people), Decimal("0"))

    @property
    def behind(self) -> int:
        return sum(1 for p in self.people if p.behind)


def year_people(user: Any, year: int, town_id: int | None = None) -> list[Person]:
    """Every enrolled member the user reaches in a programme running in `year`, with
    their hours of that year over every programme: two queries and the branch names."""
    need = requirement(town_id, year)
    enrolled = (
        Enrolment.objects.visible_to(user)
        .filter(member__isnull=False, status=ENROLLED)
        .filter(Q(programme__starts_on__year__lte=year) & Q(programme__ends_on__year__gte=year))
    )
    if town_id:
        enrolled = enrolled.filter(programme__town_id=town_id)
    people: dict[int, Person] = {}
    branch_ids: set[int] = set()
    for member_id, name, branch_id, sec in enrolled.order_by("org_path", "name", "pk").values_list(
        "member_id", "name", "branch_id", "is_secretary"
    ):
        person = people.get(member_id)
        if person is None:
            people[member_id] = Person(member_id, name, branch_id, "", sec, need.of(sec))
            branch_ids.add(branch_id)
        elif sec and not person.is_secretary:
            person.is_secretary, person.required = True, need.of(True)
    hours = (
        Attendance.objects.visible_to(user)
        .filter(year=year, enrolment__member_id__in=list(people))
        .values_list("enrolment__member_id")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    for member_id, h in hours:
        people[member_id].hours = h or Decimal("0")
    names = _labels(Organization, branch_ids)
    for p in people.values():
        p.branch = names.get(p.branch_id, "") if p.branch_id else ""
    return list(people.values())


def by_branch(people: list[Person]) -> list[BranchHours]:
    groups: dict[int | None, BranchHours] = {}
    for p in people:
        groups.setdefault(p.branch_id, BranchHours(p.branch_id, p.branch)).people.append(p)
    return sorted(groups.values(), key=lambda g: g.branch)


def behind(people: list[Person]) -> list[Person]:
    """Those short of their yearly hours, the furthest behind first."""
    return sorted((p for p in people if p.behind), key=lambda p: (-p.missing, p.branch, p.name))


def default_town_id(user: Any) -> int | None:
    """The town of the programmes the user sees (the latest one's)."""
    row = (
        Programme.objects.visible_to(user)
        .exclude(town=None)
        .order_by("-starts_on")
        .values_list("town_id", flat=True)
        .first()
    )
    return row


def managed_town(user: Any) -> Place | None:
    """The town whose yearly study hours the user may set: the town of their programmes,
    when they reach the town or an organisation of it (an officer's anchor is the committee)."""
    town_id = default_town_id(user)
    if town_id is None:
        return None
    reached = Place.objects.visible_to(user).filter(pk=town_id).first()
    if reached is not None:
        return reached
    if Organization.objects.visible_to(user).filter(town_id=town_id).exists():
        return unscoped(Place, why=Unscoped.SYSTEM).get(pk=town_id)  # reached through its orgs
    return None
