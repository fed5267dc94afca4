"""Two gunicorn nodes and two workers on one PostgreSQL and one Redis (issue #15, decision 0025).

The benchmark `bench.two_nodes` run on the persona town: the mixed load spread over both
nodes with no error, the place picker's rate limit counted across the nodes (the 301st
request is refused, whichever node gets it), a session made on one node used on the
other, a token deleted elsewhere refused at once by a node that remembered it, and the
work the requests queued (filings, a Huey task for the figures) done by the workers.
The second case puts every process behind a PgBouncer in transaction mode.

PostgreSQL only (the nodes are separate processes on the suite's test database; SQLite's
is in memory); skipped where no Redis answers or, for the second, no pgbouncer is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from grassroots.accounts import services as accounts
from grassroots.bench import nodes
from grassroots.bench.runner import BENCH_PASSWORD
from grassroots.cases.models import Case
from grassroots.core.bench import BenchContext
from grassroots.grid.models import Visit
from grassroots.testing import Town

REDIS = nodes.os.environ.get(nodes.REDIS_ENV, "redis://127.0.0.1:6379/14")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the nodes are processes of their own: they need the PostgreSQL test database",
    ),
    pytest.mark.skipif(not nodes.redis_answers(REDIS), reason=f"no Redis answers at {REDIS}"),
]


def has_pgbouncer() -> bool:
    return bool(shutil.which("pgbouncer") or Path("/usr/sbin/pgbouncer").exists())


@pytest.mark.parametrize(
    "pooler",
    [
        "",
        pytest.param(
            "pgbouncer",
            marks=pytest.mark.skipif(
                not has_pgbouncer(), reason="pgbouncer is not installed (apt-get install pgbouncer)"
            ),
        ),
    ],
)
def test_two_nodes_and_two_workers_serve_the_mixed_load_as_one(
    town: Town, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooler: str
) -> None:
    monkeypatch.setenv(nodes.REDIS_ENV, REDIS)
    monkeypatch.setenv("GRASSROOTS_BENCH_POOLER", pooler)
    admin = accounts.user_create(actor=None, username="nodes_admin", password=None)
    # A hash the nodes can check: the suite's fast MD5 hasher is for tests only.
    admin.password = make_password(BENCH_PASSWORD, hasher="pbkdf2_sha256")
    admin.save(update_fields=["password"])
    ctx = BenchContext(
        quick=True,
        scale="town",
        households=4,
        work_dir=tmp_path,
        options={
            "town": town.town,
            "users": {"root": town.root, "admin": admin},
            "nodes_load": {"users": 6, "seconds": 6.0, "think_s": (0.05, 0.2), "pool": 4},
        },
    )
    seen: dict[str, Any] = {}
    real = nodes.exercise

    def keep(*args: Any, **kwargs: Any) -> nodes.Outcome:
        seen["outcome"] = outcome = real(*args, **kwargs)
        return outcome

    monkeypatch.setattr(nodes, "exercise", keep)
    rows = nodes.two_nodes(ctx)  # raises on any problem the outcome lists

    outcome: nodes.Outcome = seen["outcome"]
    assert not outcome.problems()
    assert outcome.load.requests > 20 and not outcome.load.errors
    assert outcome.rate.count(200) == 300 and outcome.rate[300:] == [429, 429]
    assert outcome.token == ([200] * 8, [401] * 8)
    assert rows and rows[-1].name.endswith("all requests") and "0 errors" in rows[-1].notes
    # What the users did landed in the one database, whichever node took it.
    # (+ the one visit on the first node whose figures task a worker ran: `left` is (0, 0))
    assert Visit.objects.filter(notes="负载测试走访").count() == 1 + outcome.load.counts.get(
        "rep: log a visit", 0
    )
    assert outcome.left == (0, 0)
    filed = outcome.load.counts.get("rep: file a case", 0)
    assert Case.objects.filter(text="负载测试：路灯不亮").count() == filed
