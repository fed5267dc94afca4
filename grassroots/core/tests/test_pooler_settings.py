"""`DATABASE_POOLER=pgbouncer` (decision 0025): nothing outlives a transaction.

The pages through a real PgBouncer in transaction mode are in
`bench/tests/test_two_nodes.py`; here the settings and `core.pgfast` on their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings

from grassroots.core import pgfast

SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; "
    "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS', False), "
    "d.get('OPTIONS', {}).get('prepare_threshold', 'unset'), settings.DATABASE_POOLER]))"
)


def settings_with(**env: str) -> list[object]:
    done = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-c", SHOW],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "grassroots.settings",
            "DATABASE_URL": "postgres://grassroots@127.0.0.1:6432/grassroots",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_pgbouncer_turns_off_server_side_cursors_and_preparing() -> None:
    assert settings_with(DATABASE_POOLER="pgbouncer") == [True, None, "pgbouncer"]
    assert settings_with(DATABASE_POOLER="") == [False, "unset", ""]


def test_an_unknown_pooler_is_refused() -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        settings_with(DATABASE_POOLER="pgpool")
    assert "DATABASE_POOLER must be 'pgbouncer'" in failed.value.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="core.pgfast is PostgreSQL's")
def test_the_fast_path_cursor_prepares_nothing_behind_pgbouncer() -> None:
    connection.ensure_connection()
    pg = connection.connection
    pg.prepare_threshold = None
    with override_settings(DATABASE_POOLER="pgbouncer"), pgfast.prepared_cursor() as cursor:
        for _ in range(4):
            cursor.execute("SELECT %s::int", [1])
    assert pg.prepare_threshold is None
    with pgfast.prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int", [1])
    assert pg.prepare_threshold == pgfast.PREPARE_AFTER
