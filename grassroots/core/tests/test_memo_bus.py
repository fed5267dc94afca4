"""Process memos invalidated across processes through Redis (decision 0025).

Each test gives its memos a bus of their own (a fresh key prefix on the real Redis
at GRASSROOTS_TEST_REDIS_URL, database 14 by default) and never flushes anything.
Skipped with a reason where no Redis answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from grassroots.core import memo

REDIS = os.environ.get("GRASSROOTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS}")


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex}"


def process(prefix: str, name: str = "places") -> tuple[memo.Bus, memo.Memo[int, str]]:
    """One process's state: its own bus (connection, request counter) and its own memo."""
    bus = memo.Bus(REDIS, prefix)
    return bus, memo.Memo(name, ttl=3600, bus=bus)


def test_a_change_in_one_process_is_seen_by_the_other_at_its_next_request(prefix: str) -> None:
    rows = {1: "old name"}
    bus_a, memo_a = process(prefix)
    bus_b, memo_b = process(prefix)
    assert memo_b.get(1, rows.get) == "old name"
    assert memo_a.get(1, rows.get) == "old name"

    rows[1] = "new name"
    bus_b.request_started()
    assert memo_b.get(1, rows.get) == "old name"  # nothing said yet: the hour-long ttl holds

    memo.changed(memo_a)  # outside a transaction: published at once
    assert memo_a.get(1, rows.get) == "new name"  # the saving process, as before
    assert memo_b.get(1, rows.get) == "old name"  # the same request of B: read once per request
    bus_b.request_started()
    assert memo_b.get(1, rows.get) == "new name"


def test_other_memos_are_kept(prefix: str) -> None:
    bus_a = memo.Bus(REDIS, prefix)
    places_a = memo.Memo[int, str]("places", ttl=3600, bus=bus_a)
    bus_b = memo.Bus(REDIS, prefix)
    places_b = memo.Memo[int, str]("places", ttl=3600, bus=bus_b)
    tokens_b = memo.Memo[int, str]("tokens", ttl=3600, bus=bus_b)
    loads: list[int] = []

    def load(key: int) -> str:
        loads.append(key)
        return f"row {key}"

    places_b.get(1, load), tokens_b.get(2, load)
    memo.changed(places_a)
    bus_b.request_started()
    places_b.get(1, load), tokens_b.get(2, load)
    assert loads == [1, 2, 1]  # the places reloaded, the tokens not


@pytest.mark.django_db
def test_a_change_is_published_only_when_its_transaction_commits(
    prefix: str, django_capture_on_commit_callbacks: object
) -> None:
    rows = {1: "old"}
    _bus_a, memo_a = process(prefix)
    bus_b, memo_b = process(prefix)
    memo_b.get(1, rows.get)
    rows[1] = "new"
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        memo.changed(memo_a)
        bus_b.request_started()
        # Not committed yet: B must not reload (it would read the old row and keep it).
        assert memo_b.get(1, rows.get) == "old"
    bus_b.request_started()
    assert memo_b.get(1, rows.get) == "new"


def test_without_redis_a_memo_keeps_its_ttl() -> None:
    bus = memo.Bus("", "unused")
    local = memo.Memo[int, str]("places", ttl=3600, bus=bus)
    rows = {1: "old"}
    local.get(1, rows.get)
    rows[1] = "new"
    memo.changed(memo.Memo[int, str]("places", ttl=3600, bus=memo.Bus("", "unused")))
    bus.request_started()
    assert local.get(1, rows.get) == "old"


def test_an_unreachable_redis_falls_back_to_the_ttl(caplog: pytest.LogCaptureFixture) -> None:
    bus = memo.Bus("redis://127.0.0.1:1/0", "unused")  # nothing listens on port 1
    local = memo.Memo[int, str]("places", ttl=3600, bus=bus)
    assert local.get(1, {1: "row"}.get) == "row"
    memo.changed(local)  # the bump fails quietly
    assert "memo versions unavailable" in caplog.text


def test_a_save_in_another_real_process_clears_this_process_memo(prefix: str) -> None:
    """A second Python process (a node) publishes through the app's own memo, by name."""
    rows = {"roads-lights": "Roads and lights"}
    bus = memo.Bus(REDIS, prefix)
    categories = memo.Memo[str, str]("case categories", ttl=3600, bus=bus)
    assert categories.get("roads-lights", rows.get) == "Roads and lights"
    rows["roads-lights"] = "Roads, lights and bridges"

    script = (
        "import django; django.setup()\n"
        "from grassroots.core import memo\n"
        "from grassroots.cases.selectors import CATEGORIES\n"
        "assert memo.BUS.enabled()\n"
        "memo.changed(CATEGORIES)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "grassroots.settings",
        "GRASSROOTS_MEMO_REDIS_URL": REDIS,
        "GRASSROOTS_CACHE_PREFIX": prefix,
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    done = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    bus.request_started()
    assert categories.get("roads-lights", rows.get) == "Roads, lights and bridges"


@pytest.mark.django_db
def test_a_transaction_bumps_each_memo_once(
    prefix: str, django_capture_on_commit_callbacks: object
) -> None:
    _bus, saved = process(prefix)
    _other_bus, other = process(prefix, name="tokens")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        for _ in range(5):
            memo.changed(saved)
        memo.changed(other)
    assert len(callbacks) == 2
    client = saved.bus.client()
    assert int(client.get(saved.bus.key(saved))) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        memo.changed(saved)
    assert len(callbacks) == 1 and int(client.get(saved.bus.key(saved))) == 2
