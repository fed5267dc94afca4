"""The worker's jobs of core: sealing the audit log's new rows into its chain (decision 0015)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from grassroots.core import auditchain


@db_periodic_task(crontab(minute="*"))
def seal_audit_log() -> int:
    """Every minute: a row stays unsealed ("pending" in verify) about a minute at most."""
    return auditchain.seal()
