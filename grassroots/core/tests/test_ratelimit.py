"""Rate limits hold across processes: the counters live in a shared cache (issue #9).

Two separate processes hit the same limit at the same moment; together they get
no more than the limit. Run on the database cache (SQLite file or PostgreSQL,
whichever the suite runs on) and on Redis when one answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from grassroots.core import clock, ratelimit

REPO = Path(__file__).resolve().parents[3]
LIMIT = 15
TRIES = 20

WORKER = """
import json, os, sys, time
import django
django.setup()
from django.core.management import call_command
from grassroots.core import ratelimit
if os.environ.get("RL_SETUP"):
    call_command("createcachetable", verbosity=0)
    sys.exit(0)
start = float(os.environ["RL_START"])
while time.time() < start:
    time.sleep(0.005)
name, limit, tries = os.environ["RL_NAME"], int(os.environ["RL_LIMIT"]), int(os.environ["RL_TRIES"])
allowed = sum(ratelimit.hit(name, "198.51.100.7", limit=limit, window=3600) for _ in range(tries))
print(json.dumps({"allowed": allowed}))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        PYTHONPATH=str(REPO),
        DJANGO_SETTINGS_MODULE="grassroots.settings",
        GRASSROOTS_TESTING="0",
        GRASSROOTS_DEBUG="0",
        REDIS_URL="",
    )
    env.update(extra)
    return env


def _run_two(env: dict[str, str]) -> int:
    """Two processes hit the same key at once; the number of hits they were allowed in all."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    env = {**env, "RL_NAME": name, "RL_LIMIT": str(LIMIT), "RL_TRIES": str(TRIES)}
    env["RL_START"] = str(time.time() + 3.0)  # both are importing Django by then
    procs = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WORKER], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    return sum(json.loads(out.strip().splitlines()[-1])["allowed"] for out in outputs)


def _database_url(tmp_path: Path) -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    params = connection.settings_dict
    user, host, port = params["USER"], params["HOST"] or "127.0.0.1", params["PORT"] or 5432
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_limit_through_the_database_cache(tmp_path: Path) -> None:
    env = _env(DATABASE_URL=_database_url(tmp_path), GRASSROOTS_VAR_DIR=str(tmp_path))
    if connection.vendor == "sqlite":
        setup = subprocess.run(  # noqa: S603
            [sys.executable, "-c", WORKER], env={**env, "RL_SETUP": "1"}, check=False
        )
        assert setup.returncode == 0
    assert _run_two(env) == LIMIT


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_processes_share_one_limit_through_redis(tmp_path: Path) -> None:
    # A key prefix of its own: the test never clears or flushes the shared Redis.
    env = _env(
        REDIS_URL="redis://127.0.0.1:6379/0",
        GRASSROOTS_CACHE_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
        GRASSROOTS_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    assert _run_two(env) == LIMIT


def test_the_cache_is_shared_between_processes() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in (
        "grassroots.core.cache.AtomicDatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    )


@pytest.mark.django_db
def test_a_window_counts_up_to_its_limit_and_a_new_window_starts_afresh(
    monkeypatch: Any,
) -> None:
    from grassroots.cases.tests.helpers import at

    clock.set_now(at(2026, 9, 28, 10, 0))
    assert [ratelimit.hit("t", "a", limit=2, window=60) for _ in range(3)] == [True, True, False]
    assert ratelimit.used("t", "a", window=60) == 2
    assert ratelimit.hit("t", "b", limit=2, window=60)  # another caller, its own count
    ratelimit.release("t", "a", window=60)
    assert ratelimit.hit("t", "a", limit=2, window=60)
    clock.set_now(at(2026, 9, 28, 10, 1))
    assert ratelimit.hit("t", "a", limit=2, window=60)
    assert ratelimit.used("t", "a", window=60) == 1
