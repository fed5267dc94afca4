"""A town's recompute and the deltas of visits and new households, on two connections.

The recompute stages its sums without locks and locks its ancestors' rows only for the writes
(decision 0027): a delta anywhere in the province never waits for a staging, and a delta the
recompute overwrites is counted again by the next cycle.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from grassroots.analytics import services, totals
from grassroots.analytics.models import PLACE_COUNTERS, PlaceFigures, StaleSubtree
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.testing import Town

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two connections racing need PostgreSQL (SQLite's test database serialises them)",
    ),
]
WAIT = 30  # seconds; a step that takes longer has deadlocked


def _in_thread(work: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_delta_does_not_wait_for_a_recompute_that_is_staging_and_is_not_lost(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.rebuild()
    staged, go = threading.Event(), threading.Event()
    real = totals._stage_leaves

    def staging_then_pause(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread() and not staged.is_set():
            staged.set()  # the first table's sums are staged; the recompute holds no row lock
            assert go.wait(WAIT)

    monkeypatch.setattr(totals, "_stage_leaves", staging_then_pause)
    thread, errors = _in_thread(lambda: services.refresh_subtree(place_path=town.town.path))
    assert staged.wait(WAIT), errors
    with transaction.atomic():
        with connection.cursor() as cursor:  # waiting on a row lock would fail, not hang
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        # The delta moves the town's and its ancestors' rows, which the old recompute held
        # locked from before its staging to its commit.
        grid.household_create(actor=town.alice, group=town.group_a1, code="A-009", head_name="韩")
        go.set()  # the recompute now writes what it staged, once this transaction commits
    # The commit marked the town stale and ran the next cycle (the task is immediate in
    # tests), after the paused recompute's own commit: the household is counted.
    thread.join(WAIT)
    assert not thread.is_alive() and not errors, errors
    assert not StaleSubtree.objects.exists()
    assert PlaceFigures.objects.get(path=town.town.path).households == 5
    for place in Place.objects.all():
        row = PlaceFigures.objects.get(path=place.path)
        assert {c: getattr(row, c) for c in PLACE_COUNTERS} == services.count_place(place.path)


def test_two_recomputes_of_one_town_run_one_after_the_other(town: Town) -> None:
    """The second waits for the first's advisory lock before it stages: it stages fresher
    data and writes last, never the other way round."""
    services.rebuild()
    with transaction.atomic():
        services.refresh_subtree(place_path=town.town.path)
        thread, errors = _in_thread(lambda: services.refresh_subtree(place_path=town.town.path))
        thread.join(1)
        assert thread.is_alive()  # queued behind this transaction's recompute, before staging
        with connection.cursor() as cursor:
            cursor.execute("SELECT locktype FROM pg_locks WHERE NOT granted")
            assert [row[0] for row in cursor.fetchall()] == ["advisory"]
    thread.join(WAIT)
    assert not thread.is_alive() and not errors, errors
