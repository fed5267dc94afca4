"""The database cache with an atomic `incr`, for counters shared by every process.

Django's `DatabaseCache.incr` reads the value and writes it back in two steps
(and gives it the default timeout anew): two workers incrementing at once both
read 4 and both write 5, so a rate limit leaks. Here the increment first
touches its row in a transaction (an UPDATE that changes nothing), which holds
the row's lock on PostgreSQL and the write lock on SQLite until the new value
is written, so increments of one key run one after the other in every process;
the row keeps its expiry. Redis (`REDIS_URL`) needs none of this: INCR is atomic.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import connections, models, router, transaction
from django.utils import timezone

# The table `settings.CACHES` names; created by core's migration 0003.
TABLE = "grassroots_cache"


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        made = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # Takes the lock; the table name is ours, the key a parameter.
            cursor.execute(f"UPDATE {table} SET expires = expires WHERE cache_key = %s", [made])  # noqa: S608
            cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [made])  # noqa: S608
            row = cursor.fetchone()
            value = self.get(key, version=version)
            if row is None or value is None:
                raise ValueError(f"Key '{key}' not found")
            left = (_expiry(connection, row[0]) - timezone.now()).total_seconds()
            new = value + delta
            self.set(key, new, timeout=max(1, int(left) + 1), version=version)
        return new


def _expiry(connection: Any, raw: Any) -> Any:
    """The stored expiry as an aware datetime (as DatabaseCache reads it)."""
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    ):
        raw = converter(raw, expression, connection)
    return raw


def create_table(database: str, table: str = TABLE) -> None:
    """Create the cache table (what `createcachetable` does), whatever CACHES says today."""
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(database, table, dry_run=False)
