"""The worker's part: recompute what changed (after each commit) and everything nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from grassroots.analytics import services


@db_periodic_task(crontab(minute="30", hour="2"))
def nightly_rollup() -> None:
    """The 30/90-day figures age even when nothing is written; also heals any drift."""
    services.rebuild(actor=None)


@db_task()
def refresh_stale() -> None:
    services.refresh_stale()


class _Batch:
    """The nodes one transaction marked stale, written and handed to the worker once after
    its commit (a demo load or an import marks thousands: one flush, one task)."""

    def __init__(self) -> None:
        self.places: set[str] = set()
        self.orgs: set[str] = set()
        self.org_ids: set[int] = set()
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        if self.org_ids:
            self.orgs.update(services.org_paths(self.org_ids))
        if services.mark_stale(place_paths=self.places, org_paths=self.orgs):
            refresh_stale()


def _batch() -> _Batch:
    connection = transaction.get_connection()
    batch: _Batch | None = getattr(connection, "_figures_stale_batch", None)
    # A batch whose flush was dropped (rolled back) or already ran is not reused.
    pending = (
        batch is not None
        and not batch.flushed
        and any(func == batch.flush for _sids, func, _robust in connection.run_on_commit)
    )
    if batch is None or not pending:
        batch = _Batch()
        connection._figures_stale_batch = batch  # type: ignore[attr-defined]
        transaction.on_commit(batch.flush)  # at once outside a transaction
    return batch


def figures_stale(*, place_path: str = "", org_path: str = "") -> None:
    """Subscriber of Event.FIGURES_STALE (in the transaction): remember the node; after the
    commit the nodes are marked (`StaleSubtree`) and the worker recomputes their towns.

    Nothing is marked for a rolled-back change; the worker's task finds every mark made
    so far, so tasks enqueued while one runs find little or nothing left to do.
    """
    batch = _batch()
    if place_path:
        batch.places.add(place_path)
    if org_path:
        batch.orgs.add(org_path)


def branch_record(*, organization_id: int, **record: Any) -> None:
    """Subscriber of Event.BRANCH_RECORD: a meeting, a guidance visit, a site stage or a
    branch's first attendance at a session (the check-in fast path's only event) moves the
    branch's figures; its path is looked up once, after the commit."""
    _batch().org_ids.add(organization_id)


def visit_stale(*, household: Any, visited_at: dt.datetime) -> None:
    """A visit moves the month rows too (PlaceFigures already moved in the transaction).

    The mark also re-counts the visit should a recompute that staged before its commit
    overwrite its delta (services._refresh).
    """
    figures_stale(place_path=household.place_path)


def households_stale(*, household: Any = None, households: Any = (), **_others: Any) -> None:
    """After the commit of a new household (Event.HOUSEHOLD_ADDED) or of an import's
    (HOUSEHOLDS_ADDED, whose residents and representatives are in the same towns): their
    delta moved PlaceFigures in the transaction; the mark re-counts it should a recompute
    that staged before the commit overwrite it (services._refresh). One statement, one task.
    """
    paths = {h.place_path for h in households}
    if household is not None:
        paths.add(household.place_path)
    if services.mark_stale(place_paths=paths):
        refresh_stale()
