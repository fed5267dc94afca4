"""The tick: each due job of each town, exactly once per period, resumable.

`tick(now=...)` is what the worker calls every 15 minutes. For every town with a
published duty plan and every job whose current period is due on or before today
(`cadence.schedule`), it claims the period's `CadenceRun` (created once: unique per
job, town and period), does the work and marks the run finished. Runs left
unfinished (a worker killed mid-run, a failure) are resumed by a later tick once their
lease has expired, also after the period, so nothing is missed when the worker was
down on the due day.

Crash safety: the work is done in short transactions (a recipient's notice, a
branch's arrangement; the quarter's scores all at once). Every notice carries a key
per recipient and period, and notify records one notice per (recipient, key): a
resumed run sends only what the killed one had not sent yet. An exception inside a
run releases its lease at once (the next tick retries it); a killed process leaves the
lease to expire (`LEASE`, shorter than the tick interval).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grassroots.cadence import schedule
from grassroots.cadence.models import CadenceRun
from grassroots.core import audit
from grassroots.core.audit import Action
from grassroots.duties.models import Plan
from grassroots.grid.models import Place
from grassroots.notify.messages import Message
from grassroots.notify.services import notify

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)


class WorkerKilled(BaseException):  # noqa: N818 - it stands for a killed process
    """Raised by the test-only `crash_after` hook: like a SIGKILL, nothing catches it."""


@dataclass
class RunContext:
    """What a job's work function gets: the run, the clock, and the one way to send."""

    run: CadenceRun
    town: Place
    now: dt.datetime
    crash_after: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def send(
        self,
        recipients: Iterable[int],
        message: Message,
        params: dict[str, Any],
        key: str,
        url: str = "",
    ) -> int:
        """Notify each recipient once per key; count what was new."""
        for user_id in recipients:
            sent = notify(recipients=[user_id], message=message, params=params, key=key, url=url)
            self.add("notices", sent)
            if sent and self.crash_after is not None:
                self.crash_after -= 1
                if self.crash_after <= 0:
                    raise WorkerKilled(f"killed after a notice of {self.run}")
        return self.counts.get("notices", 0)


Work = Callable[[RunContext], None]
_WORK: dict[str, Work] = {}


def job(name: str) -> Callable[[Work], Work]:
    """Register the work function of a job (the job modules use it at import)."""

    def wrap(fn: Work) -> Work:
        _WORK[name] = fn
        return fn

    return wrap


def active_towns() -> list[Place]:
    """Towns with a published duty plan (the cadence runs only where there is a plan)."""
    town_ids = Plan.objects.filter(status=Plan.Status.PUBLISHED).values("town_id")
    return list(Place.objects.filter(pk__in=town_ids).order_by("pk"))


def _claim(job_name: str, town: Place, period: str, now: dt.datetime) -> CadenceRun | None:
    """Create the run or take over an unfinished one whose lease expired; None if held."""
    if CadenceRun.objects.filter(
        job=job_name, town=town, period=period, finished_at__isnull=False
    ).exists():
        return None
    run, created = CadenceRun.objects.get_or_create(
        job=job_name,
        town=town,
        period=period,
        defaults={
            "due_on": schedule.due_on(job_name, period),
            "started_at": now,
            "lease_until": now + LEASE,
        },
    )
    if created:
        return run
    taken = (
        CadenceRun.objects.filter(pk=run.pk, finished_at__isnull=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + LEASE, attempts=run.attempts + 1)
    )
    if not taken:
        return None
    run.refresh_from_db()
    return run


@transaction.atomic
def _finish(context: RunContext) -> None:
    """Mark the run finished once (a slow worker whose lease was taken over finishes nothing)."""
    run = context.run
    counts = {**run.counts, **context.counts}
    finished = CadenceRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
        finished_at=context.now, lease_until=None, counts=counts
    )
    if not finished:
        return
    run.refresh_from_db()
    audit.record(
        actor=None,
        action=Action.CADENCE_RUN_FINISHED,
        obj=run,
        data={"job": run.job, "period": run.period, "counts": counts},
    )


def _candidates(towns: list[Place], today: dt.date) -> list[tuple[str, Place, str]]:
    """(job, town, period): each job's current period when due, then unfinished runs."""
    found: dict[tuple[str, int, str], tuple[str, Place, str]] = {}
    for town in towns:
        for name in schedule.JOBS:
            period = schedule.current_period(name, today)
            if schedule.due_on(name, period) <= today:
                found[(name, town.pk, period)] = (name, town, period)
    by_pk = {t.pk: t for t in towns}
    open_runs = CadenceRun.objects.filter(finished_at__isnull=True, town_id__in=list(by_pk))
    for name, town_id, period in open_runs.values_list("job", "town_id", "period"):
        found.setdefault((name, town_id, period), (name, by_pk[town_id], period))
    return list(found.values())


def run_job(*, job_name: str, town: Place, period: str, now: dt.datetime) -> dict[str, int]:
    """Run one job for one period now (the demo's history; a tool for an operator).

    The same exactly-once rules as `tick`: a finished run is not run again.
    """
    run = _claim(job_name, town, period, now)
    if run is None:
        return {}
    context = RunContext(run=run, town=town, now=now)
    try:
        _WORK[job_name](context)
    except Exception:
        CadenceRun.objects.filter(pk=run.pk).update(lease_until=None)
        raise
    _finish(context)
    return context.counts


def tick(
    *,
    now: dt.datetime,
    towns: list[Place] | None = None,
    crash_after: int | None = None,
) -> dict[str, int]:
    """Run every due job of every town once per period; return what was done.

    `crash_after` is a test-only hook: the run raises `WorkerKilled` after that many
    new notices, as a killed worker would stop.
    """
    towns = active_towns() if towns is None else towns
    totals: dict[str, int] = {"runs": 0, "failed": 0, "notices": 0}
    for name, town, period in _candidates(towns, timezone.localdate(now)):
        run = _claim(name, town, period, now)
        if run is None:
            continue
        context = RunContext(run=run, town=town, now=now, crash_after=crash_after)
        try:
            _WORK[name](context)
        except Exception:
            log.exception("cadence run %s failed; the next tick retries it", run)
            CadenceRun.objects.filter(pk=run.pk).update(lease_until=None)
            totals["failed"] += 1
            continue
        finally:
            totals["notices"] += context.counts.get("notices", 0)
        _finish(context)
        totals["runs"] += 1
        totals[name] = totals.get(name, 0) + 1
    return totals
