"""Generation: each period's assignments, per branch and its secretary (the worker's job).

`generate(on=day)` makes, for every published plan covering `day`, every active item's
current version and every target branch, the assignment of the period containing `day`
(a once-only item: the plan's span) unless it exists. It is idempotent and set-based:
one read of what already exists, one read of the branches and one of their
secretaries, a finder call per record kind and period, a bulk insert, and the figures
of the touched periods refreshed — the number of queries does not grow with the number
of branches. The unique constraint `one_assignment_per_period` (with
`ignore_conflicts`) keeps two overlapping runs from making a row twice.

An item that completes itself from a record (`completes_on`) is generated already
done when the kind's finder has a record of the branch in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grassroots.core import audit, records
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.duties import figures, periods, selectors, targets
from grassroots.duties.models import Assignment, Item, Plan
from grassroots.party.models import Organization

BATCH = 1000


def record_day(on: dt.date) -> dt.datetime:
    """When a record completes an assignment: the record's day (local midnight)."""
    return timezone.make_aware(dt.datetime.combine(on, dt.time.min))


def _plans(on: dt.date, towns: Iterable[Any] | None) -> list[Plan]:
    plans = Plan.objects.filter(status=Plan.Status.PUBLISHED, starts_on__lte=on, ends_on__gte=on)
    if towns is not None:
        plans = plans.filter(town_id__in=[getattr(t, "pk", t) for t in towns])
    return list(plans.order_by("pk"))


def _branches(plans: list[Plan]) -> dict[int, list[Organization]]:
    """{plan id: branches under its committee}, in one query."""
    q = Q()
    for plan in plans:
        q |= Q(path__startswith=plan.org_path)
    rows = list(
        Organization.objects.filter(q, kind=Organization.Kind.BRANCH)
        .only("pk", "path", "org_type", "town_id")
        .order_by("path")
    )
    return {p.pk: [b for b in rows if b.path.startswith(p.org_path)] for p in plans}


def _candidates(on: dt.date, plans: list[Plan]) -> list[dict[str, Any]]:
    """Every (item version, branch, period) the day calls for, existing or not."""
    by_plan = {p.pk: p for p in plans}
    items = list(
        Item.objects.filter(plan__in=plans, retired=False, current__isnull=False)
        .select_related("current")
        .prefetch_related("current__targets")
        .order_by("plan_id", "position", "pk")
    )
    branches = _branches(plans)
    rows = []
    for item in items:
        plan, version = by_plan[item.plan_id], item.current
        period = periods.period_for(version.cadence, on, plan)
        listed = {o.pk for o in version.targets.all()}
        for branch in targets.pick(version, branches[plan.pk], listed):
            rows.append(
                {"plan": plan, "item": item, "version": version, "branch": branch, "period": period}
            )
    return rows


def _existing(rows: list[dict[str, Any]]) -> set[tuple[int, int, str]]:
    if not rows:
        return set()
    return set(
        Assignment.objects.filter(
            item_id__in={r["item"].pk for r in rows},
            period__in={r["period"].key for r in rows},
        ).values_list("item_id", "organization_id", "period")
    )


def _found_records(rows: list[dict[str, Any]]) -> dict[tuple[str, str, int], tuple[int, dt.date]]:
    """{(kind, period key, branch id): (record id, date)} from each kind's finder."""
    wanted: dict[tuple[str, periods.Period], set[int]] = defaultdict(set)
    for r in rows:
        if r["version"].completes_on:
            wanted[(r["version"].completes_on, r["period"])].add(r["branch"].pk)
    found = {}
    for (key, period), org_ids in wanted.items():
        kind = records.get(key)
        if kind is None:
            continue
        for org_id, hit in kind.find(sorted(org_ids), period.start, period.end).items():
            found[(key, period.key, org_id)] = hit
    return found


def _build(r: dict[str, Any], secretaries: dict[int, list[int]], found: dict) -> Assignment:
    version, branch, period = r["version"], r["branch"], r["period"]
    a = Assignment(
        plan=r["plan"],
        item=r["item"],
        version=version,
        organization=branch,
        org_path=branch.path,
        town_id=branch.town_id or r["plan"].town_id,
        secretary_id=(secretaries.get(branch.pk) or [None])[0],
        cadence=version.cadence,
        category=version.category,
        weight=version.weight,
        period=period.key,
        period_start=period.start,
        period_end=period.end,
        due_on=periods.due_on(version, period),
        steps=[{"title": s, "done": False} for s in version.steps],
        is_demo=r["plan"].is_demo,
    )
    hit = found.get((version.completes_on, period.key, branch.pk)) if version.completes_on else None
    if hit is not None:
        a.status = Assignment.Status.DONE
        a.record_kind = version.completes_on
        a.record_id, day = hit
        a.done_at = record_day(day)
    return a


@transaction.atomic
def generate(
    *, actor: Actor = None, on: dt.date, towns: Iterable[Any] | None = None
) -> dict[str, int]:
    """Make the assignments `on` calls for; returns counts (see the module docstring)."""
    plans = _plans(on, towns)
    rows = _candidates(on, plans) if plans else []
    existing = _existing(rows)
    rows = [r for r in rows if (r["item"].pk, r["branch"].pk, r["period"].key) not in existing]
    secretaries = selectors.branch_secretaries(sorted({r["branch"].pk for r in rows}))
    found = _found_records(rows)
    new = [_build(r, secretaries, found) for r in rows]
    Assignment.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    figures.refresh({figures.key_of(a) for a in new})
    for path in {a.org_path for a in new}:  # analytics coalesces them per town
        emit(Event.FIGURES_STALE, org_path=path)
    counts = {
        "plans": len(plans),
        "created": len(new),
        "existing": len(existing),
        "auto_completed": sum(1 for a in new if a.record_kind),
    }
    audit.record(
        actor=actor,
        action=Action.DUTIES_PERIOD_GENERATED,
        object_type="duties.assignment",
        data={"on": on.isoformat(), **counts},
    )
    return counts


def generate_range(
    *, actor: Actor = None, start: dt.date, end: dt.date, towns: Iterable[Any] | None = None
) -> dict[str, int]:
    """`generate` for the first day of every week, month and quarter from start to end.

    Every period touching [start, end] is reached: a week's Monday, a month's first day
    and a quarter's first day each call `generate` once (and `start` itself).
    """
    days = {start}
    day = start
    while day <= end:
        if day.weekday() == 0 or day.day == 1:
            days.add(day)
        day += dt.timedelta(days=1)
    totals: dict[str, int] = defaultdict(int)
    for day in sorted(days):
        for name, n in generate(actor=actor, on=day, towns=towns).items():
            totals[name] += n
    return dict(totals)


@transaction.atomic
def figures_rebuild(*, actor: Actor = None, towns: Iterable[Any] | None = None) -> int:
    """Recompute every prepared figure (of these towns) from the assignments, audited."""
    written = figures.rebuild(towns)
    audit.record(
        actor=actor,
        action=Action.DUTIES_FIGURES_REBUILT,
        object_type="duties.branchfigure",
        data={"rows": written},
    )
    return written
