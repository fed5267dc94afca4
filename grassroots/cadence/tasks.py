"""Huey periodic task: the cadence tick every 15 minutes in the worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.cadence import services
from grassroots.core import clock


@db_periodic_task(crontab(minute="*/15"))
def cadence_tick() -> dict[str, int]:
    # Exactly once per period whatever the number of ticks (cadence.services.runs).
    return services.tick(now=clock.now())
