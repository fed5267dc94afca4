"""How the sources are read: grouped by path for a recompute's SQL (`grouped_sql`, which
`totals` stages), and counted for one node straight from the base tables (`count_place`,
`count_org`, `count_months`: the reference the tests and the healing compare with). Both
read the same `sources` querysets, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import F, Q, QuerySet

from grassroots.analytics.models import MonthFigures
from grassroots.analytics.sources import (
    ORG_MONTH_SOURCES,
    ORG_SOURCES,
    PLACE_MONTH_SOURCES,
    PLACE_SOURCES,
    Source,
    Windows,
    prefixes_of,
    windows,
)
from grassroots.grid.models import TOWN_DEPTH_KINDS, Place


def _within(field: str, prefix: str | None) -> Q:
    """Rows of the subtree under `prefix` and of its ancestors (all rows when None)."""
    if prefix is None:
        return Q()
    return Q(**{f"{field}__startswith": prefix}) | Q(**{f"{field}__in": prefixes_of(prefix)})


def _keys(source: Source, w: Windows) -> dict[str, Any]:
    keys: dict[str, Any] = {"p": F(source.path)}
    if source.month is not None:
        keys["m"] = source.month(w)
    return keys


def _town_of(source: Source, rows: QuerySet, prefix: str | None) -> int | None:
    """The id of the town `prefix` lies in (or is), when the source's rows carry their town.

    A table that keeps its place's path beside its town (households, residents, visits,
    representatives, cases) is then read by the town's index as well as the path's: the
    planner's estimate of a path range comes from a histogram of a hundred buckets, each
    1 % of a province, and for a town's 0.03 % it chose to scan every one of a province's
    66 million residents in path order (3.5 s) instead of the town's 23,000 (11 ms).
    """
    if prefix is None or source.path != "place_path":
        return None
    field = next((f for f in rows.model._meta.concrete_fields if f.name == "town"), None)
    if field is None or field.related_model is not Place:
        return None
    return (
        Place.objects.filter(path__in=prefixes_of(prefix), kind__in=TOWN_DEPTH_KINDS)
        .values_list("pk", flat=True)
        .first()
    )


def grouped_sql(source: Source, w: Windows, prefix: str | None) -> tuple[str, list[Any]]:
    """SQL of the source's sums per path `p` (and month `m`), within `prefix`'s subtree."""
    rows = source.rows(w)
    town = _town_of(source, rows, prefix)
    if town is not None and prefix is not None:
        # The subtree's rows are its town's rows (a row's town is its place's town).
        within = Q(town_id=town, **{f"{source.path}__startswith": prefix})
        rows = rows.filter(within | Q(**{f"{source.path}__in": prefixes_of(prefix)}))
    else:
        rows = rows.filter(_within(source.path, prefix))
    if not source.per_row:
        grouped = rows.values(**_keys(source, w)).annotate(**source.counters(w)).order_by()
        sql, params = grouped.query.sql_with_params()
        return sql, list(params)
    columns = source.counters(w)
    sql, params = (
        rows.values(*sorted(set(columns.values())), **_keys(source, w)).order_by().query
    ).sql_with_params()
    month = ", s.m" if source.month is not None else ""
    sums = ", ".join(f"SUM(s.{column}) AS {counter}" for counter, column in columns.items())
    return (
        f"SELECT s.p AS p{month}, {sums} FROM ({sql}) AS s GROUP BY s.p{month}",  # noqa: S608
        list(params),
    )


def _per_row_sums(source: Source, w: Windows, rows: QuerySet) -> dict[Any, dict[str, int]]:
    """A per_row source's sums per month (None without months), added up in Python."""
    columns = source.counters(w)
    keys = {"m": source.month(w)} if source.month is not None else {}
    found: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(columns, 0))
    for row in rows.values(*set(columns.values()), **keys):
        sums = found[row.get("m")]
        for counter, column in columns.items():
            sums[counter] += row[column]
    return found


def _counted(sources: tuple[Source, ...], w: Windows, path: str) -> dict[str, int]:
    """A node's counters counted from the base tables (the reference of the tests)."""
    found: dict[str, int] = {}
    for source in sources:
        rows = source.rows(w).filter(**{f"{source.path}__startswith": path})
        if source.per_row:
            found.update(
                _per_row_sums(source, w, rows).get(None, dict.fromkeys(source.counters(w), 0))
            )
            continue
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
        if source.per_row:
            grouped = [{"m": m, **sums} for m, sums in _per_row_sums(source, w, rows).items()]
        else:
            grouped = rows.values(m=source.month(w)).annotate(**source.counters(w)).order_by()
        for row in grouped:
            month = row.pop("m")
            if isinstance(month, dt.datetime):
                month = month.date()
            found[month].update({k: int(v or 0) for k, v in row.items()})
    return dict(found)
