"""Domain events: how a lower app tells the apps above it that something changed.

`core` and the domain apps form layers (core ← grid ← party ← accounts ← notify ← cases ←
open311 / analytics / exchange ← demo / bench / home; the gate is core/tests/test_layers.py).
A lower app never imports a higher one; when it changes something a higher app keeps
figures or notices about (a household added, a visit logged, a case closed), it calls
`emit(Event.X, **payload)` and the higher app subscribes from its `AppConfig.ready()`.

Two phases, chosen by the subscriber:

- `Phase.IN_TRANSACTION` runs at once, inside the emitter's transaction. Use it for derived
  rows that must commit or roll back together with the change (the prepared figures:
  a crash between the commit and a later callback would leave a figure wrong until the
  next full rebuild).
- `Phase.AFTER_COMMIT` runs through `transaction.on_commit`, once the change is durable
  (notices, deliveries, anything that talks to the world). Nothing runs for a rolled-back
  change.

Payloads are keyword arguments; each event's docstring below says which ones it carries.

`collect_after_commit` gathers what one transaction touched under a key and hands it to one
callback after the commit: a change of thousands of rows makes one call, not thousands
(the figures' stale marks, the memos' version bumps).
"""

from __future__ import annotations

import enum
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from django.db import transaction

Handler = Callable[..., None]
logger = logging.getLogger(__name__)


class Event(enum.StrEnum):
    HOUSEHOLD_ADDED = "grid.household_added"
    """household: Household."""
    HOUSEHOLDS_ADDED = "grid.households_added"
    """households, residents, representatives: lists of rows added in bulk."""
    VISIT_LOGGED = "grid.visit_logged"
    """household: Household, visited_at: datetime."""
    FIGURES_STALE = "core.figures_stale"
    """A change the prepared figures count (analytics): place_path or org_path (str), the
    node it happened at. Cases, duties, inspections, rectify, trainings, sites and cadence
    emit it; analytics recomputes that town's figures after the commit (one worker cycle)."""
    BRANCH_RECORD = "core.branch_record"
    """A record that may complete a duty item (`core.records`): kind: str (a registered
    `RecordKind.key`), organization_id: int (the branch), on: date, record_id: int."""

    # --- accounts (issue #14)
    RESET_CODE_REQUESTED = "accounts.reset_code_requested"
    """A forgotten-password code to send by SMS: sealed_phone (str, `core.personal`
    ciphertext), code (str, six digits), minutes (int, how long it is valid). notify sends it."""
    # --- end accounts


class Phase(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


_subscribers: dict[Event, list[tuple[Phase, Handler]]] = defaultdict(list)


def subscribe(event: Event, handler: Handler, *, phase: Phase = Phase.AFTER_COMMIT) -> None:
    """Register `handler` for `event` (idempotent: `ready()` may run more than once)."""
    entry = (phase, handler)
    if entry not in _subscribers[event]:
        _subscribers[event].append(entry)


def emit(event: Event, /, **payload: Any) -> None:
    for phase, handler in list(_subscribers.get(event, ())):
        if phase is Phase.IN_TRANSACTION:
            handler(**payload)
        else:
            transaction.on_commit(partial(handler, **payload))


def subscribers(event: Event) -> list[tuple[Phase, Handler]]:
    """For tests and the architecture map: who listens to what."""
    return list(_subscribers.get(event, ()))


class _Collected:
    def __init__(self, run: Callable[[set[Any]], None]) -> None:
        self.items: set[Any] = set()
        self.run = run
        self.done = False

    def __call__(self) -> None:
        self.done = True
        self.run(self.items)


def collect_after_commit(
    key: Hashable, item: Hashable, run: Callable[[set[Any]], None], *, robust: bool = False
) -> None:
    """Add `item` to what this transaction collects under `key`; after the commit,
    `run(items)` is called once with all of them. Nothing runs for a rolled-back transaction.

    A collection whose callback has run or was dropped with a rollback is not reused.
    Outside a transaction `run({item})` is called at once. `robust`: an exception in `run`
    is logged, not raised (as `transaction.on_commit(robust=True)`).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # nothing to wait for (and no connection needed)
        try:
            run({item})
        except Exception:
            if not robust:
                raise
            logger.exception("collect_after_commit: %r failed", key)
        return
    pending: dict[Hashable, _Collected] = connection.__dict__.setdefault(
        "_collected_after_commit", {}
    )
    collected = pending.get(key)
    if (
        collected is None
        or collected.done
        or not any(f is collected for _s, f, _r in connection.run_on_commit)
    ):
        collected = pending[key] = _Collected(run)
        transaction.on_commit(collected, robust=robust)
    collected.items.add(item)
