"""core.rows.BulkRows and core.personal.Sealer: the one bulk writer and the batch sealer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from grassroots.core import personal
from grassroots.core.rows import BulkRows, checked_references
from grassroots.grid.models import Household, Place, Visit
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_reserved_ids_are_the_ids_written_and_datetimes_keep_their_instant(town: Town) -> None:
    household = town.household_a1
    at = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    columns = ["id", "representative_id", "household_id", "town_id", "place_path", "visited_at"]
    table = BulkRows(Visit, [*columns, "server_time"], {"notes": "bulk"})
    ids = table.reserve_ids(3)
    rows = [
        (pk, town.rep_a.pk, household.pk, household.town_id, household.place_path, at, at)
        for pk in ids
    ]
    with transaction.atomic():
        assert table.write(iter(rows)) == 3
    visits = Visit.objects.filter(pk__in=ids)
    assert sorted(v.pk for v in visits) == ids
    assert {(v.visited_at, v.notes, v.mode) for v in visits} == {(at, "bulk", Visit.Mode.DOOR)}
    assert table.count == 3
    # Ids already taken are never handed out again.
    assert min(table.reserve_ids(1)) > max(ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sequences")
def test_reserved_ids_that_are_not_one_range_come_back_one_by_one() -> None:
    # Another writer's nextval between ours leaves gaps; a step of 2 makes the same gaps.
    with connection.cursor() as cursor:
        cursor.execute("ALTER SEQUENCE grid_visit_id_seq INCREMENT BY 2")
        try:
            ids = BulkRows(Visit, ["id"]).reserve_ids(4)
        finally:
            cursor.execute("ALTER SEQUENCE grid_visit_id_seq INCREMENT BY 1")
    assert [b - a for a, b in zip(ids, ids[1:], strict=False)] == [2, 2, 2]
    contiguous = BulkRows(Visit, ["id"]).reserve_ids(3)
    assert contiguous == list(range(contiguous[0], contiguous[0] + 3)) and contiguous[0] > ids[-1]


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown columns"):
        BulkRows(Visit, ["id", "no_such_column"])


def test_the_sealer_seals_many_values_as_seal_does_and_equal_values_once() -> None:
    sealer = personal.Sealer()
    sealed = sealer.many("phone", ["13812345678", "", "13812345678", "0731-8888777"])
    assert sealed[0] is sealed[2] and sealed[1] == ("", "", "")
    for (cipher, digest, masked), value in zip(
        sealed, ["13812345678", "", "13812345678", "0731-8888777"], strict=True
    ):
        expected = personal.seal("phone", value)
        assert (digest, masked) == (expected["_hash"], expected["_masked"])
        assert personal.decrypt(cipher) == personal.decrypt(expected[""])


def test_the_sealer_seals_a_column_as_seal_seals_each_value() -> None:
    values = ["13811112222", "", "１３８ 1111-3333", "13811112222", "0731-8888777", ""]
    sealed = personal.Sealer().many("phone", values)
    for value, (cipher, digest, masked) in zip(values, sealed, strict=True):
        expected = personal.seal("phone", value)
        assert (digest, masked) == (expected["_hash"], expected["_masked"])
        assert personal.decrypt(cipher) == personal.decrypt(expected[""])
    assert sealed[0] == sealed[3]  # an equal value is sealed once
    assert sealed[0][0] != sealed[2][0] and sealed[1] == ("", "", "")


def test_the_sealer_seals_lazily_as_a_copy_asks_for_each_row() -> None:
    """`each` seals a value only when its row is asked for, so a COPY overlaps sealing with
    the server's work; equal values still share one sealing."""
    sealer = personal.Sealer()
    calls: list[str] = []
    seal_one = sealer._seal

    def counted(kind: str, value: str, nonce: bytes) -> tuple[str, str, str]:
        calls.append(value)
        return seal_one(kind, value, nonce)

    sealer._seal = counted  # type: ignore[method-assign]
    rows = sealer.each("phone", ["13812345678", "", "13812345678", "13900000000"])
    assert calls == []
    first = next(rows)
    assert calls == ["13812345678"]
    assert next(rows) == ("", "", "") and next(rows) is first
    assert calls == ["13812345678"]
    assert personal.decrypt(next(rows)[0]) == "13900000000"
    assert calls == ["13812345678", "13900000000"]


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        return cursor.fetchone()[0]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="session_replication_role and FOR KEY SHARE are PostgreSQL's; SQLite checks as usual",
)


@postgresql_only
def test_a_missing_parent_is_refused_before_any_row_is_written(town: Town) -> None:
    gone = Place.objects.order_by("-pk").first().pk + 1000
    with (
        pytest.raises(IntegrityError, match=str(gone)),
        transaction.atomic(),
        checked_references({Place: [town.town.pk, gone]}),
    ):
        pytest.fail("the block must not run")
    assert _role() == "origin"


@postgresql_only
def test_rows_inside_skip_the_row_triggers_and_the_role_is_restored_after(town: Town) -> None:
    with transaction.atomic():
        with checked_references({Place: [town.town.pk, town.group_a1.pk]}) as skipped:
            # The test database's role is a superuser: the per-row triggers are off here.
            assert skipped and _role() == "replica"
        assert _role() == "origin"


@postgresql_only
def test_an_error_inside_leaves_the_role_as_it_was(town: Town) -> None:
    table = BulkRows(Household, ["id", "town_id", "place_id", "place_path", "code", "size"])
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        checked_references({Place: [town.town.pk, town.group_a1.pk]}),
    ):
        pk = table.reserve_ids(1)[0]
        table.write([(pk, town.town.pk, town.group_a1.pk, town.group_a1.path, "X-1", -1)])
    assert _role() == "origin"
    assert not Household.objects.filter(code="X-1").exists()
