"""Nightly rebuild: the 30/90-day figures age even when nothing is written."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.analytics import services


@db_periodic_task(crontab(minute="30", hour="2"))
def nightly_rollup() -> None:
    services.rebuild(actor=None)
