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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from grassroots.analytics.models import ORG_COUNTERS, PLACE_COUNTERS, OrgFigures, PlaceFigures
from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.grid.models import Household, Place, Representative, Resident, Visit
from grassroots.party.models import Member, Organization

STEP = Place.steplen


@dataclass
class Windows:
    """The moments the time-dependent figures are counted from."""

    now: dt.datetime
    since_30d: dt.datetime
    since_90d: dt.datetime
    month_start: dt.datetime


def windows(now: dt.datetime | None = None) -> Windows:
    now = now or clock.now()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Windows(
        now=now,
        since_30d=now - dt.timedelta(days=30),
        since_90d=now - dt.timedelta(days=90),
        month_start=month_start,
    )


def prefixes_of(path: str) -> list[str]:
    """The path of every ancestor of a node, and the node's own."""
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


# --- direct counts (the reference the prepared figures must equal) --------------


def count_place(path: str, now: dt.datetime | None = None) -> dict[str, int]:
    """Figures of one place counted from the base tables (slow at scale; used to heal and test)."""
    w = windows(now)
    hh = Household.objects.filter(place_path__startswith=path).aggregate(
        households=Count("id"),
        households_with_rep=Count("representative_id"),
        visited_30d=Count("id", filter=Q(last_visit_at__gte=w.since_30d)),
        visited_90d=Count("id", filter=Q(last_visit_at__gte=w.since_90d)),
    )
    return {
        **hh,
        "residents": Resident.objects.filter(place_path__startswith=path).count(),
        "representatives": Representative.objects.filter(
            place_path__startswith=path, active=True
        ).count(),
        "visits_month": Visit.objects.filter(
            place_path__startswith=path, visited_at__gte=w.month_start
        ).count(),
    }


def count_org(path: str) -> dict[str, int]:
    members = Member.objects.filter(org_path__startswith=path, active=True).aggregate(
        members=Count("id"),
        probationary=Count("id", filter=Q(status=Member.Status.PROBATIONARY)),
    )
    branches = Organization.objects.filter(
        path__startswith=path, kind=Organization.Kind.BRANCH
    ).count()
    return {**members, "branches": branches}


# --- full rebuild ------------------------------------------------------------------


@dataclass
class RebuildSummary:
    places: int
    organizations: int


