"""core.pgfast (decision 0011): the health check without a round trip still replaces a
connection the server closed, and the prepared cursor prepares and answers alike."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, connections

from grassroots.core import pgfast

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


@pytest.fixture(autouse=True)
def _health_checks() -> Iterator[None]:
    db = connections["default"]
    before = db.health_check_enabled
    db.health_check_enabled = True
    yield
    db.health_check_enabled = before


def _fresh_request() -> None:
    connection.health_check_done = False  # as at the start of a request


def test_an_idle_open_connection_skips_the_select_1() -> None:
    connection.ensure_connection()
    _fresh_request()
    pgfast.health_check_without_round_trip()
    assert connection.health_check_done


def test_a_connection_the_server_closed_is_replaced() -> None:
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in params.items() if k not in {"cursor_factory", "prepare_threshold"}},
        autocommit=True,
    )
    with other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    _fresh_request()
    pgfast.health_check_without_round_trip()
    assert not connection.health_check_done  # left to Django's check, which replaces it
    with pgfast.prepared_cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_the_prepared_cursor_prepares_a_statement_it_runs_again() -> None:
    sql = "SELECT %s::int + 1"
    for i in range(pgfast.PREPARE_AFTER + 2):
        with pgfast.prepared_cursor() as cursor:
            cursor.execute(sql, [i])
            assert cursor.fetchone()[0] == i + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%::int + 1"]
        )
        assert cursor.fetchone()[0] == 1
