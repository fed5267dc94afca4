"""`core.events.collect_after_commit`: one callback per transaction and key, after the commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from grassroots.core.events import collect_after_commit

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks


def test_a_transaction_hands_everything_it_collected_to_one_call_after_its_commit() -> None:
    calls: list[set[Any]] = []
    with transaction.atomic():
        for n in range(1000):
            collect_after_commit("k", n % 3, calls.append)
        with transaction.atomic():  # a savepoint of the same transaction
            collect_after_commit("k", "inner", calls.append)
        collect_after_commit("other", "x", calls.append)
        assert calls == []  # nothing before the commit
    assert calls == [{0, 1, 2, "inner"}, {"x"}]


def test_nothing_runs_for_a_rolled_back_transaction_and_the_next_one_starts_afresh() -> None:
    calls: list[set[Any]] = []
    with pytest.raises(RuntimeError), transaction.atomic():
        collect_after_commit("k", "lost", calls.append)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        collect_after_commit("k", "kept", calls.append)
    assert calls == [{"kept"}]


def test_outside_a_transaction_it_runs_at_once() -> None:
    calls: list[set[Any]] = []
    collect_after_commit("k", "now", calls.append)
    collect_after_commit("k", "again", calls.append)
    assert calls == [{"now"}, {"again"}]
