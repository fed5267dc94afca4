"""The rebuild's SQL (decision 0022): every node's totals staged once, only changes written.

Per figures table, one `CREATE TEMPORARY TABLE … AS` sums the sources' grouped queries
(`sources`, one aggregated pass each) per path, a second adds each path's sums to every
ancestor; then the rows whose counters differ are updated, nodes left without data go back to
zero and month rows without data are deleted. Missing rows are inserted `ON CONFLICT` on
their unique key: linear however fresh the table's statistics. `services` calls these for a
full rebuild (`prefix` None) and for one subtree and its ancestors (`refresh_subtree`).

Each recompute has two phases (decision 0027): the sources' sums are staged first, reading
only the base tables and locking nothing; the returned write phase runs once the caller holds
the locks of the rows it writes, and reads the stored rows it rolls up with (the ancestors'
other children) only then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from grassroots.analytics.grouping import grouped_sql
from grassroots.analytics.models import MONTH_COUNTERS, MonthFigures
from grassroots.analytics.sources import STEP, Source, Windows, prefixes_of


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


def _limit_months(alias: str, prefix: str | None, nodes: str) -> tuple[str, list[Any]]:
    """SQL for `_within` on MonthFigures rows: their paths taken from the nodes table.

    The month rows' keys (node, path, month) have no index for `LIKE` (that needs the C
    collation or a pattern index, which would slow the rebuild's 2 million inserts); the
    nodes' paths have one (`varchar_pattern_ops`). On PostgreSQL the subtree's paths are
    read there once and the month rows are found by their key, so a town's recompute reads
    its own rows, not every month row of the province.
    """
    if prefix is None or connection.vendor != "postgresql":
        return _limit(alias, prefix)
    within, params = _limit("n", prefix)
    sql = f"{alias}.path = ANY(ARRAY(SELECT n.path FROM {nodes} n WHERE {within}))"  # noqa: S608
    return sql, params


def _sql_value(sql: str, params: Iterable[Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


# The rolled-up totals of one figures table, computed once (a temporary table of the session,
# dropped after use and with the transaction): one row per node (and month) that has data.
# Each path's own sums, before they are added to the ancestors, are staged first in a
# temporary table the caller names (`leaves`): one per figures table of a recompute.
STAGE = "analytics_stage"
DIFF = "analytics_diff"  # a month refresh's rows to update or insert (`refresh_months`)
LEVELS = "analytics_levels"  # the roll-up's rows level by level, before STAGE (`_stage_totals`)


def _off_chain(
    table: str,
    counters: tuple[str, ...],
    prefix: str,
    month_of: tuple[str, dt.date] | None,
    nodes: str,
) -> tuple[str, list[Any]]:
    """A subtree refresh's stored rows that stay right: the other children of its ancestors.

    Their totals, rolled up with the subtree's own rows, give each ancestor its full total.
    Month rows are found by their key from the siblings' paths in the nodes table (as in
    `_limit_months`), not by a filter over every month row of the ancestors' levels.
    """
    chain = prefixes_of(prefix)
    alias = "n" if month_of is not None and connection.vendor == "postgresql" else "x"
    clauses, params = [], []
    for depth, (ancestor, on_chain) in enumerate(zip(chain, chain[1:], strict=False), start=1):
        clauses.append(f"({alias}.depth = %s AND {alias}.path LIKE %s AND {alias}.path <> %s)")
        params += [depth + 1, ancestor + "%", on_chain]
    if not clauses:
        return "", []
    month = ""
    where = f"({' OR '.join(clauses)})"
    if alias == "n":
        where = f"x.path = ANY(ARRAY(SELECT n.path FROM {nodes} n WHERE {where}))"  # noqa: S608
    if month_of is not None:
        month = ", x.month AS m"
        where = f"x.node = %s AND x.month >= %s AND {where}"
        params = [month_of[0], _db_date(month_of[1]), *params]
    columns = ", ".join(f"x.{c} AS {c}" for c in counters)
    return f"SELECT x.path AS p{month}, {columns} FROM {table} x WHERE {where}", params  # noqa: S608


def _stage_leaves(
    leaves: str,
    counters: tuple[str, ...],
    sources: tuple[Source, ...],
    w: Windows,
    prefix: str | None,
    *,
    month_of: tuple[str, dt.date] | None = None,
) -> None:
    """Create `leaves`: each path's own sums, one aggregated pass per source (its GROUP BY
    by path, and month). The expensive part of a recompute: it reads only the base tables
    and takes no lock on the figures.

    The sources' grouped rows (each unique on its key) are put side by side with FULL JOINs
    on the key, not stacked and grouped again: a province's 1.9 million (path, month) keys
    of visits then meet the few keys of the other sources in hash joins, where a GROUP BY
    of the stacked rows sorted or hashed them all once more (spilling to disk). FULL JOIN
    needs SQLite 3.39 or newer.
    """
    keys = ("p", "m") if month_of else ("p",)
    joined, params = [], []
    owners: dict[str, list[str]] = {c: [] for c in counters}
    for i, source in enumerate(sources):
        sql, source_params = grouped_sql(source, w, prefix)
        alias = f"s{i}"
        for counter in source.counters(w):
            owners[counter].append(alias)
        if i == 0:
            joined.append(f"({sql}) AS {alias}")
        else:
            on = " AND ".join(f"{alias}.{k} = {_first_of(k, i)}" for k in keys)
            joined.append(f"FULL JOIN ({sql}) AS {alias} ON {on}")
        params += list(source_params)
    columns = [f"{_first_of(k, len(sources))} AS {k}" for k in keys]
    for counter, aliases in owners.items():
        total = " + ".join(f"COALESCE({a}.{counter}, 0)" for a in aliases) or "0"
        columns.append(f"CAST({total} AS INTEGER) AS {counter}")
    _sql(
        f"CREATE TEMPORARY TABLE {leaves} AS SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM {' '.join(joined)}",
        params,
    )


def _first_of(key: str, n: int) -> str:
    """SQL: the key of the first of the joined sources s0 … s(n-1) that has the row."""
    if n == 1:
        return f"s0.{key}"
    return f"COALESCE({', '.join(f's{i}.{key}' for i in range(n))})"


def _stage_totals(
    leaves: str,
    table: str,
    nodes: str,
    counters: tuple[str, ...],
    prefix: str | None,
    max_depth: int,
    *,
    month_of: tuple[str, dt.date] | None = None,
) -> None:
    """Create STAGE from `leaves`: every node's final totals (its own rows and all its
    descendants'), summed level by level in temporary tables: no per-level UPDATEs of the
    figures table.

    A subtree recompute first adds the stored totals of its ancestors' other children. It
    runs with the ancestors' rows locked, so those totals are the committed ones and no
    delta is half-way through them.
    """
    if prefix is not None:
        stored, stored_params = _off_chain(table, counters, prefix, month_of, nodes)
        if stored:  # their paths are outside the subtree: no path of `leaves` repeats
            columns = ", ".join(("p", *(("m",) if month_of else ()), *counters))
            _sql(f"INSERT INTO {leaves} ({columns}) {stored}", stored_params)  # noqa: S608
    totals = ", ".join(f"CAST(SUM(l.{c}) AS INTEGER) AS {c}" for c in counters)
    month = ", l.month" if month_of else ""
    month_column = ", month" if month_of else ""
    keys = "1, 2, 3" if month_of else "1, 2"
    # Level by level, deepest first: each level's sums come from the rows one level below
    # (the leaves there and the sums of their children), so each row is added up once a
    # level rather than once for each of its ancestors (a province's 1.8 million month
    # leaves lie six levels deep). A path with its own leaves and children's sums has two
    # rows until the last GROUP BY.
    columns = ", ".join(counters)
    _sql(
        f"CREATE TEMPORARY TABLE {LEVELS} AS SELECT l.p AS path, "  # noqa: S608
        f"LENGTH(l.p) / {STEP} AS depth{', l.m AS month' if month_of else ''}, {columns} "
        f"FROM {leaves} AS l"
    )
    _sql(f"DROP TABLE {leaves}")
    # Analysed: the planner then knows how many paths there are and hashes the GROUP BYs
    # instead of sorting millions of rows.
    _analyze(LEVELS)
    for depth in range(max_depth, 1, -1):
        _sql(
            f"INSERT INTO {LEVELS} (path, depth{month_column}, {columns}) "  # noqa: S608
            f"SELECT SUBSTR(l.path, 1, {(depth - 1) * STEP}), {depth - 1}{month}, {totals} "
            f"FROM {LEVELS} AS l WHERE l.depth = {depth} GROUP BY {keys}"
        )
    sql = (
        f"SELECT l.path, l.depth{month}, {totals} FROM {LEVELS} AS l "  # noqa: S608
        f"GROUP BY l.path, l.depth{month}"
    )
    params: list[Any] = []
    if prefix is not None:
        limit, limit_params = _limit("t", prefix)
        sql = f"SELECT * FROM ({sql}) AS t WHERE {limit}"  # noqa: S608
        params = limit_params
    _sql(f"CREATE TEMPORARY TABLE {STAGE} AS {sql}", params)
    _sql(f"DROP TABLE {LEVELS}")
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


def _count(table: str, alias: str, prefix: str | None) -> int:
    limit, params = _limit(alias, prefix)
    return _sql_value(f"SELECT COUNT(*) FROM {table} {alias} WHERE {limit}", params)  # noqa: S608


# A recompute's write phase: run once the rows it writes are locked (services).
Write = Callable[[], None]


def refresh_nodes(
    table: str,
    nodes: str,
    fk: str,
    counters: tuple[str, ...],
    sources: tuple[Source, ...],
    w: Windows,
    prefix: str | None,
    extra: tuple[str, ...] = (),
    *,
    leaves: str,
) -> Write:
    """Recompute a figures table (or one subtree of it and its ancestors).

    The sources are summed now, without locks; the returned write phase stages the totals,
    gives nodes without a row one with its totals (`ON CONFLICT` on the node's unique key:
    linear however new the table; skipped when every node has its row), then writes only
    the rows whose counters differ.
    """
    _stage_leaves(leaves, counters, sources, w, prefix)

    def write() -> None:
        now = _db_time(w.now)
        max_depth = _sql_value(f"SELECT MAX(depth) FROM {nodes}") or 0  # noqa: S608
        _stage_totals(leaves, table, nodes, counters, prefix, max_depth)
        # One row per node (unique key, deleted with its node): equal counts, none missing.
        if _count(nodes, "n", prefix) != _count(table, "f", prefix):
            limit, limit_params = _limit("n", prefix)
            more = "".join(f", {c}" for c in extra)
            values = ", ".join(f"COALESCE(s.{c}, 0)" for c in counters)
            # WHERE: SQLite needs one before an upsert's ON CONFLICT after a SELECT.
            _sql(
                f"INSERT INTO {table} ({fk}, path, depth{more}, {', '.join(counters)}, "  # noqa: S608
                f"updated_at) SELECT n.id, n.path, n.depth"
                f"{''.join(f', n.{c}' for c in extra)}, {values}, %s "
                f"FROM {nodes} n LEFT JOIN {STAGE} s ON s.path = n.path WHERE {limit} "
                f"ORDER BY n.path ON CONFLICT ({fk}) DO NOTHING",  # key order, as below
                [now, *limit_params],
            )
        sets = ", ".join(f"{c} = s.{c}" for c in counters)
        _sql(
            f"UPDATE {table} AS f SET {sets}, updated_at = %s FROM {STAGE} AS s "  # noqa: S608
            f"WHERE f.path = s.path AND {_changed('f', 's', counters)}",
            [now],
        )
        # Nodes with no rows left under them: zeros (those already zero are not written).
        limit, limit_params = _limit("f", prefix)
        _sql(
            f"UPDATE {table} AS f SET {', '.join(f'{c} = 0' for c in counters)}, "  # noqa: S608
            f"updated_at = %s WHERE {limit} AND {_changed('f', '', counters)} "
            f"AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s WHERE s.path = f.path)",
            [now, *limit_params],
        )
        _sql(f"DROP TABLE {STAGE}")

    return write


def refresh_months(
    node: str,
    nodes: str,
    sources: tuple[Source, ...],
    w: Windows,
    prefix: str | None,
    *,
    leaves: str,
) -> Write:
    """Recompute the MonthFigures rows of the last MONTHS months of one node kind.

    Rows exist only for months with data. The sources are summed now; the returned write
    phase finds the rows that differ and the keys still missing in one join (a hash join,
    not a probe per row), updates and inserts those (the keys found before the INSERT, so
    it never reads the table it is filling) and deletes the rows of months left without
    data.
    """
    first = w.first_month.date()
    _stage_leaves(leaves, MONTH_COUNTERS, sources, w, prefix, month_of=(node, first))

    def write() -> None:
        table = MonthFigures._meta.db_table
        now = _db_time(w.now)
        max_depth = _sql_value(f"SELECT MAX(depth) FROM {nodes}") or 0  # noqa: S608
        _stage_totals(
            leaves, table, nodes, MONTH_COUNTERS, prefix, max_depth, month_of=(node, first)
        )
        counters = ", ".join(MONTH_COUNTERS)
        # One join of the totals with the stored rows finds both the rows to update and
        # the keys to insert (a steady rebuild: this month's rows; a province's stored
        # rows are 2 million); the writes then go by primary key. A subtree's join reads
        # only the stored rows of its own paths (by key, `_limit_months`), the paths STAGE
        # holds: not a hash of every month row of the province.
        within, within_params = _limit_months("f", prefix, nodes)
        _sql(
            f"CREATE TEMPORARY TABLE {DIFF} AS SELECT s.path, s.month, "  # noqa: S608
            f"{', '.join(f's.{c}' for c in MONTH_COUNTERS)}, f.id AS fid FROM {STAGE} AS s "
            f"LEFT JOIN {table} AS f ON f.node = %s AND f.path = s.path AND f.month = s.month "
            f"AND f.month >= %s AND {within} "
            f"WHERE f.id IS NULL OR {_changed('f', 's', MONTH_COUNTERS)}",
            [node, _db_date(first), *within_params],
        )
        _analyze(DIFF)
        sets = ", ".join(f"{c} = d.{c}" for c in MONTH_COUNTERS)
        _sql(
            f"UPDATE {table} AS f SET {sets}, updated_at = %s FROM {DIFF} AS d "  # noqa: S608
            "WHERE f.id = d.fid",
            [now],
        )
        _sql(
            f"DELETE FROM {table} AS f WHERE f.node = %s AND f.month >= %s AND {within} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s "
            "WHERE s.path = f.path AND s.month = f.month)",
            [node, _db_date(first), *within_params],
        )
        # A key a delta inserted since the join is skipped. On PostgreSQL a full rebuild
        # holds the figures tables against writers (services._lock_for_writes), so none can
        # appear: a province's 2.2 million rows of a first rebuild go in as a plain INSERT.
        plain = prefix is None and connection.vendor == "postgresql"
        conflict = "" if plain else " ON CONFLICT (node, path, month) DO NOTHING"
        _sql(
            f"INSERT INTO {table} (node, path, depth, month, {counters}, updated_at) "  # noqa: S608
            f"SELECT %s, d.path, n.depth, d.month, "
            f"{', '.join(f'd.{c}' for c in MONTH_COUNTERS)}, %s "
            f"FROM {DIFF} AS d JOIN {nodes} n ON n.path = d.path WHERE d.fid IS NULL "
            # In key order: the indexes grow at their end, not at random pages.
            f"ORDER BY d.path, d.month{conflict}",
            [node, now],
        )
        _sql(f"DROP TABLE {DIFF}")
        _sql(f"DROP TABLE {STAGE}")

    return write
