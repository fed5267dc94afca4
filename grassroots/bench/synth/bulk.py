"""Bulk-load mode for big runs on PostgreSQL: write without the secondary indexes.

At county scale and beyond, most of the households stage was the PostgreSQL
backend keeping every index of the five tables written in bulk up to date, row
by row (2.1 s a town of 7,000 households, 37.7 s of it in Python for 40 towns).
In bulk mode (from `BULK_FROM` households) the secondary indexes of those
tables — the non-unique ones, which back no constraint, 25 of them — are dropped
inside the synth's transaction, the rows are written, and the indexes are
created again from the definitions PostgreSQL itself gave (`pg_get_indexdef`,
what `pg_indexes.indexdef` shows, read before dropping them), so nothing drifts
from the migrations. Primary keys (foreign keys depend on them) and unique
indexes and constraints stay: a duplicate still fails where it is written.
Dropping those too was measured: the copies gained what the rebuild lost.
Keeping the 23 whose keys arrive in ascending order (ids, places) was measured
as well: updating them row by row cost far more than sorting them again
(households stage 1.78 s a town instead of 0.93 at 280,000 households, for
0.2 s a town less of rebuild; the sort of keys already in order is cheap).

Everything happens in the synth's transaction (DROP and CREATE INDEX are
transactional): an error rolls the indexes back with the rows, and other
sessions wait on the tables' locks rather than see them without indexes. The
rebuild sorts with `maintenance_work_mem` of `REBUILD_MEMORY` and up to two
parallel workers. JIT is off while the rows are written (`without_jit`).

Residents' ID numbers come from a pool of sealed values (`Synth.ids`); for the
rows generated in SQL it sits in a temporary table, `pg_temp.synth_id_pool`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models

from grassroots.bench.synth.common import Sealed

BULK_FROM = 100_000  # households; below this the Python path with all indexes is fast enough
BATCH_TOWNS = 1  # towns whose links, visits and residents one INSERT … SELECT generates
REBUILD_MEMORY = "1GB"
REBUILD_WORKERS = 2


def use_bulk(households: int) -> bool:
    return connection.vendor == "postgresql" and households >= BULK_FROM


def deferred_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(qualified name, definition) of the tables' indexes that are neither primary keys nor
    unique and back no constraint, in a fixed order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relnamespace = to_regnamespace(current_schema())
              AND t.relname = ANY(%s)
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY t.relname, i.indexrelid::regclass::text
            """,
            [list(tables)],
        )
        return [(name, ddl) for name, ddl in cursor.fetchall()]


@contextmanager
def indexes_deferred(
    models_: Sequence[type[models.Model]],
    timings: dict[str, float],
    log: Callable[[str], None],
) -> Iterator[None]:
    """Drop the models' `deferred_indexes` for the block, then create them again; the
    rebuild's time goes to `timings["indexes"]`. Must run inside a transaction."""
    indexes = deferred_indexes([m._meta.db_table for m in models_])
    with connection.cursor() as cursor:
        for name, _ddl in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    log(f"  creating {len(indexes)} indexes again")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('maintenance_work_mem'), "
            "current_setting('max_parallel_maintenance_workers')"
        )
        memory, workers = cursor.fetchone()
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MEMORY])
        cursor.execute(
            "SELECT set_config('max_parallel_maintenance_workers', %s, true)",
            [str(REBUILD_WORKERS)],
        )
        for _name, ddl in indexes:
            cursor.execute(ddl)
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [memory])
        cursor.execute("SELECT set_config('max_parallel_maintenance_workers', %s, true)", [workers])
    timings["indexes"] = time.perf_counter() - started


@contextmanager
def without_jit() -> Iterator[None]:
    """No JIT compilation for the block's statements: the INSERT … SELECT of a town is
    costed high enough to trigger it, and compiling took longer (0.6 s) than running it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        before = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', %s, true)", [before])


def load_id_pool(ids: Sequence[Sealed]) -> None:
    """The sealed ID numbers in `pg_temp.synth_id_pool(n, cipher, hash, masked)`, n from 0."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.synth_id_pool")
        cursor.execute(
            "CREATE TEMPORARY TABLE synth_id_pool "
            "(n integer PRIMARY KEY, cipher text, hash text, masked text) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY pg_temp.synth_id_pool FROM STDIN") as copy:
            for n, value in enumerate(ids):
                copy.write_row((n, value[""], value["_hash"], value["_masked"]))
        cursor.execute("ANALYZE pg_temp.synth_id_pool")


def drop_id_pool() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE pg_temp.synth_id_pool")
