"""A real `grassroots cadence tick` killed with SIGKILL in the middle of the weekly digest,
then a later tick: every secretary has exactly one digest and the run is finished.

Its own SQLite database (the subprocesses share nothing with the test's transaction).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from grassroots.core.tests.test_serve import environment, grassroots

pytestmark = [pytest.mark.slow, pytest.mark.once]  # its own SQLite file, not the suite's database

BRANCHES = 400
SETUP = f"""
import datetime as dt
from grassroots.accounts.models import RoleAssignment, User
from grassroots.cadence.tests.helpers import assignment, plan
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import build_town
town = build_town()
p = plan(town)
for n in range({BRANCHES}):
    branch = party.organization_create(
        actor=town.root, parent=town.committee, kind=Organization.Kind.BRANCH,
        name=f"第{{n}}党支部", place=town.town,
    )
    user = User.objects.create(username=f"sec{{n}}")
    RoleAssignment.objects.create(user=user, role="secretary", organization=branch)
    assignment(
        p, branch, cadence="weekly", period_start=dt.date(2026, 9, 28),
        period_end=dt.date(2026, 10, 4), due_on=dt.date(2026, 10, 2),
    )
"""
SENT = "SELECT count(*) FROM notify_notice WHERE key = 'cadence:digest:2026-W40'"
DISTINCT = (
    "SELECT count(DISTINCT recipient_id) FROM notify_notice WHERE key = 'cadence:digest:2026-W40'"
)


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as connection:
        return int(next(iter(connection.execute(sql)))[0])


def test_a_tick_killed_mid_digest_sends_nothing_twice_and_misses_nothing(tmp_path: Path) -> None:
    env = environment(tmp_path)
    db = tmp_path / "grassroots.sqlite3"
    subprocess.run(grassroots("migrate", "--noinput", "-v", "0"), env=env, check=True, timeout=300)  # noqa: S603
    subprocess.run(grassroots("shell", "-c", SETUP), env=env, check=True, timeout=300)  # noqa: S603
    sent = SENT
    log = (tmp_path / "tick.log").open("ab")
    first = subprocess.Popen(  # noqa: S603
        grassroots("cadence", "tick", "--now", "2026-09-28T09:00:00"),
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 120
        while count(db, sent) < 5:
            assert first.poll() is None, "the tick ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    at_kill = count(db, sent)
    assert 0 < at_kill < BRANCHES, at_kill
    unfinished = (
        "SELECT count(*) FROM cadence_cadencerun "
        "WHERE job = 'weekly_digest' AND finished_at IS NULL"
    )
    assert count(db, unfinished) == 1
    # A tick within the killed one's lease leaves the run alone; one after it resumes it.
    for moment in ("2026-09-28T09:05:00", "2026-09-28T09:15:00"):
        subprocess.run(  # noqa: S603
            grassroots("cadence", "tick", "--now", moment), env=env, check=True, timeout=300
        )
    assert count(db, unfinished) == 0
    assert count(db, sent) == BRANCHES  # every secretary once
    assert count(db, DISTINCT) == BRANCHES
