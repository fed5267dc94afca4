"""A periodic task runs once per minute however many workers' schedulers enqueue it
(core.periodic, decision 0025), on the real shared cache (the database cache here)."""

from __future__ import annotations

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
