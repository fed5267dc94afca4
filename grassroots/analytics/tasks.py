"""The worker's part: recompute what changed (after each commit) and everything nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

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


def figures_stale(*, place_path: str = "", org_path: str = "") -> None:
    """Subscriber of Event.FIGURES_STALE (after the commit): mark the node, wake the worker.

    Many changes enqueue many tasks; the first recomputes every marked town, the others find
    nothing left to do.
    """
    if services.mark_stale(place_path=place_path, org_path=org_path):
        refresh_stale()


def visit_stale(*, household: Any, visited_at: dt.datetime) -> None:
    """A visit moves the month rows too (PlaceFigures already moved in the transaction)."""
    figures_stale(place_path=household.place_path)
