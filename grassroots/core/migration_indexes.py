"""Migrations that drop redundant indexes on big tables in place (issue #15).

Django's own operations for `db_index=False` on a foreign key drop the key's constraint and
add it again, which validates every row, and a renamed index is built again: hours on a
province's tables. `drop_and_rename` does only what the schema needs, instantly: it drops
the indexes a longer index makes redundant and, for a hash column compared only whole,
drops the `varchar_pattern_ops` twin PostgreSQL got from `db_index=True` and renames the
plain index to the name of the model's `Meta.indexes` entry. The migration pairs it with the
state operations (`SeparateDatabaseAndState`). Index names are Django's own, derived from
the table and column as when they were created.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def _name(editor: Any, table: str, column: str, suffix: str = "") -> str:
    return str(editor.quote_name(editor._create_index_name(table, [column], suffix=suffix)))


def drop_and_rename(
    dropped: Sequence[tuple[str, str]],
    renamed: Sequence[tuple[str, str, str]] = (),
) -> migrations.RunPython:
    """`dropped`: (table, column) of single-column indexes to drop; `renamed`: (table,
    hash column, new name). Reversible: backwards creates the indexes again."""

    def forward(apps: Any, editor: Any) -> None:
        q, pg = editor.quote_name, editor.connection.vendor == "postgresql"
        for table, column in dropped:
            editor.execute(f"DROP INDEX IF EXISTS {_name(editor, table, column)}")
        for table, column, new in renamed:
            old = _name(editor, table, column)
            if pg:
                editor.execute(f"DROP INDEX IF EXISTS {_name(editor, table, column, '_like')}")
                editor.execute(f"ALTER INDEX {old} RENAME TO {q(new)}")
            else:  # SQLite cannot rename an index: a development database, built again
                editor.execute(f"DROP INDEX IF EXISTS {old}")
                editor.execute(f"CREATE INDEX {q(new)} ON {q(table)} ({q(column)})")

    def backward(apps: Any, editor: Any) -> None:
        q, pg = editor.quote_name, editor.connection.vendor == "postgresql"
        for table, column in dropped:
            editor.execute(
                f"CREATE INDEX {_name(editor, table, column)} ON {q(table)} ({q(column)})"
            )
        for table, column, new in renamed:
            old = _name(editor, table, column)
            if pg:
                editor.execute(f"ALTER INDEX {q(new)} RENAME TO {old}")
                like = _name(editor, table, column, "_like")
                editor.execute(
                    f"CREATE INDEX {like} ON {q(table)} ({q(column)} varchar_pattern_ops)"
                )
            else:
                editor.execute(f"DROP INDEX IF EXISTS {q(new)}")
                editor.execute(f"CREATE INDEX {old} ON {q(table)} ({q(column)})")

    return migrations.RunPython(forward, backward)
