"""A real `grassroots worker` killed with SIGKILL in the middle of an intake batch, then restarted.

The queue holds a few hundred filings on a SQLite database of its own; the worker
is killed while its pollers register and announce them; a second worker finishes.
Every filing becomes exactly one case under its own tracking code, each case is
announced once to each dispatcher, and nothing is left in the queue.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grassroots.core.tests.test_serve import environment, grassroots

pytestmark = [pytest.mark.slow, pytest.mark.once]  # its own SQLite file, not the suite's database

FILINGS = 400
QUEUE = f"""
from grassroots.cases import services
from grassroots.testing import build_town
town = build_town()
for n in range({FILINGS}):
    services.case_intake(actor=town.sam, text=f"村口路灯不亮 第{{n}}盏", place=town.group_a1)
"""


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db, timeout=30) as connection:
        return list(connection.execute(sql))


def count(db: Path, sql: str) -> int:
    return int(query(db, sql)[0][0])  # type: ignore[call-overload]


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            grassroots("worker"), env=env, start_new_session=True, stdout=out, stderr=out
        )


def test_a_worker_killed_mid_batch_loses_no_filing_and_registers_none_twice(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    env = environment(tmp_path)
    db = tmp_path / "grassroots.sqlite3"
    subprocess.run(grassroots("migrate", "--noinput", "-v", "0"), env=env, check=True, timeout=300)  # noqa: S603
    subprocess.run(grassroots("shell", "-c", QUEUE), env=env, check=True, timeout=300)  # noqa: S603
    codes = {row[0] for row in query(db, "SELECT code FROM cases_caseintake")}
    assert len(codes) == FILINGS

    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    workers.append(first)
    deadline = time.monotonic() + 120
    while count(db, "SELECT count(*) FROM cases_case") == 0:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    registered_at_kill = count(db, "SELECT count(*) FROM cases_case")
    assert registered_at_kill < FILINGS, "the worker finished before it could be killed"

    workers.append(start_worker(env, log))
    deadline = time.monotonic() + 180
    while (
        count(db, "SELECT count(*) FROM cases_caseintake") > 0
        or count(db, "SELECT count(*) FROM cases_case WHERE announced_at IS NULL") > 0
    ):
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)

    cases = query(db, "SELECT code FROM cases_case")
    assert len(cases) == FILINGS and {c[0] for c in cases} == codes  # none lost, none twice
    # Each case announced once to each of its dispatchers (sam, secretary of village A).
    per_case = query(
        db,
        "SELECT key, count(*), count(DISTINCT recipient_id) FROM notify_notice "
        "WHERE key LIKE 'case:%:submitted' GROUP BY key",
    )
    assert len(per_case) == FILINGS
    assert all(total == distinct >= 1 for _key, total, distinct in per_case), per_case[:5]
