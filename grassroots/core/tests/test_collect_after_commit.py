"""`core.events.collect_after_commit`: one callback per transaction and key, after the commit.

The test's own transaction stands for the change's; `django_capture_on_commit_callbacks`
runs what was registered as its commit would.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from grassroots.core.events import collect_after_commit


@pytest.mark.django_db
def test_a_transaction_hands_everything_it_collected_to_one_call_after_its_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    calls: list[set[Any]] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(1000):
            collect_after_commit("k", n % 3, calls.append)
        with transaction.atomic():  # a savepoint of the same transaction
            collect_after_commit("k", "inner", calls.append)
        collect_after_commit("other", "x", calls.append)
        assert calls == []  # nothing before the commit
    assert len(callbacks) == 2
    assert calls == [{0, 1, 2, "inner"}, {"x"}]
    # A collection whose callback has run is not added to: the next change starts afresh.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        collect_after_commit("k", "next", calls.append)
    assert len(callbacks) == 1 and calls[-1] == {"next"}


@pytest.mark.django_db
def test_nothing_runs_for_a_rolled_back_change_and_the_next_one_starts_afresh(
    django_capture_on_commit_callbacks: Any,
) -> None:
    calls: list[set[Any]] = []
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            collect_after_commit("k", "lost", calls.append)
            raise RuntimeError("rolled back")
        collect_after_commit("k", "kept", calls.append)
    assert calls == [{"kept"}]


def test_outside_a_transaction_it_runs_at_once_without_a_database() -> None:
    calls: list[set[Any]] = []
    collect_after_commit("k", "now", calls.append)
    collect_after_commit("k", "again", calls.append)
    assert calls == [{"now"}, {"again"}]
    failing: list[str] = []

    def fails(_items: set[Any]) -> None:
        failing.append("ran")
        raise ValueError("logged, not raised")

    collect_after_commit("k", "x", fails, robust=True)
    assert failing == ["ran"]
    with pytest.raises(ValueError):
        collect_after_commit("k", "x", fails)
