"""The tables that grow with a province carry no index another index already provides:
each one is kept up on every imported or synthesised row (issue #15)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# The tables whose rows number in the millions at province scale.
BIG = [
    "grid_household",
    "grid_resident",
    "grid_visit",
    "grid_representative",
    "grid_representativelink",
    "cases_case",
    "cases_caseevent",
]


@pytest.mark.parametrize("table", BIG)
def test_no_index_is_the_prefix_of_another(table: str) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    indexes = {
        name: c["columns"] for name, c in found.items() if c["index"] and not c["primary_key"]
    }
    redundant = [
        (name, longer)
        for name, columns in indexes.items()
        if not found[name]["unique"]
        for longer, other in indexes.items()
        if len(other) > len(columns) and other[: len(columns)] == columns
    ]
    assert not redundant, f"{table}: indexes covered by a longer one: {redundant}"
    # A hash is compared whole: no pattern-ops twin (PostgreSQL's `_like` index).
    twins = [n for n, cols in indexes.items() if n.endswith("_like") and cols[0].endswith("_hash")]
    assert not twins, f"{table}: {twins}"


def test_the_hash_lookups_keep_their_index() -> None:
    with connection.cursor() as cursor:
        columns = {
            (table, tuple(c["columns"]))
            for table in ("grid_household", "grid_resident", "grid_representative")
            for c in connection.introspection.get_constraints(cursor, table).values()
            if c["index"]
        }
    for needed in (
        ("grid_household", ("phone_hash",)),
        ("grid_representative", ("phone_hash",)),
        ("grid_resident", ("phone_hash",)),
        ("grid_resident", ("id_number_hash",)),
    ):
        assert needed in columns


@pytest.mark.skipif(connection.vendor != "postgresql", reason="opclasses are PostgreSQL's")
@pytest.mark.parametrize(
    "table", [t for t in BIG if t != "grid_representativelink" and t != "cases_caseevent"]
)
def test_a_subtree_is_an_index_range(table: str) -> None:
    """`place_path LIKE 'prefix%'` (the scope, the figures' sources) needs the pattern opclass
    on a leading place_path: the databases' collations (C.UTF-8, zh_CN…) are not "C"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("(place_path varchar_pattern_ops" in d for d in definitions), definitions
