"""Huey periodic tasks: generation of the day's periods and the overdue sweep.

Both are idempotent (generation adds only what is missing; the sweep marks a row once),
so a run at any hour, twice, or after a killed run does no harm.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.core import clock
from grassroots.duties import services


@db_periodic_task(crontab(hour="5", minute="10"))
def duties_daily() -> dict[str, int]:
    """Early every morning (town time): today's assignments, then yesterday's lates."""
    counts = services.generate(on=clock.today())
    counts["overdue"] = services.sweep_overdue()
    return counts
