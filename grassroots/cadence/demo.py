"""The demo's work cadence: two published quarterly reviews, this month's arrangements,
the instructors' last monthly summary and today's lapse notices.

Runs after the duties demo (which generated and completed the assignments of the past
two quarters). Everything goes through the cadence runs, exactly once per period, as
the worker would have done on each due day; the historic weekly digests are skipped (the
worker sends this week's at its first tick).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from grassroots.cadence import schedule
from grassroots.cadence.models import Arrangement, QuarterScore
from grassroots.cadence.services import run_job
from grassroots.core import clock
from grassroots.grid.models import Place


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9, 0))


def load_demo_cadence(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """Deterministic (the runs read the duties demo's rows; `seed` is not needed)."""
    today = timezone.localdate(now)
    for period in schedule.previous_quarters(today, 2):
        due = schedule.due_on(schedule.QUARTERLY, period)
        moment = _at(due) if due <= today else now
        with clock.frozen(moment):
            run_job(job_name=schedule.QUARTERLY, town=town, period=period, now=moment)
    with clock.frozen(now):
        for job_name in (schedule.MONTHLY, schedule.SUMMARY, schedule.LAPSE):
            period = schedule.current_period(job_name, today)
            if schedule.due_on(job_name, period) <= today:
                run_job(job_name=job_name, town=town, period=period, now=now)
    return {
        "quarter_scores": QuarterScore.objects.filter(town=town).count(),
        "arrangements": Arrangement.objects.filter(town=town).count(),
    }
