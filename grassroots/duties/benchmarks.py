"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- duties.generate_county: one period's generation for every branch of the synthetic
  county (a branch per village and two per town): a published plan of 10 items per town
  committee (weekly, monthly, quarterly and once-only, written in bulk and kept, title
  "bench"), the bench assignments deleted, then `duties.services.generate` for today;
  target < 30 s. Quick mode: two towns.
- duties.board_http: the officer's board `/duties/board/` over HTTP (gunicorn at
  ctx.base_url), as the bench superuser who reaches the whole county; it reads only the
  prepared `BranchFigure` rows; target p95 < 100 ms.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.duties import services
from grassroots.duties.models import (
    Assignment,
    BranchFigure,
    Cadence,
    Category,
    DueRule,
    Item,
    ItemVersion,
    Plan,
)
from grassroots.grid.models import Place
from grassroots.party.models import Organization

BENCH_TITLE = "bench"
W, M, Q, ONCE = Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.ONCE
ITEMS = [  # cadence, due rule, n, weight
    (W, DueRule.WEEKDAY, 5, 10),
    (W, DueRule.WEEKDAY, 3, 5),
    (W, DueRule.END_OF_PERIOD, None, 5),
    (W, DueRule.LAST_WORKING_DAY, None, 5),
    (M, DueRule.LAST_WORKING_DAY, None, 15),
    (M, DueRule.DAY_OF_MONTH, 20, 10),
    (M, DueRule.WORKING_DAYS_AFTER_START, 5, 10),
    (Q, DueRule.DAY_OF_MONTH, 25, 15),
    (Q, DueRule.WORKING_DAYS_AFTER_START, 40, 15),
    (ONCE, DueRule.END_OF_PERIOD, None, 10),
]


def _town_committees(quick: bool) -> list[Organization]:
    committees = Organization.objects.filter(
        kind=Organization.Kind.COMMITTEE, place__kind=Place.Kind.TOWN
    ).order_by("path")
    return list(committees[:2] if quick else committees)


@transaction.atomic
def _bench_plans(committees: list[Organization], today: dt.date) -> int:
    """A published plan of ten items per committee without one, in bulk (kept between runs)."""
    have = set(Plan.objects.filter(title=BENCH_TITLE).values_list("organization_id", flat=True))
    missing = [c for c in committees if c.pk not in have]
    if not missing:
        return 0
    now = clock.now()
    plans = Plan.objects.bulk_create(
        Plan(
            organization=c,
            org_path=c.path,
            town_id=c.town_id,
            title=BENCH_TITLE,
            starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year, 12, 31),
            status=Plan.Status.PUBLISHED,
            created_at=now,
            is_demo=True,
        )
        for c in missing
    )
    items = Item.objects.bulk_create(
        Item(plan=p, position=i) for p in plans for i in range(1, len(ITEMS) + 1)
    )
    versions = ItemVersion.objects.bulk_create(
        ItemVersion(
            item=item,
            number=1,
            title=f"基准事项{item.position}",
            category=Category.OTHER,
            cadence=ITEMS[item.position - 1][0],
            due_rule=ITEMS[item.position - 1][1],
            due_n=ITEMS[item.position - 1][2],
            weight=ITEMS[item.position - 1][3],
            steps=["第一步", "第二步"],
            valid_from=now,
        )
        for item in items
    )
    for item, version in zip(items, versions, strict=True):
        item.current = version
    Item.objects.bulk_update(items, ["current"], batch_size=1000)
    return len(plans)


def bench_generate_county(ctx: BenchContext) -> list[BenchResult]:
    committees = _town_committees(ctx.quick)
    if not committees:
        return [BenchResult(name="duties.generate_county", samples_s=[0.0], notes="no Party data")]
    today = clock.today()
    _bench_plans(committees, today)
    samples, created = [], 0
    for _ in range(1 if not ctx.quick else 2):
        with transaction.atomic():
            Assignment.objects.filter(plan__title=BENCH_TITLE).delete()
            BranchFigure.objects.filter(town_id__in=[c.town_id for c in committees]).delete()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            counts = services.generate(on=today, towns=[c.town_id for c in committees])
        samples.append(time.perf_counter() - started)
        created = counts["created"]
    return [
        BenchResult(
            name="duties.generate_county",
            samples_s=samples,
            items_per_sample=created,
            queries=len(captured.captured_queries),
            target="< 30 s for every branch of a county",
            target_scale="county",
            target_s=30.0,
            compare="median",
            notes=f"{len(committees)} towns, {created} duties; {connection.vendor}",
        )
    ]


def bench_board_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="duties.board_http", samples_s=[0.0], notes="no server")]
    if not BranchFigure.objects.exists():
        bench_generate_county(ctx)
    notes = f"{BranchFigure.objects.count()} prepared figures; sequential requests"
    return [page_over_http(ctx, "duties.board_http", reverse("duties:board"), "root", notes=notes)]


BENCHMARKS: list[Benchmark] = [bench_generate_county, bench_board_http]
