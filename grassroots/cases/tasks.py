"""Huey periodic tasks: the case sweeps run every minute in the worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.cases import sweeps


@db_periodic_task(crontab(minute="*"))
def case_sweeps() -> dict[str, int]:
    # Every sweep is idempotent; overlapping runs claim disjoint rows.
    return sweeps.sweep()
