"""What the prepared figures count: one grouped query per source table.

Each `Source` is an ORM queryset grouped by the node path `p` (and the month `m` for
MonthFigures). `grouping` compiles them to SQL for a recompute (staged by `totals`); filtered
to one path, the same querysets are the direct counts the tests compare with
(`grouping.count_place`, `count_org`, `count_months`), so the two cannot drift apart.

Definitions (the models' comments name them too): cases follow `cases.measures`
(`with_rate_parts`, the year's cohort; a month's cohort for MonthFigures); duties due this
month are the assignments of any cadence whose due date falls in the current calendar month;
the quarterly score is cadence's last published review before the current quarter;
inspections are the submitted or acknowledged ones of the current quarter; rectification
items are open until signed off and overdue (red) past their deadline; training hours and
attendances are of the current year, and a member meets the year's hours as on the
trainings page (`training_people`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from grassroots.analytics.months import MonthOf, month_starts
from grassroots.cadence.models import QuarterScore
from grassroots.cadence.schedule import quarter_key
from grassroots.cases import measures
from grassroots.cases.models import CLOCK_STATUSES, OPEN_STATUSES, Case
from grassroots.cases.models import Status as CaseStatus
from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.duties.models import Assignment
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    Resident,
    Visit,
)
from grassroots.inspections.models import Inspection
from grassroots.party.models import Member, Organization
from grassroots.rectify.models import OPEN_STATUSES as RECTIFY_OPEN
from grassroots.rectify.models import Item as RectifyItem
from grassroots.sites.models import Project, Stage
from grassroots.trainings.models import (
    DEFAULT_MEMBER_HOURS,
    DEFAULT_SECRETARY_HOURS,
    Attendance,
    Enrolment,
    HoursRequirement,
)

STEP = Place.steplen


# MonthFigures keeps this many months (the current one included) current.
MONTHS = 24


@dataclass
class Windows:
    """The moments the time-dependent figures are counted from."""

    now: dt.datetime
    since_30d: dt.datetime
    since_90d: dt.datetime
    month_start: dt.datetime
    first_month: dt.datetime  # the first month MonthFigures rows are recomputed for


def _months_back(month_start: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(month_start.year * 12 + month_start.month - 1 - months, 12)
    return month_start.replace(year=year, month=month + 1)


def windows(now: dt.datetime | None = None) -> Windows:
    now = now or clock.now()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Windows(
        now=now,
        since_30d=now - dt.timedelta(days=30),
        since_90d=now - dt.timedelta(days=90),
        month_start=month_start,
        first_month=_months_back(month_start, MONTHS - 1),
    )


def prefixes_of(path: str) -> list[str]:
    """The path of every ancestor of a node, and the node's own."""
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


# --- what is counted: one grouped query per source table ---------------------------
#
# Each source is an ORM queryset grouped by the node path `p` (and the month `m` for
# MonthFigures), compiled to SQL and written with one UPDATE … FROM. The same
# querysets, filtered to one path, are the direct counts the tests compare with.


def _year_start(w: Windows) -> dt.datetime:
    return w.month_start.replace(month=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _tenths(field: str, **extra: Any) -> Cast:
    """A sum of decimals in tenths, rounded (SQLite stores decimals as floats)."""
    total = Sum(F(field) * 10, output_field=DecimalField(), **extra)
    return Cast(
        Round(Coalesce(total, Value(Decimal(0)), output_field=DecimalField())), IntegerField()
    )


@dataclass
class Source:
    """One GROUP BY over a table into some counters of the leaves (the row's own node)."""

    rows: Callable[[Windows], QuerySet]
    path: str  # the path column of the table: place_path or org_path
    # counter -> aggregate; for a `per_row` source, counter -> the column of each row it sums
    counters: Callable[[Windows], dict[str, Any]]
    month: Callable[[Windows], Any] | None = None  # MonthFigures: the month of a row
    # The rows are already aggregates (a case with its rate parts from its events): their
    # columns are summed in an outer query (`grouped_sql`), since SQL cannot nest aggregates.
    per_row: bool = False


def _cases(w: Windows) -> QuerySet:
    return unscoped(Case, why=Unscoped.SYSTEM)  # figures of every node; read scoped


def _cohort(cases: QuerySet, w: Windows) -> QuerySet:
    """The cases with their rate parts (one row each) and `part_cases` = 1 (a per_row source)."""
    return measures.with_rate_parts(cases, w.now, prefix="part_").annotate(part_cases=Value(1))


def _case_cohort(w: Windows) -> QuerySet:
    return _cohort(_cases(w).filter(submitted_at__gte=_year_start(w)), w)


def _rate_sums(w: Windows) -> dict[str, str]:
    return {name: f"part_{name}" for name in measures.RATE_PARTS}


PLACE_SOURCES = (
    Source(
        lambda w: unscoped(Household, why=Unscoped.SYSTEM),
        "place_path",
        lambda w: {
            "households": Count("pk"),
            "households_with_rep": Count("representative_id"),
            "visited_30d": Count("pk", filter=Q(last_visit_at__gte=w.since_30d)),
            "visited_90d": Count("pk", filter=Q(last_visit_at__gte=w.since_90d)),
        },
    ),
    Source(
        lambda w: unscoped(Resident, why=Unscoped.SYSTEM),
        "place_path",
        # COUNT(*), not COUNT(id): read from the place_path index alone (an index-only scan),
        # a province's 66 million residents in 4 s instead of 12.5 s from the table.
        lambda w: {"residents": Count("*")},
    ),
    Source(
        lambda w: unscoped(Representative, why=Unscoped.SYSTEM).filter(active=True),
        "place_path",
        lambda w: {"representatives": Count("pk")},
    ),
    Source(
        lambda w: unscoped(Visit, why=Unscoped.SYSTEM).filter(visited_at__gte=w.month_start),
        "place_path",
        lambda w: {"visits_month": Count("pk")},
    ),
    Source(
        _cases,
        "place_path",
        lambda w: {
            "cases_open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            "cases_overdue": Count(
                "pk", filter=Q(status__in=CLOCK_STATUSES, resolve_due_at__lt=w.now)
            ),
            "cases_year": Count(
                "pk", filter=Q(submitted_at__gte=_year_start(w), submitted_at__lte=w.now)
            ),
            "cases_closed_year": Count(
                "pk", filter=Q(status=CaseStatus.CLOSED, closed_at__gte=_year_start(w))
            ),
        },
    ),
    Source(_case_cohort, "place_path", _rate_sums, per_row=True),
)


