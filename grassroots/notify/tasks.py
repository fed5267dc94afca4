"""Huey tasks: deliver right after commit, and retry what is due every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from grassroots.notify import delivery


@db_task()
def deliver_task(delivery_ids: list[int]) -> list[str]:
    return [delivery.attempt_delivery(pk) for pk in delivery_ids]


@db_periodic_task(crontab(minute="*"))
def retry_due_deliveries() -> int:
    return delivery.deliver_due()
