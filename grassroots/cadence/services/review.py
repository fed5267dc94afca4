"""The quarterly review (季推进): a score, a rank and a band per branch, published once.

For the quarter's assignments of a branch (those whose period starts in the quarter,
every cadence):

- completion  = weight of the done assignments ÷ weight of all of them;
- timeliness  = assignments done by their due date ÷ assignments done (0 when none is done);
- inspection  = the mean total score of the branch's inspections in the quarter ÷ 100
  (`inspections.selectors.branch_scores`).

score = 100 × (0.5 × completion + 0.2 × timeliness + 0.3 × inspection), rounded half up
to one decimal. A branch without an inspection in the quarter is not punished for it:
its completion and timeliness keep their 5 : 2 proportion and fill the whole,
score = 100 × (completion × 5/7 + timeliness × 2/7).

Branches are ranked within their town by score (the rounded one, as shown), ties by
completion, then by name. Bands: A ≥ 90, B ≥ 80, C ≥ 60, D below; the thresholds are
the setting `CADENCE_BANDS` (("A", 90), ("B", 80), ("C", 60)). Branches without any
assignment in the quarter are not ranked.

The scores are written once, in one transaction, by the quarter's run: a resumed or
repeated run finds them and only sends the notices not sent yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from grassroots.cadence import notices, schedule, sources
from grassroots.cadence.models import Band, QuarterScore
from grassroots.cadence.services.runs import RunContext, job
from grassroots.core import audit
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.duties.models import Assignment
from grassroots.grid.models import Place
from grassroots.party.models import Organization

DEFAULT_BANDS = (("A", 90), ("B", 80), ("C", 60))
SHARE = Decimal("0.0001")
POINT = Decimal("0.1")


@dataclass
class Figures:
    """One branch's quarter, before scoring."""

    organization_id: int
    name: str
    assignments: int = 0
    done: int = 0
    done_on_time: int = 0
    weight_total: int = 0
    weight_done: int = 0
    inspection_mean: Decimal | None = None  # 0–100


@dataclass
class Scored:
    figures: Figures
    completion: Decimal
    timeliness: Decimal
    inspection: Decimal | None
    score: Decimal
    rank: int = 0
    band: str = Band.D


def score(figures: Figures) -> Scored:
    """The branch's shares and score (exact fractions, rounded once at the end)."""
    completion = Decimal(figures.weight_done) / figures.weight_total
    timeliness = Decimal(figures.done_on_time) / figures.done if figures.done else Decimal(0)
    if figures.inspection_mean is None:
        raw = 100 * (completion * 5 + timeliness * 2) / 7
        inspection = None
    else:
        inspection = Decimal(figures.inspection_mean) / 100
        raw = 100 * (Decimal("0.5") * completion + Decimal("0.2") * timeliness) + 30 * inspection
    return Scored(
        figures=figures,
        completion=completion.quantize(SHARE, ROUND_HALF_UP),
        timeliness=timeliness.quantize(SHARE, ROUND_HALF_UP),
        inspection=None if inspection is None else inspection.quantize(SHARE, ROUND_HALF_UP),
        score=raw.quantize(POINT, ROUND_HALF_UP),
    )


def band_of(value: Decimal) -> str:
    for band, threshold in getattr(settings, "CADENCE_BANDS", DEFAULT_BANDS):
        if value >= threshold:
            return band
    return Band.D


def rank(rows: list[Scored]) -> list[Scored]:
    """Order by score, then completion (both descending), then name; number and band them."""
    ordered = sorted(rows, key=lambda r: (-r.score, -r.completion, r.figures.name))
    for position, row in enumerate(ordered, start=1):
        row.rank = position
        row.band = band_of(row.score)
    return ordered


def quarter_figures(town: Place, start: dt.date, end: dt.date) -> list[Figures]:
    rows = Assignment.objects.filter(
        town=town, period_start__gte=start, period_start__lte=end
    ).values_list("organization_id", "status", "weight", "due_on", "done_at")
    found: dict[int, Figures] = {}
    names = dict(
        Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH).values_list(
            "pk", "name"
        )
    )
    for org_id, status, weight, due_on, done_at in rows:
        f = found.setdefault(org_id, Figures(organization_id=org_id, name=names.get(org_id, "")))
        f.assignments += 1
        f.weight_total += weight
        if status == Assignment.Status.DONE:
            f.done += 1
            f.weight_done += weight
            if done_at is not None and timezone.localdate(done_at) <= due_on:
                f.done_on_time += 1
    means = sources.branch_scores(org_ids=sorted(found), start=start, end=end)
    for org_id, mean in means.items():
        if org_id in found and mean is not None:
            found[org_id].inspection_mean = Decimal(mean)
    return [f for f in found.values() if f.weight_total]


@transaction.atomic
def review_publish(*, town: Place, period: str, now: dt.datetime) -> list[QuarterScore]:
    """Compute and store the quarter's ranking once; later calls return the stored rows."""
    stored = list(QuarterScore.objects.filter(town=town, period=period).order_by("rank"))
    if stored:
        return stored
    start, end = schedule.quarter_bounds(period)
    paths = dict(Organization.objects.filter(town=town).values_list("pk", "path"))
    ranked = rank([score(f) for f in quarter_figures(town, start, end)])
    rows = QuarterScore.objects.bulk_create(
        QuarterScore(
            organization_id=r.figures.organization_id,
            org_path=paths[r.figures.organization_id],
            town=town,
            period=period,
            branch_name=r.figures.name,
            assignments=r.figures.assignments,
            done=r.figures.done,
            done_on_time=r.figures.done_on_time,
            weight_total=r.figures.weight_total,
            weight_done=r.figures.weight_done,
            completion=r.completion,
            timeliness=r.timeliness,
            inspection=r.inspection,
            score=r.score,
            rank=r.rank,
            band=r.band,
            computed_at=now,
            is_demo=town.is_demo,
        )
        for r in ranked
    )
    audit.record(
        actor=None,
        action=Action.CADENCE_REVIEW_PUBLISHED,
        object_type="cadence.quarterscore",
        object_id=f"{town.pk}:{period}",
        data={"period": period, "town": town.pk, "branches": len(rows)},
    )
    if rows:  # analytics recomputes the town's committee, whose branches these are
        emit(Event.FIGURES_STALE, org_path=rows[0].org_path)
    return rows


@job(schedule.QUARTERLY)
def quarterly_review(context: RunContext) -> None:
    period = context.run.period
    rows = review_publish(town=context.town, period=period, now=context.now)
    context.counts["branches"] = len(rows)
    if not rows:
        return
    context.send(
        sources.town_leaders(context.town),
        notices.REVIEW,
        {"period": period, "branches": len(rows)},
        key=f"cadence:review:{context.town.pk}:{period}",
        url=reverse("cadence:review", args=[period]),
    )
