"""A periodic task runs once per minute however many workers' schedulers enqueue it
(core.periodic, decision 0025), on the real shared cache (the database cache here)."""

from __future__ import annotations

import logging
import time

import pytest
from huey.api import Task
from huey.exceptions import CancelExecution

from grassroots.cases.tasks import case_sweeps
from grassroots.core import periodic

pytestmark = pytest.mark.django_db

MINUTE = 29_400_000 * 60.0  # some minute in 2025


def test_the_second_worker_of_a_minute_skips_its_copy_and_the_next_minute_runs() -> None:
    first_worker, second_worker = case_sweeps.task_class(), case_sweeps.task_class()
    assert periodic.claim(first_worker, now=MINUTE + 1)
    assert not periodic.claim(second_worker, now=MINUTE + 40)
    assert periodic.claim(second_worker, now=MINUTE + 61)  # the next minute is its own


def test_the_hook_cancels_only_a_periodic_copy_already_claimed() -> None:
    periodic.before_execute(case_sweeps.task_class(), now=MINUTE + 5)  # the first copy runs
    with pytest.raises(CancelExecution):
        periodic.before_execute(case_sweeps.task_class(), now=MINUTE + 6)
    periodic.before_execute(Task(), now=MINUTE + 7)  # a queued task is never claimed


def test_the_consumer_has_the_hook_but_immediate_mode_does_not() -> None:
    from huey.contrib.djhuey import HUEY

    assert HUEY.immediate  # tests run tasks inline: their periodic tasks run every time
    assert "grassroots.periodic.once" not in HUEY._pre_execute


def test_a_skipped_copy_is_not_a_warning_but_other_cancellations_are(caplog) -> None:
    from django.core.cache import cache
    from huey import MemoryHuey, crontab

    huey = MemoryHuey(immediate=False)
    huey.pre_execute(name=periodic.HOOK)(periodic.before_execute)

    @huey.periodic_task(crontab(), name="bench_only_tick")
    def tick() -> None:
        pass

    @huey.pre_execute(name="some_other_hook")
    def other(task) -> None:
        if task.name == "refused":
            raise CancelExecution(retry=False)

    @huey.task(name="refused")
    def refused() -> None:
        pass

    # Another worker holds this minute and the next: the copy here is skipped.
    minute = int(time.time() // 60)
    for m in (minute, minute + 1):
        cache.add(periodic.claim_key("bench_only_tick", m), 1, timeout=60)
    periodic.quiet_skips()
    with caplog.at_level(logging.DEBUG):
        huey.execute(tick.s())
        huey.execute(refused.s())
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not any("bench_only_tick" in w for w in warnings), warnings
    assert any("refused" in w and "some_other_hook" in w for w in warnings), warnings
    assert any("already runs this minute" in r.getMessage() for r in caplog.records)
