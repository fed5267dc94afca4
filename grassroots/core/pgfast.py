"""PostgreSQL helpers for a hot request that is one statement (decision 0011).

`prepared_cursor` is a cursor of the default connection that binds its parameters on
the server, so psycopg prepares a statement once it has run `PREPARE_AFTER` times on a
connection, and PostgreSQL stops parsing and planning it on every call. Django's own
cursors bind on the client (`server_side_binding` is off, the default) and never
prepare; Django also turns psycopg's preparing off (`prepare_threshold` None, for
connection poolers), so the first use sets the connection's threshold — which only
server-binding cursors, that is these, consult. It goes through Django's cursor wrapper
(errors mapped, queries logged when DEBUG or a test captures them). Not for a database
behind a transaction-mode pooler (pgbouncer), where a prepared statement does not follow
the session: with `DATABASE_POOLER=pgbouncer` it binds on the server but never prepares.

`health_check_without_round_trip` does Django's connection health check
(`CONN_HEALTH_CHECKS`: a `SELECT 1` before a request's first query, so a connection a
database restart broke is replaced, not used) without the round trip when it can: an
idle connection the server has not written to is as good as the `SELECT 1` says. A
server that terminates a connection (a restart, an administrator, an idle timeout)
writes its error and closes the socket, which makes the socket readable; then, or when
psycopg already knows the connection is closed or broken, Django's check runs as usual.
"""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection as default_connection

PREPARE_AFTER = 2
# The PostgreSQL wrapper's own attributes (health checks, cursor factories) are not in
# the stubs' `BaseDatabaseWrapper`: seen as Any.
connection: Any = default_connection


def health_check_without_round_trip() -> None:
    """Mark Django's health check done if the open connection is idle and unread."""
    from psycopg.pq import TransactionStatus

    pg = connection.connection
    if pg is None or connection.health_check_done or not connection.health_check_enabled:
        return
    if connection.in_atomic_block or pg.closed or pg.broken:
        return
    try:
        readable, _, _ = select.select([pg.fileno()], [], [], 0)
    except (OSError, ValueError):
        return
    if not readable and pg.info.transaction_status == TransactionStatus.IDLE:
        connection.health_check_done = True


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A Django cursor wrapper over a server-binding psycopg cursor (PostgreSQL only)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    health_check_without_round_trip()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    pg = connection.connection
    # nodes (decision 0025): behind PgBouncer in transaction mode nothing is prepared.
    if pg.prepare_threshold is None and settings.DATABASE_POOLER != "pgbouncer":
        pg.prepare_threshold = PREPARE_AFTER
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(pg)  # type: ignore[call-arg]  # psycopg cursor over pg
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        yield cursor
