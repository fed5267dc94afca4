"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- cadence.review_county: the quarterly review's figures, scores and ranking for every
  town of the synthetic county, read from the duty assignments of the current quarter
  (duties' bench generates them when there are none); nothing is stored; target < 10 s.
  Quick mode: two towns.
- cadence.review_http: the published ranking page `/cadence/reviews/<quarter>/` over HTTP,
  as the bench superuser who reaches the whole county; it reads only the prepared
  `QuarterScore` rows (published for the current quarter when missing); p95 < 100 ms.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cadence import schedule
from grassroots.cadence.models import QuarterScore
from grassroots.cadence.services import review
from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.duties.benchmarks import bench_generate_county
from grassroots.duties.models import Assignment
from grassroots.grid.models import Place
from grassroots.party.models import Organization


def _towns(quick: bool) -> list[Place]:
    town_ids = (
        Organization.objects.filter(kind=Organization.Kind.COMMITTEE, place__kind=Place.Kind.TOWN)
        .order_by("path")
        .values_list("town_id", flat=True)
    )
    ids = [t for t in town_ids if t][: 2 if quick else None]
    return list(Place.objects.filter(pk__in=ids).order_by("pk"))


def _quarter() -> str:
    return schedule.quarter_key(clock.today())


def bench_review_county(ctx: BenchContext) -> list[BenchResult]:
    towns = _towns(ctx.quick)
    if not towns:
        return [BenchResult(name="cadence.review_county", samples_s=[0.0], notes="no Party data")]
    if not Assignment.objects.filter(town__in=towns).exists():
        bench_generate_county(ctx)
    start, end = schedule.quarter_bounds(_quarter())
    samples, branches = [], 0
    for _ in range(2 if ctx.quick else 3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            ranked = [
                review.rank([review.score(f) for f in review.quarter_figures(town, start, end)])
                for town in towns
            ]
        samples.append(time.perf_counter() - started)
        branches = sum(len(r) for r in ranked)
    return [
        BenchResult(
            name="cadence.review_county",
            samples_s=samples,
            items_per_sample=branches,
            queries=len(captured.captured_queries),
            target="< 10 s for every branch of a county",
            target_scale="county",
            target_s=10.0,
            compare="median",
            notes=f"{len(towns)} towns, {branches} branches ranked; {connection.vendor}",
        )
    ]


def bench_review_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="cadence.review_http", samples_s=[0.0], notes="no server")]
    period = _quarter()
    if not QuarterScore.objects.filter(period=period).exists():
        bench_review_county(ctx)
        for town in _towns(ctx.quick):
            review.review_publish(town=town, period=period, now=clock.now())
    url = reverse("cadence:review", args=[period])
    notes = f"{QuarterScore.objects.filter(period=period).count()} prepared scores"
    return [page_over_http(ctx, "cadence.review_http", url, "root", notes=notes)]


BENCHMARKS: list[Benchmark] = [bench_review_county, bench_review_http]
