"""Keeping the prepared figures right: full rebuild and incremental deltas.

`rebuild()` recomputes every row set-based: one GROUP BY per source table into
the leaves' own counters, then one UPDATE … FROM per depth level adding the
children's sums to their parent (deepest level first). It never loops over
households in Python, so its cost is a few sequential scans.

Grid services emit events (`core.events`); the small subscribers below
(`household_added`, `households_added`, `visit_logged`, registered in apps.py) apply
them inside the same transaction, so dashboards move at once; the nightly task (tasks.py) rebuilds
everything, which also refreshes the time-dependent figures (visited in the
last 30/90 days, visits this month) and corrects any drift from writes that
have no hook (e.g. re-linking a representative, deleting a household).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as DbCase
from django.db.models import (
    Count,
    DateField,
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
from django.db.models.functions import Cast, Coalesce, Round, TruncMonth
from django.utils import timezone

from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
    StaleSubtree,
)
from grassroots.cadence.models import QuarterScore
from grassroots.cadence.schedule import quarter_key
from grassroots.cases import measures
from grassroots.cases.models import CLOCK_STATUSES, OPEN_STATUSES, Case
from grassroots.cases.models import Status as CaseStatus
from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.duties.models import Assignment
from grassroots.grid.models import (
    TOWN_DEPTH_KINDS,
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
    counters: Callable[[Windows], dict[str, Any]]  # counter -> aggregate
    month: Callable[[], Any] | None = None  # MonthFigures: the month of a row


def _cases(w: Windows) -> QuerySet:
    return unscoped(Case, why=Unscoped.SYSTEM)  # figures of every node; read scoped


def _case_cohort(w: Windows) -> QuerySet:
    return measures.with_rate_parts(
        _cases(w).filter(submitted_at__gte=_year_start(w)), w.now, prefix="part_"
    )


def _rate_sums(w: Windows) -> dict[str, Any]:
    return {name: Coalesce(Sum(f"part_{name}"), 0) for name in measures.RATE_PARTS}


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
        lambda w: {"residents": Count("pk")},
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
    Source(_case_cohort, "place_path", _rate_sums),
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


def _month_of(field: str) -> Callable[[], Any]:
    return lambda: TruncMonth(field, output_field=DateField())


PLACE_MONTH_SOURCES = (
    Source(
        lambda w: unscoped(Visit, why=Unscoped.SYSTEM).filter(visited_at__gte=w.first_month),
        "place_path",
        lambda w: {"visits": Count("pk")},
        _month_of("visited_at"),
    ),
    Source(
        # The cohort of a month: the cases submitted in it, with their rates as of now.
        lambda w: measures.with_rate_parts(
            _cases(w).filter(submitted_at__gte=w.first_month), w.now, prefix="part_"
        ),
        "place_path",
        lambda w: {"cases_submitted": Count("pk"), **_rate_sums(w)},
        _month_of("submitted_at"),
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
        _month_of("due_on"),
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


def _within(field: str, prefix: str | None) -> Q:
    """Rows of the subtree under `prefix` and of its ancestors (all rows when None)."""
    if prefix is None:
        return Q()
    return Q(**{f"{field}__startswith": prefix}) | Q(**{f"{field}__in": prefixes_of(prefix)})


def _grouped(source: Source, w: Windows, prefix: str | None) -> QuerySet:
    rows = source.rows(w).filter(_within(source.path, prefix))
    keys: dict[str, Any] = {"p": F(source.path)}
    if source.month is not None:
        keys["m"] = source.month()
    return rows.values(**keys).annotate(**source.counters(w)).order_by()


def _counted(sources: tuple[Source, ...], w: Windows, path: str) -> dict[str, int]:
    """A node's counters counted from the base tables (the reference of the tests)."""
    found: dict[str, int] = {}
    for source in sources:
        rows = source.rows(w).filter(**{f"{source.path}__startswith": path})
        totals = rows.aggregate(**source.counters(w))
        found.update({k: int(v or 0) for k, v in totals.items()})
    return found


