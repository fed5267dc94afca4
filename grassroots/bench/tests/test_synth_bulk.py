"""The synth's bulk-load mode (PostgreSQL): indexes dropped and rebuilt, child rows from SQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery

from grassroots.bench.synth import bulk, synthesize
from grassroots.bench.synth.common import hash_state, pg_hash
from grassroots.bench.synth.households import BULK_MODELS
from grassroots.core import clock
from grassroots.grid.models import Household, RepresentativeLink, Resident, Visit

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bulk mode and hashint8extended are PostgreSQL's"
)
# Two towns (7,000 households each), so that child rows are generated batch by batch.
HOUSEHOLDS = 7_100


def signed(x: int) -> int:
    return x - 2**64 if x >= 2**63 else x


def test_pg_hash_is_postgresqls_hashint8extended() -> None:
    # Values PostgreSQL 15 gives for hashint8extended(value, seed).
    expected = {
        (1, 0): -3670598878359251130,
        (7, 4096): 2167774626037029292,
        (123456789012, 8191): 395550444868115402,
        (-5, 3): 4566310048417840633,
    }
    for (value, seed), want in expected.items():
        assert signed(pg_hash(value, hash_state(seed))) == want


@postgresql_only
def test_pg_hash_agrees_with_postgresql_on_many_values() -> None:
    pairs = [(v * 7_919 - 3_000_000, s) for v in range(0, 2_000_000, 9_973) for s in (1, 8191)]
    pairs += [(2**40 + 17, 5), (-(2**35), 2**33 + 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hashint8extended(v, s) FROM unnest(%s::bigint[], %s::bigint[]) AS t(v, s)",
            [[v for v, _ in pairs], [s for _, s in pairs]],
        )
        got = [row[0] for row in cursor.fetchall()]
    assert got == [signed(pg_hash(v, hash_state(s))) for v, s in pairs]


def indexes() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s) ORDER BY 1, 2",
            [[m._meta.db_table for m in BULK_MODELS]],
        )
        return cursor.fetchall()


@postgresql_only
def test_bulk_mode_rebuilds_the_same_indexes_and_writes_consistent_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "BULK_FROM", 1_000)
    before = indexes()
    deferred = bulk.deferred_indexes([m._meta.db_table for m in BULK_MODELS])
    assert len(deferred) > 20
    assert not [name for name, _ddl in deferred if "unique" in name or name.endswith("_pkey")]
    s = synthesize(households=HOUSEHOLDS, seed=4, months=3, residents=True)
    assert "indexes" in s.timings
    assert indexes() == before
    # the summary counts what was written
    assert (s.households, s.towns) == (HOUSEHOLDS, 2)
    assert s.residents == Resident.objects.count()
    assert s.visits == Visit.objects.count() > 0.5 * HOUSEHOLDS * 3
    assert s.links == RepresentativeLink.objects.count() == HOUSEHOLDS
    # each household: its residents (head first, with its name and phone), its visits
    # (in its group, by its representative) and its one open link to its representative
    assert not Household.objects.annotate(n=Count("residents")).exclude(n=F("size")).exists()
    heads = Resident.objects.filter(relation="head")
    assert heads.count() == HOUSEHOLDS
    assert not heads.exclude(
        phone_hash=F("household__phone_hash"), name=F("household__head_name")
    ).exists()
    assert not Resident.objects.exclude(relation="head").exclude(phone_hash="").exists()
    assert not Resident.objects.exclude(place_path=F("household__place_path")).exists()
    newest = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_at")
    assert not (
        Household.objects.annotate(newest=Subquery(newest.values("visited_at")[:1]))
        .exclude(last_visit_at__isnull=True, newest__isnull=True)
        .exclude(last_visit_at=F("newest"))
        .exists()
    )
    assert not Visit.objects.exclude(place_path=F("household__place_path")).exists()
    assert not Visit.objects.exclude(
        representative=F("household__representative"), town=F("household__town")
    ).exists()
    assert not (
        RepresentativeLink.objects.filter(ended_at=None)
        .exclude(representative=F("household__representative"))
        .exists()
    )
    # the pool table is gone, the identities moved past the written ids
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.synth_id_pool')")
        assert cursor.fetchone()[0] is None
    household = Household.objects.first()
    household.pk = None
    household.code = "ORM-1"
    household.save()


def rows() -> dict[str, list[tuple]]:
    return {
        "households": list(
            Household.objects.order_by("id").values_list("id", "last_visit_at", "phone_hash")
        ),
        "visits": sorted(
            Visit.objects.values_list(
                "household_id", "visited_at", "mode", "representative_id", "place_path"
            )
        ),
        "residents": sorted(
            Resident.objects.values_list(
                "household_id", "name", "relation", "id_number_hash", "phone_hash", "place_path"
            )
        ),
        "links": sorted(
            RepresentativeLink.objects.values_list(
                "household_id", "representative_id", "started_at", "ended_at"
            )
        ),
    }


class _Undo(Exception):
    pass


@postgresql_only
def test_bulk_mode_writes_the_rows_the_python_path_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.set_now(clock.now())  # both runs date their visits from the same moment
    written = []
    for bulk_from in (10**9, 1_000):  # the Python path, then bulk mode, from the same ids
        monkeypatch.setattr(bulk, "BULK_FROM", bulk_from)
        try:
            with transaction.atomic():
                synthesize(households=HOUSEHOLDS, seed=9, months=2, residents=True)
                written.append(rows())
                raise _Undo
        except _Undo:
            pass
    python, in_sql = written
    for table in python:
        assert python[table] == in_sql[table], table
    assert len(python["residents"]) > 3 * HOUSEHOLDS
