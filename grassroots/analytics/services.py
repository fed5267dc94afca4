"""Keeping the prepared figures right: full rebuild, a town's recompute, and deltas.

`rebuild()` recomputes every row set-based: one GROUP BY per source table (`sources`) into
the leaves' own counters, then one UPDATE … FROM per depth level adding the children's sums
to their parent (deepest level first). It never loops over rows in Python, so its cost is a
few sequential scans. `refresh_subtree()` runs the same SQL restricted to one town's path
prefix and re-sums the town's ancestors, so an increment equals a rebuild by construction.

After a change the services of cases, duties, inspections, rectify, trainings, sites and
cadence emit `Event.FIGURES_STALE`; the node is marked (`mark_stale`, after the commit) and
the worker's `refresh_stale` recomputes each marked town once (decision 0013). Households
and visits also move PlaceFigures at once, in the change's transaction (`deltas`). The
nightly task (tasks.py) rebuilds everything: the 30/90-day and this-month figures age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from grassroots.analytics.deltas import (  # noqa: F401 - the subscribers' home is services
    apply_delta,
    apply_deltas,
    household_added,
    households_added,
    visit_logged,
)
from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
    StaleSubtree,
)

# The reference counts and the windows, read by tests and other apps as services.*.
from grassroots.analytics.sources import (  # noqa: F401
    ORG_MONTH_SOURCES,
    ORG_SOURCES,
    PLACE_MONTH_SOURCES,
    PLACE_SOURCES,
    STEP,
    Source,
    Windows,
    _grouped,
    count_months,
    count_org,
    count_place,
    prefixes_of,
    windows,
)
from grassroots.cadence.models import QuarterScore
from grassroots.cases.models import Case, CaseEvent
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
from grassroots.rectify.models import Item as RectifyItem
from grassroots.sites.models import Project
from grassroots.trainings.models import Attendance, Enrolment, HoursRequirement, Programme

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


def _update_from(table: str, sets: str, source_sql: str, where: str, params: list[Any]) -> None:
    """UPDATE the figures rows `f` from the grouped source `s` (its params come first).

    On PostgreSQL the source is a MATERIALIZED CTE: computed once, whatever the planner
    believes of freshly loaded tables (with no statistics yet it may otherwise re-run the
    aggregate for every figures row in a nested loop: minutes instead of a second).
    """
    if connection.vendor == "postgresql":
        sql = f"WITH s AS MATERIALIZED ({source_sql}) UPDATE {table} AS f SET {sets} FROM s WHERE {where}"  # noqa: S608
    else:
        sql = f"UPDATE {table} AS f SET {sets} FROM ({source_sql}) AS s WHERE {where}"  # noqa: S608
    _sql(sql, params)


def _direct(table: str, assignments: str, source_sql: str, params: list[Any]) -> None:
    _update_from(table, assignments, source_sql, "f.path = s.p", params)


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
        _update_from(
            table, sets, sql, "f.node = %s AND f.path = s.p AND f.month = s.m", [*params, node]
        )
    _roll_up(table, MONTH_COUNTERS, max_depth, prefix, month_of=(node, first))


# The tables the sources read (analytics/sources.py), for _fresh_statistics.
SOURCE_MODELS = (
    Household,
    Resident,
    Representative,
    Visit,
    Member,
    Organization,
    Place,
    Case,
    CaseEvent,
    Assignment,
    QuarterScore,
    Inspection,
    RectifyItem,
    Attendance,
    Enrolment,
    Programme,
    HoursRequirement,
    Project,
)


def _fresh_statistics() -> None:
    """ANALYZE (PostgreSQL) the source tables whose statistics lag far behind their rows.

    Right after a load (the demo, an import, a new town) the planner still believes the
    tables empty and runs the per-member subqueries as scans of whole tables: minutes for a
    statement that takes a second. Tables already analysed are left alone (one catalogue read).
    """
    if connection.vendor != "postgresql":
        return
    names = [m._meta.db_table for m in SOURCE_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND "
            "(COALESCE(last_analyze, last_autoanalyze) IS NULL "
            "OR n_mod_since_analyze > 100 + n_live_tup / 5)",
            [names],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ANALYZE "{name}"')


def _refresh(w: Windows, place_prefix: str | None, org_prefix: str | None, *, full: bool) -> None:
    _fresh_statistics()
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


def forget_removed_nodes() -> int:
    """Delete the month rows and stale marks of places and organisations that are gone.

    PlaceFigures and OrgFigures follow their node's deletion; the month rows and the stale
    marks are keyed by path, so after a subtree is removed (the demo's reset) they would be
    read by whatever later takes the same path. One statement per table.
    """
    deleted = 0
    for node, model in ((MonthFigures.Node.PLACE, Place), (MonthFigures.Node.ORG, Organization)):
        alive = unscoped(model, why=Unscoped.SYSTEM).values("path")
        deleted += MonthFigures.objects.filter(node=node).exclude(path__in=alive).delete()[0]
        StaleSubtree.objects.filter(node=node).exclude(path__in=alive).delete()
    return deleted


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


def org_paths(ids: Iterable[int]) -> list[str]:
    """The paths of these organisations (the tree's shape only, no figures)."""
    return list(
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(pk__in=list(ids))
        .values_list("path", flat=True)
    )


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
