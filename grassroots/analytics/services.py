"""Keeping the prepared figures right: full rebuild, a town's recompute, and deltas.

`rebuild()` recomputes every row set-based (decision 0022): missing rows are inserted with
`ON CONFLICT DO NOTHING` on the node's unique key (linear, however fresh the table); then, per
figures table, one aggregated pass per source table (`sources`, a GROUP BY by path and month)
is summed per path into a temporary table, each path's sums are added to every ancestor (one
join with the depths, one GROUP BY), and only the rows whose counters differ are written —
nodes left without data are written back to zero, month rows without data deleted. It never
loops over rows in Python. `refresh_subtree()` runs the same SQL restricted to one town's
path prefix, the ancestors' other children counted from their stored rows, so an increment
equals a rebuild by construction.

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


def _sql_value(sql: str, params: Iterable[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


# The rolled-up totals of one figures table, computed once (a temporary table of the session,
# dropped after use and with the transaction): one row per node (and month) that has data.
STAGE = "analytics_stage"
LEAVES = "analytics_leaves"  # each path's own sums, before they are added to the ancestors


def _levels(max_depth: int) -> str:
    """The depths 1..max_depth as a derived table `d(n)` (the same SQL on both databases)."""
    return " UNION ALL ".join(f"SELECT {n} AS n" for n in range(1, max(max_depth, 1) + 1))


def _off_chain(
    table: str, counters: tuple[str, ...], prefix: str, month_of: tuple[str, dt.date] | None
) -> tuple[str, list[Any]]:
    """A subtree refresh's stored rows that stay right: the other children of its ancestors.

    Their totals, rolled up with the subtree's own rows, give each ancestor its full total.
    """
    chain = prefixes_of(prefix)
    clauses, params = [], []
    for depth, (ancestor, on_chain) in enumerate(zip(chain, chain[1:], strict=False), start=1):
        clauses.append("(x.depth = %s AND x.path LIKE %s AND x.path <> %s)")
        params += [depth + 1, ancestor + "%", on_chain]
    if not clauses:
        return "", []
    month = ""
    where = f"({' OR '.join(clauses)})"
    if month_of is not None:
        month = ", x.month AS m"
        where = f"x.node = %s AND x.month >= %s AND {where}"
        params = [month_of[0], _db_date(month_of[1]), *params]
    columns = ", ".join(f"x.{c} AS {c}" for c in counters)
    return f"SELECT x.path AS p{month}, {columns} FROM {table} x WHERE {where}", params  # noqa: S608


def _stage(
    table: str,
    counters: tuple[str, ...],
    sources: tuple[Source, ...],
    w: Windows,
    prefix: str | None,
    max_depth: int,
    *,
    month_of: tuple[str, dt.date] | None = None,
) -> None:
    """Create STAGE: every node's final totals (its own rows and all its descendants').

    One aggregated pass per source (its GROUP BY by path, and month), the sources' rows
    summed per path, then each path's sums added to every ancestor (one join with the
    depths, one GROUP BY): no per-level UPDATEs of the figures table. A subtree refresh adds
    the stored totals of its ancestors' other children and keeps only its own rows.
    """
    month = ", u.m" if month_of else ""
    branches, params = [], []
    for source in sources:
        sql, source_params = _grouped(source, w, prefix).query.sql_with_params()
        names = set(source.counters(w))
        columns = ", ".join(f"s.{c} AS {c}" if c in names else f"0 AS {c}" for c in counters)
        branches.append(
            f"SELECT s.p AS p{', s.m AS m' if month_of else ''}, {columns} FROM ({sql}) AS s"  # noqa: S608
        )
        params += list(source_params)
    if prefix is not None:
        stored, stored_params = _off_chain(table, counters, prefix, month_of)
        if stored:
            branches.append(stored)
            params += stored_params
    # Each path's own sums first (analysed: the planner then knows how many paths there are
    # and hashes the next GROUP BY instead of sorting millions of rows).
    sums = ", ".join(f"CAST(SUM(u.{c}) AS INTEGER) AS {c}" for c in counters)
    _sql(
        f"CREATE TEMPORARY TABLE {LEAVES} AS SELECT u.p{month}, {sums} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(branches)}) AS u GROUP BY u.p{month}",
        params,
    )
    _analyze(LEAVES)
    totals = ", ".join(f"CAST(SUM(l.{c}) AS INTEGER) AS {c}" for c in counters)
    keys = "1, 2, 3" if month_of else "1, 2"
    sql = (
        f"SELECT SUBSTR(l.p, 1, d.n * {STEP}) AS path, d.n AS depth"  # noqa: S608
        f"{', l.m AS month' if month_of else ''}, {totals} FROM {LEAVES} AS l "
        f"JOIN ({_levels(max_depth)}) AS d ON d.n * {STEP} <= LENGTH(l.p) GROUP BY {keys}"
    )
    params = []
    if prefix is not None:
        limit, limit_params = _limit("t", prefix)
        sql = f"SELECT * FROM ({sql}) AS t WHERE {limit}"  # noqa: S608
        params = limit_params
    _sql(f"CREATE TEMPORARY TABLE {STAGE} AS {sql}", params)
    _sql(f"DROP TABLE {LEAVES}")
    _analyze(STAGE)
    if connection.vendor != "postgresql":
        # SQLite joins by index only: one on the key the writes look rows up by.
        _sql(f"CREATE INDEX {STAGE}_key ON {STAGE} (path{', month' if month_of else ''})")


def _analyze(table: str) -> None:
    """PostgreSQL: a temporary table's size and spread, for hash joins and aggregates."""
    if connection.vendor == "postgresql":
        _sql(f"ANALYZE {table}")


