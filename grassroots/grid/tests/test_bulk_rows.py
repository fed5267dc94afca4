"""core.rows.BulkRows and core.personal.Sealer: the one bulk writer and the batch sealer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from grassroots.core import personal
from grassroots.core.rows import BulkRows
from grassroots.grid.models import Visit
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
