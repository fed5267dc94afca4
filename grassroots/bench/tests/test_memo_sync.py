"""The benchmark of the memos' shared versions runs against a real Redis (skipped without)."""

from __future__ import annotations

import pytest

from grassroots.bench import nodes
from grassroots.core.bench import BenchContext

REDIS = "redis://127.0.0.1:6379/14"


@pytest.mark.skipif(not nodes.redis_answers(REDIS), reason=f"no Redis answers at {REDIS}")
def test_memo_sync_reads_the_versions_once_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nodes.REDIS_ENV, REDIS)
    rows = nodes.memo_sync(BenchContext(quick=True, scale="town", households=0))
    assert len(rows) == 1 and len(rows[0].samples_s) == 200
    assert "one MGET" in rows[0].name


def test_without_redis_it_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nodes.REDIS_ENV, "redis://127.0.0.1:1/0")
    assert nodes.memo_sync(BenchContext(quick=True, scale="town", households=0)) == []
