"""The worker's side of reports: a queued generation, and the schedule (daily at 03:10).

The schedule runs after the nightly roll-up (analytics.tasks, 02:30) so a town's monthly
report reads figures rebuilt that night.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.reports import services


@db_task()
def generate_task(kind: str, period: str, place_id: int, actor_id: int | None) -> str:
    from django.contrib.auth import get_user_model

    place = unscoped(Place, why=Unscoped.SYSTEM).get(pk=place_id)
    actor = None
    if actor_id is not None:
        actor = get_user_model()._default_manager.filter(pk=actor_id, is_active=True).first()
    try:
        report = services.generate(actor=actor, kind=kind, period=period, place=place)
    except Exception as exc:
        services.mark_failed(actor=actor, kind=kind, period=period, place=place, error=repr(exc))
        raise
    return report.status


@db_periodic_task(crontab(minute="10", hour="3"))
def scheduled_reports() -> int:
    return len(services.scheduled(today=clock.today()))
