"""Huey periodic task: the rectification warning sweep runs hourly in the worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.rectify import sweeps


@db_periodic_task(crontab(minute="7"))
def rectify_sweeps() -> dict[str, int]:
    # Idempotent: each level is claimed once per item and deadline.
    return sweeps.sweep()
