"""The worker's jobs of core: the daily backup with rotation (decision 0017), at
GRASSROOTS_BACKUP_HOUR town time, and sealing the audit log's new rows into its chain
(decision 0015)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.core import auditchain, backup

HOUR, MINUTE = backup.worker_clock(*backup.daily_time(settings.BACKUP_HOUR))


@db_periodic_task(crontab(minute=str(MINUTE), hour=str(HOUR)))
def daily_backup() -> dict[str, object]:
    path, removed = backup.scheduled()
    return {"archive": path.name, "removed": [p.name for p in removed]}


@db_periodic_task(crontab(minute="*"))
def seal_audit_log() -> int:
    """Every minute: a row stays unsealed ("pending" in verify) about a minute at most."""
    return auditchain.seal()
