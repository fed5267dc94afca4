"""The portal's periodic jobs in the worker (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.portal import services


@db_periodic_task(crontab(minute="*/5"))
def publish_due_articles() -> int:
    """Scheduled articles already show when due (the public side checks the time); this tidies
    their status for the staff list."""
    return services.publish_due()


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_visitor_days() -> int:
    return services.visitor_days_prune()