def _sql(sql: str, params: Iterable[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def _db_time(value: dt.datetime) -> Any:
    # Raw SQL bypasses field conversion: SQLite stores naive UTC text.
    return connection.ops.adapt_datetimefield_value(value)


def _roll_up(table: str, counters: tuple[str, ...], max_depth: int) -> None:
    """Add each level's sums to its parents, deepest level first (one UPDATE per level)."""
    sets = ", ".join(f"{c} = f.{c} + s.{c}" for c in counters)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in counters)
    for depth in range(max_depth - 1, 0, -1):
        _sql(
            f"UPDATE {table} AS f SET {sets} FROM ("  # noqa: S608 - names are constants
            f"SELECT SUBSTR(path, 1, %s) AS p, {sums} FROM {table} WHERE depth = %s GROUP BY 1"
            ") AS s WHERE f.path = s.p",
            [depth * STEP, depth + 1],
        )


def _direct(table: str, assignments: str, source_sql: str, params: list[Any]) -> None:
    _sql(
        f"UPDATE {table} AS f SET {assignments} FROM ({source_sql}) AS s WHERE f.path = s.p",  # noqa: S608
        params,
    )


def _rebuild_places(w: Windows) -> int:
    table = PlaceFigures._meta.db_table
    place = Place._meta.db_table
    now = _db_time(w.now)
    zeros = ", ".join("0" for _ in PLACE_COUNTERS)
    _sql(
        f"INSERT INTO {table} (place_id, path, depth, kind, {', '.join(PLACE_COUNTERS)}, updated_at) "  # noqa: S608
        f"SELECT p.id, p.path, p.depth, p.kind, {zeros}, %s FROM {place} p "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.place_id = p.id)",
        [now],
    )
    resets = ", ".join(f"{c} = 0" for c in PLACE_COUNTERS)
    _sql(f"UPDATE {table} SET {resets}, updated_at = %s", [now])  # noqa: S608
    _direct(
        table,
        "households = s.n, households_with_rep = s.r, visited_30d = s.v30, visited_90d = s.v90",
        "SELECT place_path AS p, COUNT(*) AS n, COUNT(representative_id) AS r, "  # noqa: S608
        "SUM(CASE WHEN last_visit_at >= %s THEN 1 ELSE 0 END) AS v30, "
        "SUM(CASE WHEN last_visit_at >= %s THEN 1 ELSE 0 END) AS v90 "
        f"FROM {Household._meta.db_table} GROUP BY place_path",  # noqa: S608
        [_db_time(w.since_30d), _db_time(w.since_90d)],
    )
    _direct(
        table,
        "residents = s.n",
        f"SELECT place_path AS p, COUNT(*) AS n FROM {Resident._meta.db_table} GROUP BY place_path",  # noqa: S608
        [],
    )
    _direct(
        table,
        "representatives = s.n",
        f"SELECT place_path AS p, COUNT(*) AS n FROM {Representative._meta.db_table} "  # noqa: S608
        "WHERE active = %s GROUP BY place_path",
        [True],
    )
    _direct(
        table,
        "visits_month = s.n",
        f"SELECT place_path AS p, COUNT(*) AS n FROM {Visit._meta.db_table} "  # noqa: S608
        "WHERE visited_at >= %s GROUP BY place_path",
        [_db_time(w.month_start)],
    )
    max_depth = PlaceFigures.objects.order_by("-depth").values_list("depth", flat=True).first()
    _roll_up(table, PLACE_COUNTERS, max_depth or 0)
    return PlaceFigures.objects.count()


def _rebuild_orgs(w: Windows) -> int:
    table = OrgFigures._meta.db_table
    org = Organization._meta.db_table
    now = _db_time(w.now)
    zeros = ", ".join("0" for _ in ORG_COUNTERS)
    _sql(
        f"INSERT INTO {table} (organization_id, path, depth, {', '.join(ORG_COUNTERS)}, updated_at) "  # noqa: S608
        f"SELECT o.id, o.path, o.depth, {zeros}, %s FROM {org} o "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.organization_id = o.id)",
        [now],
    )
    resets = ", ".join(f"{c} = 0" for c in ORG_COUNTERS)
    _sql(f"UPDATE {table} SET {resets}, updated_at = %s", [now])  # noqa: S608
    _direct(
        table,
        "members = s.n, probationary = s.pr",
        "SELECT org_path AS p, COUNT(*) AS n, "  # noqa: S608
        "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS pr "
        f"FROM {Member._meta.db_table} WHERE active = %s GROUP BY org_path",  # noqa: S608
        [Member.Status.PROBATIONARY, True],
    )
    _direct(
        table,
        "branches = s.n",
        f"SELECT path AS p, 1 AS n FROM {org} WHERE kind = %s",  # noqa: S608
        [Organization.Kind.BRANCH],
    )
    max_depth = OrgFigures.objects.order_by("-depth").values_list("depth", flat=True).first()
    _roll_up(table, ORG_COUNTERS, max_depth or 0)
    return OrgFigures.objects.count()


@transaction.atomic
def rebuild(*, actor: Actor = None, now: dt.datetime | None = None) -> RebuildSummary:
    """Recompute every prepared figure from the base tables."""
    w = windows(now)
    summary = RebuildSummary(places=_rebuild_places(w), organizations=_rebuild_orgs(w))
    audit.record(
        actor=actor,
        action=Action.ANALYTICS_REBUILT,
        data={"places": summary.places, "organizations": summary.organizations},
    )
    return summary


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