def _changed(left: str, right: str, counters: tuple[str, ...]) -> str:
    """SQL: some counter of row `left` differs from `right`'s (row values, both databases)."""
    return (
        f"({', '.join(f'{left}.{c}' for c in counters)}) <> "
        f"({', '.join(f'{right}.{c}' if right else '0' for c in counters)})"
    )


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
    """Recompute a figures table (or one subtree of it and its ancestors).

    Missing rows are inserted (ON CONFLICT on the node's unique key: linear however new the
    table), the totals are staged once, and only the rows whose counters differ are written.
    """
    now = _db_time(w.now)
    zeros = ", ".join("0" for _ in counters)
    more = "".join(f", {c}" for c in extra)
    limit, limit_params = _limit("n", prefix)
    # WHERE: SQLite needs one before an upsert's ON CONFLICT after a SELECT.
    _sql(
        f"INSERT INTO {table} ({fk}, path, depth{more}, {', '.join(counters)}, updated_at) "  # noqa: S608
        f"SELECT n.id, n.path, n.depth{''.join(f', n.{c}' for c in extra)}, {zeros}, %s "
        f"FROM {nodes} n WHERE {limit} ON CONFLICT ({fk}) DO NOTHING",
        [now, *limit_params],
    )
    max_depth = _sql_value(f"SELECT MAX(depth) FROM {nodes}") or 0  # noqa: S608
    _stage(table, counters, sources, w, prefix, max_depth)
    sets = ", ".join(f"{c} = s.{c}" for c in counters)
    _sql(
        f"UPDATE {table} AS f SET {sets}, updated_at = %s FROM {STAGE} AS s "  # noqa: S608
        f"WHERE f.path = s.path AND {_changed('f', 's', counters)}",
        [now],
    )
    # Nodes with no rows left under them: zeros (those already zero are not written).
    limit, limit_params = _limit("f", prefix)
    _sql(
        f"UPDATE {table} AS f SET {', '.join(f'{c} = 0' for c in counters)}, updated_at = %s "  # noqa: S608
        f"WHERE {limit} AND {_changed('f', '', counters)} "
        f"AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s WHERE s.path = f.path)",
        [now, *limit_params],
    )
    _sql(f"DROP TABLE {STAGE}")


def _refresh_months(
    node: str, nodes: str, sources: tuple[Source, ...], w: Windows, prefix: str | None
) -> None:
    """Recompute the MonthFigures rows of the last MONTHS months of one node kind.

    Rows exist only for months with data: the staged totals are upserted (only changed rows
    written) and the rows of months left without data are deleted.
    """
    table = MonthFigures._meta.db_table
    first = w.first_month.date()
    now = _db_time(w.now)
    max_depth = _sql_value(f"SELECT MAX(depth) FROM {nodes}") or 0  # noqa: S608
    _stage(table, MONTH_COUNTERS, sources, w, prefix, max_depth, month_of=(node, first))
    counters = ", ".join(MONTH_COUNTERS)
    sets = ", ".join(f"{c} = excluded.{c}" for c in MONTH_COUNTERS)
    _sql(
        f"INSERT INTO {table} (node, path, depth, month, {counters}, updated_at) "  # noqa: S608
        f"SELECT %s, s.path, n.depth, s.month, {', '.join(f's.{c}' for c in MONTH_COUNTERS)}, %s "
        f"FROM {STAGE} AS s JOIN {nodes} n ON n.path = s.path WHERE 1 = 1 "
        f"ON CONFLICT (node, path, month) DO UPDATE SET {sets}, updated_at = excluded.updated_at "
        f"WHERE {_changed(table, 'excluded', MONTH_COUNTERS)}",
        [node, now],
    )
    limit, limit_params = _limit("f", prefix)
    _sql(
        f"DELETE FROM {table} AS f WHERE f.node = %s AND f.month >= %s AND {limit} "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s WHERE s.path = f.path AND s.month = f.month)",
        [node, _db_date(first), *limit_params],
    )
    _sql(f"DROP TABLE {STAGE}")


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


# Memory for the staging aggregates (PostgreSQL, this transaction only): a province's
# hash aggregates fit in it instead of spilling to disk in batches.
WORK_MEM = "256MB"


def _refresh(w: Windows, place_prefix: str | None, org_prefix: str | None, *, full: bool) -> None:
    _fresh_statistics()
    if connection.vendor == "postgresql" and full:
        _sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
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
