"""The worker's daily backup with rotation (issue #14), at GRASSROOTS_BACKUP_HOUR town time."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.core import backup

HOUR, MINUTE = backup.worker_clock(*backup.daily_time(settings.BACKUP_HOUR))


@db_periodic_task(crontab(minute=str(MINUTE), hour=str(HOUR)))
def daily_backup() -> dict[str, object]:
    path, removed = backup.scheduled()
    return {"archive": path.name, "removed": [p.name for p in removed]}
