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
    _grouped,
    count_months,
    count_org,
    count_place,
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
    _fresh_statistics()
    if connection.vendor == "postgresql" and full:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    place, org = Place._meta.db_table, Organization._meta.db_table
    if full or place_prefix:
        refresh_nodes(
            PlaceFigures._meta.db_table,
            place,
            "place_id",
            PLACE_COUNTERS,
            PLACE_SOURCES,
            w,
            place_prefix,
            extra=("kind",),
        )
        refresh_months(MonthFigures.Node.PLACE, place, PLACE_MONTH_SOURCES, w, place_prefix)
    if full or org_prefix:
        refresh_nodes(
            OrgFigures._meta.db_table,
            org,
            "organization_id",
            ORG_COUNTERS,
            ORG_SOURCES,
            w,
            org_prefix,
        )
        refresh_months(MonthFigures.Node.ORG, org, ORG_MONTH_SOURCES, w, org_prefix)


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
