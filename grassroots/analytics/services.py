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

from django.db import connection, transaction

from grassroots.analytics.deltas import (  # noqa: F401 - the subscribers' home is services
    apply_delta,
    apply_deltas,
    household_added,
    households_added,
    visit_logged,
)
from grassroots.analytics.grouping import count_months, count_org, count_place  # noqa: F401
from grassroots.analytics.models import (
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
    prefixes_of,
    windows,
)
from grassroots.analytics.totals import refresh_months, refresh_nodes
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
    """Stage every figures table's sums (no locks), then lock what is written and write it.

    The staging is the long part (every source's GROUP BY): the deltas of visits and new
    households, which move the same rows, never wait for it. A delta committed between the
    staging and the write is overwritten, and counted again by the next cycle: visits and
    new households mark their town stale (tasks.py), after their commit.
    """
    _fresh_statistics()
    if connection.vendor == "postgresql" and full:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    place, org = Place._meta.db_table, Organization._meta.db_table
    writes = []
    if full or place_prefix:
        writes += [
            refresh_nodes(
                PlaceFigures._meta.db_table,
                place,
                "place_id",
                PLACE_COUNTERS,
                PLACE_SOURCES,
                w,
                place_prefix,
                extra=("kind",),
                leaves="analytics_leaves_places",
            ),
            refresh_months(
                MonthFigures.Node.PLACE,
                place,
                PLACE_MONTH_SOURCES,
                w,
                place_prefix,
                leaves="analytics_leaves_place_months",
            ),
        ]
    if full or org_prefix:
        writes += [
            refresh_nodes(
                OrgFigures._meta.db_table,
                org,
                "organization_id",
                ORG_COUNTERS,
                ORG_SOURCES,
                w,
                org_prefix,
                leaves="analytics_leaves_orgs",
            ),
            refresh_months(
                MonthFigures.Node.ORG,
                org,
                ORG_MONTH_SOURCES,
                w,
                org_prefix,
                leaves="analytics_leaves_org_months",
            ),
        ]
    _lock_for_writes(place_prefix, org_prefix, full=full)
    for write in writes:
        write()


FIGURES_TABLES = (PlaceFigures, OrgFigures, MonthFigures)


def _lock_for_writes(place_prefix: str | None, org_prefix: str | None, *, full: bool) -> None:
    """Lock the rows a recompute writes, in the order every writer takes them.

    A subtree's ancestors are locked top down (province → town), the order the deltas take
    (deltas._top_down): two recomputes that share an ancestor, or a recompute and a visit,
    run one after the other instead of deadlocking, and the locks are held only for the
    short write phase. A full rebuild locks the figures tables against writers (EXCLUSIVE:
    reads go on). SQLite writes one transaction at a time: nothing to lock.
    """
    if not connection.features.has_select_for_update:
        return
    if full:
        names = ", ".join(m._meta.db_table for m in FIGURES_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        return
    for model, path in ((PlaceFigures, place_prefix), (OrgFigures, org_prefix)):
        if path:
            list(
                model.objects.select_for_update()
                .filter(path__in=prefixes_of(path))
                .order_by("path")
                .values_list("pk")
            )


def _one_recompute_at_a_time(node: str = "", path: str = "") -> None:
    """Recomputes that overlap run one after the other (PostgreSQL: transaction advisory
    locks, taken before the staging).

    Otherwise a recompute that staged earlier could write after one that staged later and
    overwrite its fresher figures, while the later one had already taken the stale mark that
    would have corrected them. A subtree holds its own node exclusively and its ancestors and
    the whole shared, top down; a full rebuild (no path) holds the whole exclusively. Two
    towns of a county stage side by side. Deltas take none of these: they never wait for a
    staging.
    """
    if connection.vendor != "postgresql":
        return
    keys = ["figures"]
    if path:
        keys += [f"figures:{node}:{p}" for p in prefixes_of(path)]
    with connection.cursor() as cursor:
        for key in keys:
            exclusive = key == keys[-1]
            cursor.execute(
                f"SELECT pg_advisory_xact_lock{'' if exclusive else '_shared'}"
                "(hashtextextended(%s, 0))",
                [key],
            )


@transaction.atomic
def rebuild(*, actor: Actor = None, now: dt.datetime | None = None) -> RebuildSummary:
    """Recompute every prepared figure from the base tables."""
    w = windows(now)
    _one_recompute_at_a_time()
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

    The subtree's sums are staged without locks; its ancestors' rows are locked top down
    only for the writes (`_refresh`).
    """
    if place_path:
        _one_recompute_at_a_time(MonthFigures.Node.PLACE, place_path)
    if org_path:
        _one_recompute_at_a_time(MonthFigures.Node.ORG, org_path)
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


def mark_stale(
    *,
    place_path: str = "",
    org_path: str = "",
    place_paths: Iterable[str] = (),
    org_paths: Iterable[str] = (),
) -> bool:
    """Remember that nodes' figures changed (Event.FIGURES_STALE, after the commit).

    One row per node however many changes, written in one statement: the worker's next
    cycle recomputes each town once.
    """
    now = clock.now()
    places = sorted({place_path, *place_paths} - {""})
    orgs = sorted({org_path, *org_paths} - {""})
    rows = [StaleSubtree(node=MonthFigures.Node.PLACE, path=p, marked_at=now) for p in places]
    rows += [StaleSubtree(node=MonthFigures.Node.ORG, path=p, marked_at=now) for p in orgs]
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
