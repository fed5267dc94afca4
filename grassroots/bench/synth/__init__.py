"""Synthetic data at scale: province → cities → counties → towns → villages → groups.

Rows are written set-based, in one transaction, never one ORM save per row: by
`core.rows.BulkRows` (COPY on PostgreSQL, `executemany` on SQLite). Primary keys
are assigned here (max(id) + 1 onwards; the PostgreSQL sequences are moved past
them afterwards) so that child rows can point at parents without reading ids
back. Big runs on PostgreSQL (from `bulk.BULK_FROM` households) take the
bulk-load mode: the secondary indexes of the household tables are dropped and
created again at the end (stage `indexes`), and links, visits and residents are
generated inside PostgreSQL by INSERT … SELECT from the households just copied
(`households`, `bulk`), a town at a time.

Personal data is genuinely sealed (`grassroots.core.personal.seal`): every
representative, household and member has a phone number of its own (sealed
ahead in worker processes at scale, `common.Phones`); residents' ID numbers come
from a pool of 4,096 sealed values. Everything is marked `is_demo`.

Proportions (a town of 7,000 households as in the issue): 35 households per
villager group, 10 groups per village, 20 villages per town, 43 towns per
county (≈300,000 households), 8 counties per city. Stages: `places`, `party`,
`households`, in bulk mode `indexes`, on PostgreSQL `analyze`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from grassroots.bench.synth import bulk
from grassroots.bench.synth.common import (
    HOUSEHOLDS_PER_REP,
    Synth,
    SynthSummary,
    root_name,
    segment,
)
from grassroots.bench.synth.households import build_households
from grassroots.bench.synth.party import build_party
from grassroots.bench.synth.places import build_places
from grassroots.core.rows import reset_sequences
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Visit,
)
from grassroots.party.models import Member, Organization

__all__ = ["HOUSEHOLDS_PER_REP", "SynthSummary", "root_name", "segment", "synthesize"]

WRITTEN = [
    Place,
    Organization,
    Member,
    Representative,
    Household,
    RepresentativeLink,
    Visit,
    Resident,
]


def skip_fk_checks() -> bool:
    """On PostgreSQL as a superuser, skip the per-row foreign-key triggers for this transaction.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so every copied row
    queues a check that runs at COMMIT: at county scale that queue cost more than
    writing the rows. The generator points only at rows it has just written, and
    the tests check its output with the constraints enforced (SQLite).
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if not (row and row[0]):
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def synthesize(
    *,
    households: int,
    seed: int = 1,
    months: int = 3,
    residents: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> SynthSummary:
    """Write a synthetic province of `households` households into the default database."""
    started = time.perf_counter()
    synth = Synth(households, seed, months, residents, log)
    synth.bulk = bulk.use_bulk(households)
    timings = synth.summary.timings
    try:
        with transaction.atomic():
            skip_fk_checks()
            for stage, build in (
                ("places", build_places),
                ("party", build_party),
                ("households", build_households),
            ):
                t = time.perf_counter()
                build(synth)
                # bulk mode's index rebuild is a stage of its own, after the households
                rebuild = timings.pop("indexes", None)
                timings[stage] = time.perf_counter() - t - (rebuild or 0.0)
                if rebuild is not None:
                    timings["indexes"] = rebuild
            reset_sequences(WRITTEN)
    finally:
        synth.phones.close()
    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses on empty tables
        timings["analyze"] = time.perf_counter() - t
    synth.summary.seconds = time.perf_counter() - started
    return synth.summary
