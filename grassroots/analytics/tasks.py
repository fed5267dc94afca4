"""The worker's part: recompute what changed (after each commit) and everything nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from grassroots.analytics import services
from grassroots.core.events import collect_after_commit


@db_periodic_task(crontab(minute="30", hour="2"))
def nightly_rollup() -> None:
    """The 30/90-day figures age even when nothing is written; also heals any drift."""
    services.rebuild(actor=None)


@db_task()
def refresh_stale() -> None:
    services.refresh_stale()


# What one transaction marked stale: ("place", path), ("org", path) or ("org_id", id).
STALE = "analytics.figures_stale"


def _flush(items: set[tuple[str, Any]]) -> None:
    """After the commit: the transaction's nodes marked in one statement and handed to the
    worker in one task (a demo load or an import marks thousands)."""
    places = {v for kind, v in items if kind == "place"}
    orgs = {v for kind, v in items if kind == "org"}
    org_ids = {v for kind, v in items if kind == "org_id"}
    if org_ids:
        orgs.update(services.org_paths(org_ids))
    if services.mark_stale(place_paths=places, org_paths=orgs):
        refresh_stale()


def figures_stale(*, place_path: str = "", org_path: str = "") -> None:
    """Subscriber of Event.FIGURES_STALE (in the transaction): remember the node; after the
    commit the nodes are marked (`StaleSubtree`) and the worker recomputes their towns.

    Nothing is marked for a rolled-back change; the worker's task finds every mark made
    so far, so tasks enqueued while one runs find little or nothing left to do.
    """
    if place_path:
        collect_after_commit(STALE, ("place", place_path), _flush)
    if org_path:
        collect_after_commit(STALE, ("org", org_path), _flush)


def branch_record(*, organization_id: int, **record: Any) -> None:
    """Subscriber of Event.BRANCH_RECORD: a meeting, a guidance visit, a site stage or a
    branch's first attendance at a session (the check-in fast path's only event) moves the
    branch's figures; its path is looked up once, after the commit."""
    collect_after_commit(STALE, ("org_id", organization_id), _flush)


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
