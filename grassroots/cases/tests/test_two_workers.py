"""Two workers running the same sweeps at the same moment (issue #15, decision 0025).

Several nodes each run `grassroots worker`; their pollers and periodic tasks overlap.
Here two threads — two connections to PostgreSQL, like two workers — read the same
due rows and then race to claim them: every case is warned once, escalated once,
told once that its handler is late, and every queued filing becomes one case.
PostgreSQL only: SQLite's test database is one shared in-memory file that serialises
whole transactions, so nothing could overlap.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, CaseEvent, CaseIntake
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.notify.models import Notice
from grassroots.testing import Town

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two connections racing need PostgreSQL (SQLite's test database serialises them)",
    ),
]
CASES = 12


def both(work: Callable[[], Any]) -> list[Any]:
    """Run `work` in two threads at once (each with its own connection); their results."""
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def together(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make both workers read the due rows before either claims one (the worst case)."""
    barrier = threading.Barrier(2, timeout=30)
    original = getattr(sweeps, name)

    def read_then_wait(now: dt.datetime) -> Any:
        rows = original(now)
        barrier.wait()
        return rows

    monkeypatch.setattr(sweeps, name, read_then_wait)


def test_two_workers_warn_escalate_and_chase_each_case_once(
    town: Town, hank: Any, monday: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = []
    for n in range(CASES):
        case = file_case(town, text=f"村口道路破损严重，有很多坑 {n}")
        services.case_accept(actor=town.sam, case=case)
        services.case_assign(actor=town.sam, case=case, handler=hank)
        cases.append(case)
    late = at(2026, 9, 30, 12, 0)  # assigned on Monday, not taken within a working day
    clock.set_now(late)
    together(monkeypatch, "due_for_handler")
    counts = both(lambda: sweeps.sweep_handler_late(late))
    assert sum(counts) == CASES and all(counts), counts  # both worked, no case twice

    for case in cases:
        services.case_take(actor=hank, case=case)
    due = Case.objects.get(pk=cases[0].pk).warn_at
    assert due is not None
    clock.set_now(due)
    together(monkeypatch, "due_for_warning")
    warned = both(lambda: sweeps.sweep_warnings(due))
    over = at(2026, 10, 31)
    clock.set_now(over)
    together(monkeypatch, "due_for_escalation")
    escalated = both(lambda: sweeps.sweep_escalations(over))

    assert sum(warned) == CASES and sum(escalated) == CASES, (warned, escalated)
    for case in cases:
        kinds = list(
            CaseEvent.objects.filter(case=case, kind__in=["handler_late", "warn", "escalate"])
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        assert kinds == ["handler_late", "warn", "escalate"], (case.pk, kinds)
        assert Notice.objects.filter(key=f"case:{case.pk}:warn", recipient=hank).count() == 1


def test_two_workers_register_each_queued_filing_once(town: Town) -> None:
    for n in range(60):
        services.case_intake(actor=town.sam, text=f"村口路灯不亮 第{n}盏", place=town.group_a1)
    codes = set(CaseIntake.objects.values_list("code", flat=True))
    barrier = threading.Barrier(2, timeout=30)

    def drain() -> int:
        barrier.wait()
        taken = 0
        while step := services.intake_process(limit=5):
            taken += step
        return taken

    taken = both(drain)
    assert sum(taken) == len(codes) == 60, taken
    assert not CaseIntake.objects.exists()
    registered = list(Case.objects.filter(code__in=codes).values_list("code", flat=True))
    assert sorted(registered) == sorted(codes)  # each once
