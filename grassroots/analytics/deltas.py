"""Incremental deltas of the grid counters, inside the change's own transaction.

Grid services emit events (`core.events`); the subscribers here (`household_added`,
`households_added`, `visit_logged`, registered in apps.py) move a place's and its ancestors'
PlaceFigures in one UPDATE, so the household counts move at once; everything else is
recomputed per town by the worker (services.refresh_stale).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet

from grassroots.analytics.grouping import count_place
from grassroots.analytics.models import (
    PLACE_COUNTERS,
    PlaceFigures,
)
from grassroots.analytics.sources import prefixes_of, windows
from grassroots.core import clock
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    Resident,
)

# --- incremental deltas ------------------------------------------------------------


def _top_down(paths: Iterable[str]) -> QuerySet:
    """The rows a delta moves, locked ancestors first (path order) by the UPDATE itself.

    The worker's subtree recompute (services.refresh_subtree) locks the same rows top down
    before its set-based UPDATE; an UPDATE ... WHERE path IN (...) alone locks them in the
    table's physical order, so a visit's delta and a recompute each held a row the other
    wanted (a deadlock seen under the mixed load on PostgreSQL). On PostgreSQL the UPDATE
    takes its rows from `SELECT ... ORDER BY path FOR UPDATE`: still one statement. SQLite
    writes one transaction at a time: nothing to order there.
    """
    rows = PlaceFigures.objects.filter(path__in=list(paths))
    if not connection.features.has_select_for_update:
        return rows
    ordered = rows.select_for_update().order_by("path").values("pk")
    return PlaceFigures.objects.filter(pk__in=ordered)


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


def _in_transaction() -> AbstractContextManager[Any]:
    """The caller's transaction (a service's: no savepoint, no extra statement), or one of
    its own for a caller in autocommit (the row locks need a transaction to live in)."""
    return nullcontext() if connection.in_atomic_block else transaction.atomic()


def apply_delta(place_path: str, *, pending: Mapping[str, int] | None = None, **deltas: int) -> int:
    """Add `deltas` (e.g. households=1) to a place and all its ancestors in one UPDATE.

    `pending`: the part of `deltas` not yet visible in the base tables (see _heal).
    """
    with _in_transaction():
        return _apply_delta(place_path, pending, deltas)


def _apply_delta(place_path: str, pending: Mapping[str, int] | None, deltas: dict[str, int]) -> int:
    deltas = {k: v for k, v in deltas.items() if v}
    unknown = set(deltas) - set(PLACE_COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters: {sorted(unknown)}")
    if not deltas:
        return 0
    prefixes = prefixes_of(place_path)
    now = clock.now()
    updated = _top_down(prefixes).update(updated_at=now, **{k: F(k) + v for k, v in deltas.items()})
    if updated < len(prefixes):
        _heal(prefixes, now, pending)
    return updated


def apply_deltas(by_path: Mapping[str, Mapping[str, int]]) -> None:
    """Many places' deltas: summed per ancestor, one UPDATE per distinct delta."""
    with _in_transaction():
        _apply_deltas(by_path)


def _apply_deltas(by_path: Mapping[str, Mapping[str, int]]) -> None:
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
    if connection.features.has_select_for_update:  # every row, top down, first
        list(_top_down(totals).values_list("pk", flat=True))
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