def _latest_closed_quarter(w: Windows) -> str | None:
    """The last quarterly review before the current quarter (cadence's QuarterScore)."""
    current = quarter_key(timezone.localdate(w.now))
    return (
        unscoped(QuarterScore, why=Unscoped.SYSTEM)
        .filter(period__lt=current)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def _month_span(w: Windows) -> tuple[dt.date, dt.date]:
    first = w.month_start.date()
    return first, _next_month(first)


ORG_SOURCES = (
    Source(
        lambda w: unscoped(Member, why=Unscoped.SYSTEM).filter(active=True),
        "org_path",
        lambda w: {
            "members": Count("pk"),
            "probationary": Count("pk", filter=Q(status=Member.Status.PROBATIONARY)),
        },
    ),
    Source(
        lambda w: unscoped(Organization, why=Unscoped.SYSTEM).filter(kind=Organization.Kind.BRANCH),
        "path",
        lambda w: {"branches": Count("pk")},
    ),
    Source(
        lambda w: unscoped(Assignment, why=Unscoped.SYSTEM),
        "org_path",
        lambda w: {
            # Due this month: an assignment of any cadence whose due date falls in the
            # current calendar month (local time).
            "duty_total_month": Count(
                "pk", filter=Q(due_on__gte=_month_span(w)[0], due_on__lt=_month_span(w)[1])
            ),
            "duty_done_month": Count(
                "pk",
                filter=Q(
                    due_on__gte=_month_span(w)[0],
                    due_on__lt=_month_span(w)[1],
                    status=Assignment.Status.DONE,
                ),
            ),
            "duty_overdue": Count(
                "pk",
                filter=Q(due_on__lt=timezone.localdate(w.now)) & ~Q(status=Assignment.Status.DONE),
            ),
        },
    ),
    Source(
        lambda w: unscoped(QuarterScore, why=Unscoped.SYSTEM).filter(
            period=_latest_closed_quarter(w) or "-"
        ),
        "org_path",
        lambda w: {"score_quarter_tenths": _tenths("score"), "scored_quarter": Count("pk")},
    ),
    Source(
        lambda w: unscoped(Inspection, why=Unscoped.SYSTEM).filter(
            status__in=(Inspection.Status.SUBMITTED, Inspection.Status.ACKNOWLEDGED),
            inspected_on__gte=_quarter_start(timezone.localdate(w.now)),
            inspected_on__lte=timezone.localdate(w.now),
        ),
        "org_path",
        lambda w: {
            "inspections_quarter": Count("pk"),
            "inspection_tenths_quarter": _tenths("total"),
        },
    ),
    Source(
        lambda w: unscoped(RectifyItem, why=Unscoped.SYSTEM).filter(status__in=RECTIFY_OPEN),
        "org_path",
        lambda w: {
            "rectify_open": Count("pk"),
            # Red: past the deadline (rectify.sweeps colours it so on the same rule).
            "rectify_overdue": Count("pk", filter=Q(deadline__lt=timezone.localdate(w.now))),
        },
    ),
    Source(
        lambda w: (
            unscoped(Attendance, why=Unscoped.SYSTEM)
            .filter(year=timezone.localdate(w.now).year)
            .exclude(org_path="")
        ),
        "org_path",
        lambda w: {
            "training_attendances_year": Count("pk"),
            "training_hours_tenths_year": _tenths("hours"),
        },
    ),
    Source(
        lambda w: training_people(timezone.localdate(w.now).year),
        "org_path",
        lambda w: {"training_members_met_year": Count("pk", filter=Q(met=True))},
    ),
    Source(
        lambda w: unscoped(Project, why=Unscoped.SYSTEM),
        "org_path",
        lambda w: {
            "sites_planned": Count("pk", filter=Q(stage__in=PLANNED_STAGES)),
            "sites_build": Count("pk", filter=Q(stage=Stage.BUILD)),
            "sites_acceptance": Count("pk", filter=Q(stage=Stage.ACCEPTANCE)),
            "sites_in_use": Count("pk", filter=Q(stage=Stage.IN_USE)),
            "sites_demonstration": Count("pk", filter=Q(is_demonstration=True)),
        },
    ),
)
PLANNED_STAGES = (Stage.SURVEY, Stage.SITING, Stage.DESIGN)


def training_people(year: int) -> QuerySet:
    """Members enrolled in a programme running in `year`, each with `met`: their credited
    hours of that year (every programme) reach the requirement of their programme's town
    (trainings.measures: the secretaries' hours when they are enrolled as secretary)."""
    enrolled = unscoped(Enrolment, why=Unscoped.SYSTEM).filter(
        member=OuterRef("pk"),
        status=Enrolment.Status.ENROLLED,
        programme__starts_on__year__lte=year,
        programme__ends_on__year__gte=year,
    )
    hours = (
        unscoped(Attendance, why=Unscoped.SYSTEM)
        .filter(year=year, enrolment__member=OuterRef("pk"))
        .order_by()
        .annotate(h=Func(F("hours"), function="SUM"))
        .values("h")[:1]
    )
    need = unscoped(HoursRequirement, why=Unscoped.SYSTEM).filter(
        year=year, town=OuterRef("training_town")
    )
    people = (
        unscoped(Member, why=Unscoped.SYSTEM)
        .filter(Exists(enrolled))
        .annotate(
            training_town=Subquery(enrolled.order_by("pk").values("programme__town_id")[:1]),
            secretary=Exists(enrolled.filter(is_secretary=True)),
            hours=Coalesce(Subquery(hours), Value(Decimal("0")), output_field=DecimalField()),
        )
        .annotate(
            required=DbCase(
                When(
                    secretary=True,
                    then=Coalesce(
                        Subquery(need.values("secretary_hours")[:1]),
                        Value(DEFAULT_SECRETARY_HOURS),
                    ),
                ),
                default=Coalesce(
                    Subquery(need.values("member_hours")[:1]), Value(DEFAULT_MEMBER_HOURS)
                ),
            )
        )
    )
    return people.annotate(
        met=DbCase(When(hours__gte=F("required"), then=Value(True)), default=Value(False))
    )


def _month_of(field: str, *, is_date: bool = False) -> Callable[[Windows], Any]:
    """The row's month (months.MonthOf): within the window, found among its month starts."""
    return lambda w: MonthOf(field, month_starts(w.first_month, w.month_start), is_date=is_date)


PLACE_MONTH_SOURCES = (
    Source(
        lambda w: unscoped(Visit, why=Unscoped.SYSTEM).filter(visited_at__gte=w.first_month),
        "place_path",
        lambda w: {"visits": Count("pk")},
        _month_of("visited_at"),
    ),
    Source(
        # The cohort of a month: the cases submitted in it, with their rates as of now.
        lambda w: _cohort(_cases(w).filter(submitted_at__gte=w.first_month), w),
        "place_path",
        lambda w: {"cases_submitted": "part_cases", **_rate_sums(w)},
        _month_of("submitted_at"),
        per_row=True,
    ),
    Source(
        lambda w: _cases(w).filter(status=CaseStatus.CLOSED, closed_at__gte=w.first_month),
        "place_path",
        lambda w: {"cases_closed": Count("pk")},
        _month_of("closed_at"),
    ),
)
ORG_MONTH_SOURCES = (
    Source(
        lambda w: unscoped(Assignment, why=Unscoped.SYSTEM).filter(
            due_on__gte=w.first_month.date()
        ),
        "org_path",
        lambda w: {
            "duty_total": Count("pk"),
            "duty_done": Count("pk", filter=Q(status=Assignment.Status.DONE)),
        },
        _month_of("due_on", is_date=True),
    ),
    Source(
        lambda w: (
            unscoped(Attendance, why=Unscoped.SYSTEM)
            .filter(at__gte=w.first_month)
            .exclude(org_path="")
        ),
        "org_path",
        lambda w: {"training_attendances": Count("pk"), "training_hours_tenths": _tenths("hours")},
        _month_of("at"),
    ),
)
