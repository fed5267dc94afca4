"""The load test's parts against Django's live server: users, calls, no error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from grassroots.bench import load
from grassroots.cases.models import Case, Status
from grassroots.core.bench import BenchContext
from grassroots.core.httpload import Call, run_users
from grassroots.grid.models import Visit
from grassroots.testing import Town


@pytest.mark.slow
def test_the_mixed_load_runs_every_kind_without_error(town: Town, live_server: Any) -> None:
    ctx = BenchContext(
        quick=True,
        scale="town",
        households=4,
        base_url=live_server.url,
        options={
            "town": town.town,
            "users": {"root": town.root},
            # One request at a time: the live server's threads share one in-memory SQLite
            # connection (gunicorn's processes, in the bench, do not).
            "load": {
                "users": 5,
                "seconds": 3.0,
                "think_s": (0.01, 0.05),
                "pool": 4,
                "parallel": 1 if connection.vendor == "sqlite" else 0,
            },
        },
    )
    rows = load.mixed_load(ctx)
    result = ctx.options["load_result"]
    assert not result.errors and result.requests > 20
    assert rows[-1].name.startswith("load: 5 users") and "0 errors" in rows[-1].notes
    kinds = {row.name for row in rows}
    assert {"load rep: my households", "load handler: inbox"} <= kinds
    # What the users did landed: visits logged, replies given (one case each at most).
    replied = Case.objects.filter(title=load.LOAD_TITLE, status=Status.REPLIED).count()
    assert replied <= 4 and Visit.objects.filter(notes="负载测试走访").count() == result.counts.get(
        "rep: log a visit", 0
    )
    # A second run tops the handler's cases up again and reuses the users.
    again = load.prepare(ctx, users=5, pool=4)
    assert all(len(cases) == 4 for _token, cases in again.handlers)


def test_an_unexpected_status_or_a_refused_connection_is_an_error(live_server: Any) -> None:
    def user(rng: Any) -> Call:
        return Call("missing", "GET", "/no/such/page/")

    result = run_users(live_server.url, [user], seconds=0.3, think_s=(0.01, 0.02))
    assert result.errors["missing"] == result.requests > 0
    assert result.error_samples[0].endswith("→ 404")
    closed = run_users("http://127.0.0.1:9", [user], seconds=0.2, think_s=(0.01, 0.02))
    assert closed.errors["missing"] == closed.requests and not closed.latencies_s


def test_a_simulated_user_who_cannot_go_on_is_an_error_not_a_silent_stop() -> None:
    def user(rng: Any) -> Call:
        return Call("visit", "POST", f"/api/visits/{rng.choice([])}")  # no household to visit

    result = run_users("http://127.0.0.1:9", [user, user], seconds=0.2, think_s=(0.01, 0.02))
    assert result.errors["client"] == 2
    assert "IndexError" in result.error_samples[0]
