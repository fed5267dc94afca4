"""Kinds of branch records that can complete a duty item by themselves (issue #11).

A lower app (organisational life, guidance visits, rectification, later trainings and
site projects) registers each kind of record it keeps from its `AppConfig.ready()`;
the duties app, above them, lists the kinds on the item form and completes an item
when such a record exists for the branch in the item's period. Two paths, one rule:

- when a record is made, the app emits `Event.BRANCH_RECORD` (see `core.events`) with
  `kind`, `organization_id`, `on` (the record's date) and `record_id`;
- when a period's assignments are generated after records already exist, duties asks
  the kind's `find(org_ids, start, end)` for them.

`core` only holds the registry, so that neither side imports the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

# org_ids, first day, last day (inclusive) → {organization_id: (record_id, record date)},
# the earliest record of the kind per branch in that window.
Finder = Callable[[Sequence[int], dt.date, dt.date], dict[int, tuple[int, dt.date]]]


@dataclass(frozen=True)
class RecordKind:
    key: str  # "<app>.<what>[.<variant>]", e.g. "orglife.meeting.party_day"
    label: Any  # a lazily translated name, shown on the item form and the assignment
    url_name: str  # reversed with the record's id: the link from a completed item
    find: Finder

    def url(self, record_id: int) -> str:
        return reverse(self.url_name, args=[record_id])


_kinds: dict[str, RecordKind] = {}


def register(*kinds: RecordKind) -> None:
    """Add kinds (idempotent: `ready()` may run more than once)."""
    for kind in kinds:
        _kinds[kind.key] = kind


def get(key: str) -> RecordKind | None:
    return _kinds.get(key)


def kinds() -> list[RecordKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def choices() -> list[tuple[str, Any]]:
    return [(k.key, k.label) for k in kinds()]


def earliest(
    rows: QuerySet, *, org: str, date: str, record: str = "pk"
) -> dict[int, tuple[int, dt.date]]:
    """The body of a finder whose records carry a date: per organisation, the earliest
    (record id, date) of `rows` (already filtered to the organisations and the window),
    in one query."""
    found: dict[int, tuple[int, dt.date]] = {}
    for org_id, pk, on in rows.order_by(org, date, record).values_list(org, record, date):
        found.setdefault(org_id, (pk, on))
    return found