def count_place(path: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Figures of one place counted from the base tables (slow at scale; used to heal and test)."""
    return _counted(PLACE_SOURCES, windows(now), path)


def count_org(path: str, now: dt.datetime | None = None) -> dict[str, int]:
    return _counted(ORG_SOURCES, windows(now), path)


def count_months(
    node: str, path: str, now: dt.datetime | None = None
) -> dict[dt.date, dict[str, int]]:
    """A node's month rows counted from the base tables (non-empty months only)."""
    w = windows(now)
    sources = PLACE_MONTH_SOURCES if node == MonthFigures.Node.PLACE else ORG_MONTH_SOURCES
    found: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for source in sources:
        rows = source.rows(w).filter(**{f"{source.path}__startswith": path})
        grouped = rows.values(m=source.month()).annotate(**source.counters(w)).order_by()
        for row in grouped:
            month = row.pop("m")
            if isinstance(month, dt.datetime):
                month = month.date()
            found[month].update({k: int(v or 0) for k, v in row.items()})
    return dict(found)


# --- full rebuild ------------------------------------------------------------------


@dataclass
class RebuildSummary:
    places: int
    organizations: int
    months: int = 0


def _sql(sql: str, params: Iterable[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def _db_time(value: dt.datetime) -> Any:
    # Raw SQL bypasses field conversion: SQLite stores naive UTC text.
    return connection.ops.adapt_datetimefield_value(value)


def _db_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _limit(alias: str, prefix: str | None) -> tuple[str, list[Any]]:
    """SQL for `_within` on a figures table's own rows."""
    if prefix is None:
        return "1 = 1", []
    ancestors = prefixes_of(prefix)
    marks = ", ".join("%s" for _ in ancestors)
    return f"({alias}.path LIKE %s OR {alias}.path IN ({marks}))", [prefix + "%", *ancestors]


def _roll_up(
    table: str,
    counters: tuple[str, ...],
    max_depth: int,
    prefix: str | None = None,
    *,
    month_of: tuple[str, dt.date] | None = None,
) -> None:
    """Add each level's sums to its parents, deepest level first (one UPDATE per level).

    `prefix`: only the subtree's rows and its ancestors are summed into (the others are
    already right); `month_of`: a MonthFigures node kind and first month (rows keyed by month).
    """
    sets = ", ".join(f"{c} = f.{c} + s.{c}" for c in counters)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in counters)
    limit, limit_params = _limit("f", prefix)
    for depth in range(max_depth - 1, 0, -1):
        if month_of is None:
            _sql(
                f"UPDATE {table} AS f SET {sets} FROM ("  # noqa: S608 - names are constants
                f"SELECT SUBSTR(path, 1, %s) AS p, {sums} FROM {table} WHERE depth = %s GROUP BY 1"
                f") AS s WHERE f.path = s.p AND {limit}",
                [depth * STEP, depth + 1, *limit_params],
            )
        else:
            node, first = month_of
            _sql(
                f"UPDATE {table} AS f SET {sets} FROM ("  # noqa: S608 - names are constants
                f"SELECT SUBSTR(path, 1, %s) AS p, month AS m, {sums} FROM {table} "
                "WHERE node = %s AND depth = %s AND month >= %s GROUP BY 1, 2"
                f") AS s WHERE f.node = %s AND f.path = s.p AND f.month = s.m AND {limit}",
                [depth * STEP, node, depth + 1, _db_date(first), node, *limit_params],
            )


def _direct(table: str, assignments: str, source_sql: str, params: list[Any]) -> None:
    _sql(
        f"UPDATE {table} AS f SET {assignments} FROM ({source_sql}) AS s WHERE f.path = s.p",  # noqa: S608
        params,
    )


def _fill(table: str, sources: tuple[Source, ...], w: Windows, prefix: str | None) -> None:
    for source in sources:
        sql, params = _grouped(source, w, prefix).query.sql_with_params()
        names = list(source.counters(w))
        _direct(table, ", ".join(f"{c} = s.{c}" for c in names), sql, list(params))


def _refresh_nodes(
    table: str,
    nodes: str,
    fk: str,
    counters: tuple[str, ...],
    sources: tuple[Source, ...],
    w: Windows,
    prefix: str | None,
    extra: tuple[str, ...] = (),
) -> None:
    """Recompute a figures table (or one subtree of it and its ancestors)."""
    now = _db_time(w.now)
    zeros = ", ".join("0" for _ in counters)
    more = "".join(f", {c}" for c in extra)
    _sql(
        f"INSERT INTO {table} ({fk}, path, depth{more}, {', '.join(counters)}, updated_at) "  # noqa: S608
        f"SELECT n.id, n.path, n.depth{''.join(f', n.{c}' for c in extra)}, {zeros}, %s "
        f"FROM {nodes} n WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{fk} = n.id)",
        [now],
    )
    limit, limit_params = _limit(table, prefix)
    resets = ", ".join(f"{c} = 0" for c in counters)
    _sql(f"UPDATE {table} SET {resets}, updated_at = %s WHERE {limit}", [now, *limit_params])  # noqa: S608
    _fill(table, sources, w, prefix)
    max_depth = _sql_value(f"SELECT MAX(depth) FROM {table}")  # noqa: S608
    _roll_up(table, counters, max_depth or 0, prefix)


def _sql_value(sql: str, params: Iterable[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


def _refresh_months(
    node: str, nodes: str, sources: tuple[Source, ...], w: Windows, prefix: str | None
) -> None:
    """Recompute the MonthFigures rows of the last MONTHS months of one node kind.

    Rows exist only for months with data: each source inserts its (path, month) keys, the
    ancestors' keys follow level by level, then the counters are written and rolled up.
    """
    table = MonthFigures._meta.db_table
    first = w.first_month.date()
    now = _db_time(w.now)
    zeros = ", ".join("0" for _ in MONTH_COUNTERS)
    columns = f"node, path, depth, month, {', '.join(MONTH_COUNTERS)}, updated_at"
    if prefix is None:
        _sql(f"DELETE FROM {table} WHERE node = %s AND month >= %s", [node, _db_date(first)])  # noqa: S608
    else:
        # The subtree's rows go; its ancestors' rows are kept and re-summed.
        _sql(
            f"DELETE FROM {table} WHERE node = %s AND month >= %s AND path LIKE %s",  # noqa: S608
            [node, _db_date(first), prefix + "%"],
        )
        resets = ", ".join(f"{c} = 0" for c in MONTH_COUNTERS)
        ancestors = prefixes_of(prefix)[:-1]
        if ancestors:
            marks = ", ".join("%s" for _ in ancestors)
            _sql(
                f"UPDATE {table} SET {resets}, updated_at = %s WHERE node = %s "  # noqa: S608
                f"AND month >= %s AND path IN ({marks})",
                [now, node, _db_date(first), *ancestors],
            )
    missing = (
        f"NOT EXISTS (SELECT 1 FROM {table} y WHERE y.node = %s AND y.path = k.p AND y.month = k.m)"  # noqa: S608
    )
    for source in sources:
        sql, params = _grouped(source, w, prefix).query.sql_with_params()
        _sql(
            f"INSERT INTO {table} ({columns}) SELECT %s, k.p, n.depth, k.m, {zeros}, %s "  # noqa: S608
            f"FROM ({sql}) AS k JOIN {nodes} n ON n.path = k.p WHERE {missing}",
            [node, now, *params, node],
        )
    max_depth = _sql_value(f"SELECT MAX(depth) FROM {nodes}") or 0  # noqa: S608
    for depth in range(max_depth - 1, 0, -1):
        _sql(
            f"INSERT INTO {table} ({columns}) SELECT DISTINCT %s, k.p, %s, k.m, {zeros}, %s "  # noqa: S608
            f"FROM (SELECT SUBSTR(path, 1, %s) AS p, month AS m FROM {table} "
            f"WHERE node = %s AND depth = %s AND month >= %s) AS k WHERE {missing}",
            [node, depth, now, depth * STEP, node, depth + 1, _db_date(first), node],
        )
    for source in sources:
        sql, params = _grouped(source, w, prefix).query.sql_with_params()
        names = list(source.counters(w))
        sets = ", ".join(f"{c} = s.{c}" for c in names)
        _sql(
            f"UPDATE {table} AS f SET {sets} FROM ({sql}) AS s "  # noqa: S608
            "WHERE f.node = %s AND f.path = s.p AND f.month = s.m",
            [*params, node],
        )
    _roll_up(table, MONTH_COUNTERS, max_depth, prefix, month_of=(node, first))


def _refresh(w: Windows, place_prefix: str | None, org_prefix: str | None, *, full: bool) -> None:
    place, org = Place._meta.db_table, Organization._meta.db_table
    if full or place_prefix:
        _refresh_nodes(
            PlaceFigures._meta.db_table,
            place,
            "place_id",
            PLACE_COUNTERS,
            PLACE_SOURCES,
            w,
            place_prefix,
            extra=("kind",),
        )
        _refresh_months(MonthFigures.Node.PLACE, place, PLACE_MONTH_SOURCES, w, place_prefix)
    if full or org_prefix:
        _refresh_nodes(
            OrgFigures._meta.db_table,
            org,
            "organization_id",
            ORG_COUNTERS,
            ORG_SOURCES,
            w,
            org_prefix,
        )
        _refresh_months(MonthFigures.Node.ORG, org, ORG_MONTH_SOURCES, w, org_prefix)


@transaction.atomic
def rebuild(*, actor: Actor = None, now: dt.datetime | None = None) -> RebuildSummary:
    """Recompute every prepared figure from the base tables."""
    w = windows(now)
    _refresh(w, None, None, full=True)
    summary = RebuildSummary(
        places=PlaceFigures.objects.count(),
        organizations=OrgFigures.objects.count(),
        months=MonthFigures.objects.count(),
    )
    audit.record(
        actor=actor,
        action=Action.ANALYTICS_REBUILT,
        data={"places": summary.places, "organizations": summary.organizations},
    )
    return summary


@transaction.atomic
def refresh_subtree(
    *, place_path: str | None = None, org_path: str | None = None, now: dt.datetime | None = None
) -> None:
    """Recompute one subtree (a town's places and/or its committee's organisations) with the
    rebuild's own SQL restricted to the path prefix, then re-sum its ancestors.

    The ancestors' rows are locked first, top down: two refreshes that share an ancestor
    (two towns of a county) run one after the other instead of deadlocking.
    """
    if place_path:
        list(
            PlaceFigures.objects.select_for_update()
            .filter(path__in=prefixes_of(place_path))
            .order_by("path")
            .values_list("pk")
        )
    if org_path:
        list(
            OrgFigures.objects.select_for_update()
            .filter(path__in=prefixes_of(org_path))
            .order_by("path")
            .values_list("pk")
        )
    _refresh(windows(now), place_path or None, org_path or None, full=False)


# --- staleness: what the worker recomputes after a change ---------------------------


def mark_stale(*, place_path: str = "", org_path: str = "") -> bool:
    """Remember that a node's figures changed (Event.FIGURES_STALE, after the commit).

    One row per node however many changes: the worker's next cycle recomputes each town once.
    """
    now = clock.now()
    rows = [
        StaleSubtree(node=node, path=path, marked_at=now)
        for node, path in ((MonthFigures.Node.PLACE, place_path), (MonthFigures.Node.ORG, org_path))
        if path
    ]
    StaleSubtree.objects.bulk_create(rows, ignore_conflicts=True)
    return bool(rows)


def _outermost(paths: set[str]) -> list[str]:
    """The paths not under another one of them (a town refresh covers its villages)."""
    ordered = sorted(paths)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def _subtree_roots(model: type, paths: set[str], kinds: Iterable[str]) -> list[str]:
    """Each path's nearest enclosing town (places) or committee (organisations), else itself."""
    prefixes = {p for path in paths for p in prefixes_of(path)}
    # Which ancestors are towns/committees: no figures are read, only the tree's shape.
    roots = set(
        unscoped(model, why=Unscoped.SYSTEM)
        .filter(path__in=prefixes, kind__in=list(kinds))
        .values_list("path", flat=True)
    )
    found = set()
    for path in paths:
        enclosing = [p for p in prefixes_of(path) if p in roots]
        found.add(enclosing[-1] if enclosing else path)
    return _outermost(found)


def refresh_stale(now: dt.datetime | None = None) -> int:
    """Recompute every subtree marked stale; the worker runs it after each change's commit.

    The marks are taken (deleted) before the recompute, so a change committed meanwhile
    marks again and is picked up by the next cycle; a failed recompute puts them back.
    """
    marks = list(StaleSubtree.objects.values_list("pk", "node", "path", "marked_at"))
    if not marks:
        return 0
    StaleSubtree.objects.filter(pk__in=[m[0] for m in marks]).delete()
    places = {path for _, node, path, _ in marks if node == MonthFigures.Node.PLACE}
    orgs = {path for _, node, path, _ in marks if node == MonthFigures.Node.ORG}
    done = 0
    try:
        for path in _subtree_roots(Place, places, TOWN_DEPTH_KINDS):
            refresh_subtree(place_path=path, now=now)
            done += 1
        committee = [Organization.Kind.COMMITTEE]
        for path in _subtree_roots(Organization, orgs, committee):
            refresh_subtree(org_path=path, now=now)
            done += 1
    except Exception:
        StaleSubtree.objects.bulk_create(
            [StaleSubtree(node=n, path=p, marked_at=at) for _, n, p, at in marks],
            ignore_conflicts=True,
        )
        raise
    return done


# --- incremental deltas ------------------------------------------------------------


def _heal(paths: list[str], now: dt.datetime, pending: Mapping[str, int] | None = None) -> None:
    """Create missing rows (a place added since the last rebuild) from direct counts.

    `pending` are changes the caller has counted but not yet written to the base tables.
    """
    have = set(PlaceFigures.objects.filter(path__in=paths).values_list("path", flat=True))
    missing = [p for p in paths if p not in have]
    for place in Place.objects.filter(path__in=missing).only("id", "path", "depth", "kind"):
        PlaceFigures.objects.create(
            place=place,
            path=place.path,
            depth=place.depth,
            kind=place.kind,
            updated_at=now,
            **{k: v + (pending or {}).get(k, 0) for k, v in count_place(place.path, now).items()},
        )


def apply_delta(place_path: str, *, pending: Mapping[str, int] | None = None, **deltas: int) -> int:
    """Add `deltas` (e.g. households=1) to a place and all its ancestors in one UPDATE.

    `pending`: the part of `deltas` not yet visible in the base tables (see _heal).
    """
    deltas = {k: v for k, v in deltas.items() if v}
    unknown = set(deltas) - set(PLACE_COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    if not deltas:
        return 0
    prefixes = prefixes_of(place_path)
    now = clock.now()
    updated = PlaceFigures.objects.filter(path__in=prefixes).update(
        updated_at=now, **{k: F(k) + v for k, v in deltas.items()}
    )
    if updated < len(prefixes):
        _heal(prefixes, now, pending)
    return updated


def apply_deltas(by_path: Mapping[str, Mapping[str, int]]) -> None:
    """Many places' deltas: summed per ancestor, one UPDATE per distinct delta."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path, deltas in by_path.items():
        for prefix in prefixes_of(path):
            for name, value in deltas.items():
                totals[prefix][name] += value
    groups: dict[tuple[tuple[str, int], ...], list[str]] = defaultdict(list)
    for prefix, deltas in totals.items():
        key = tuple(sorted((k, v) for k, v in deltas.items() if v))
        if key:
            groups[key].append(prefix)
    now = clock.now()
    updated = 0
    for key, paths in groups.items():
        updated += PlaceFigures.objects.filter(path__in=paths).update(
            updated_at=now, **{k: F(k) + v for k, v in key}
        )
    if updated < sum(len(p) for p in groups.values()):
        _heal(list(totals), now)


# --- subscribers to grid events (registered in apps.py, run inside the change's transaction) ---


def household_added(*, household: Household) -> None:
    apply_delta(
        household.place_path,
        households=1,
        households_with_rep=1 if household.representative_id else 0,
    )


def households_added(
    *,
    households: Iterable[Household],
    residents: Iterable[Resident] = (),
    representatives: Iterable[Representative] = (),
) -> None:
    by_path: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in households:
        by_path[h.place_path]["households"] += 1
        if h.representative_id or h.representative is not None:
            by_path[h.place_path]["households_with_rep"] += 1
    for r in residents:
        by_path[r.place_path]["residents"] += 1
    for rep in representatives:
        by_path[rep.place_path]["representatives"] += 1
    apply_deltas(by_path)


def visit_logged(*, household: Household, visited_at: dt.datetime) -> None:
    """Call before the household's last_visit_at moves: it decides the 30/90-day counters."""
    previous = (
        Household.objects.filter(pk=household.pk).values_list("last_visit_at", flat=True).first()
    )
    w = windows()
    deltas = {"visits_month": 1 if visited_at >= w.month_start else 0}
    for name, since in (("visited_30d", w.since_30d), ("visited_90d", w.since_90d)):
        newly = visited_at >= since and (previous is None or previous < since)
        deltas[name] = 1 if newly else 0
    # The visit row exists already; last_visit_at moves after this call.
    pending = {"visited_30d": deltas["visited_30d"], "visited_90d": deltas["visited_90d"]}
    apply_delta(household.place_path, pending=pending, **deltas)
