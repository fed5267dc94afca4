"""The prepared figures the officer's board reads: one `BranchFigure` per branch and period.

Kept in the same transaction as what changes them: generation refreshes the figures
of the periods it touched (one aggregate over those assignments), every status
change adds its difference (`apply`: the assignment's contribution after minus
before, one UPDATE with F() expressions), the overdue sweep adds its count. `rebuild`
recomputes every figure from the assignments; the tests hold that it gives the same
rows as the increments after any history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from grassroots.core.events import Event, emit
from grassroots.duties.models import Assignment, BranchFigure

Key = tuple[int, str, str]  # organization id, cadence, period
COUNTERS = ("done", "done_on_time", "submitted", "returned", "overdue", "weight_done")
DONE = Assignment.Status.DONE


def on_time(done_at: dt.datetime | None, due_on: dt.date) -> bool:
    return done_at is not None and timezone.localdate(done_at) <= due_on


def contribution(a: Assignment) -> dict[str, int]:
    """What one assignment adds to its figure's counters (total and weight_total aside)."""
    done = a.status == DONE
    return {
        "done": int(done),
        "done_on_time": int(done and on_time(a.done_at, a.due_on)),
        "submitted": int(a.status == Assignment.Status.SUBMITTED),
        "returned": int(a.status == Assignment.Status.RETURNED),
        "overdue": int(a.overdue and not done),
        "weight_done": a.weight if done else 0,
    }


def key_of(a: Assignment) -> Key:
    return (a.organization_id, a.cadence, a.period)


def apply(a: Assignment, before: dict[str, int]) -> None:
    """Add the change of one assignment's contribution (`before` = `contribution` then)."""
    emit(Event.FIGURES_STALE, org_path=a.org_path)
    after = contribution(a)
    delta = {name: after[name] - before[name] for name in COUNTERS if after[name] != before[name]}
    if not delta:
        return
    org_id, cadence, period = key_of(a)
    changed = BranchFigure.objects.filter(
        organization_id=org_id, cadence=cadence, period=period
    ).update(**{name: F(name) + value for name, value in delta.items()})
    if not changed:
        refresh([key_of(a)])


def bump_overdue(counts: dict[Key, int]) -> None:
    """The sweep marked `n` assignments of each figure overdue."""
    for (org_id, cadence, period), n in counts.items():
        BranchFigure.objects.filter(organization_id=org_id, cadence=cadence, period=period).update(
            overdue=F("overdue") + n
        )


def _aggregate(assignments: models.QuerySet) -> models.QuerySet:
    done = Q(status=DONE)
    return (
        assignments.order_by()
        .values("organization_id", "cadence", "period")
        .annotate(
            org_path=models.Min("org_path"),
            town_id=models.Min("town_id"),
            period_start=models.Min("period_start"),
            total=Count("pk"),
            done=Count("pk", filter=done),
            done_on_time=Count("pk", filter=done & Q(done_at__date__lte=F("due_on"))),
            submitted=Count("pk", filter=Q(status=Assignment.Status.SUBMITTED)),
            returned=Count("pk", filter=Q(status=Assignment.Status.RETURNED)),
            overdue=Count("pk", filter=Q(overdue=True) & ~done),
            weight_total=Coalesce(Sum("weight"), 0),
            weight_done=Coalesce(Sum("weight", filter=done), 0),
        )
    )


FIELDS = ("total", *COUNTERS, "weight_total")


def _figure(row: dict[str, Any]) -> BranchFigure:
    return BranchFigure(
        organization_id=row["organization_id"],
        cadence=row["cadence"],
        period=row["period"],
        org_path=row["org_path"],
        town_id=row["town_id"],
        period_start=row["period_start"],
        **{name: row[name] for name in FIELDS},
    )


def refresh(keys: Iterable[Key]) -> int:
    """Recompute the figures of these branch periods from their assignments (set-based)."""
    keys = set(keys)
    if not keys:
        return 0
    orgs = {k[0] for k in keys}
    periods = {k[2] for k in keys}
    rows = [
        row
        for row in _aggregate(
            Assignment.objects.filter(organization_id__in=orgs, period__in=periods)
        )
        if (row["organization_id"], row["cadence"], row["period"]) in keys
    ]
    existing = {
        (f.organization_id, f.cadence, f.period): f
        for f in BranchFigure.objects.filter(organization_id__in=orgs, period__in=periods)
    }
    new, changed = [], []
    for row in rows:
        fresh = _figure(row)
        old = existing.get((fresh.organization_id, fresh.cadence, fresh.period))
        if old is None:
            new.append(fresh)
        else:
            for name in FIELDS:
                setattr(old, name, getattr(fresh, name))
            changed.append(old)
    BranchFigure.objects.bulk_create(new, batch_size=500)
    BranchFigure.objects.bulk_update(changed, FIELDS, batch_size=500)
    return len(rows)


def rebuild(towns: Iterable[Any] | None = None) -> int:
    """Recompute every figure (of these towns) from the assignments; returns the rows written."""
    assignments = Assignment.objects.all()
    figures = BranchFigure.objects.all()
    if towns is not None:
        town_ids = [getattr(t, "pk", t) for t in towns]
        assignments = assignments.filter(town_id__in=town_ids)
        figures = figures.filter(town_id__in=town_ids)
    figures.delete()
    rows = [_figure(row) for row in _aggregate(assignments)]
    BranchFigure.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
