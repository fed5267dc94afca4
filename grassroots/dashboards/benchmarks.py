"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- dashboards.cockpit_http: the cockpit `/dashboards/` over HTTP as the bench town
  administrator: the town's tiles, its committee's, every chart (12 months of trends, the
  case funnel, the villages' rankings and coverage, the branches' scores, duties, trainings
  and sites) and the drill-down tables; target p95 < 150 ms.
- dashboards.root_http: the dashboard of the synthetic root (the county or province) as the
  bench superuser, its children being towns; same target. Both read prepared rows only
  (a fixed number of indexed queries, whatever the number of households).
"""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.grid.models import Place

TARGET_S = 0.150


def _judged(result: BenchResult) -> list[BenchResult]:
    result.target, result.target_s = "p95 < 150 ms", TARGET_S
    return [result]


def bench_cockpit_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="dashboards.cockpit_http", samples_s=[0.0], notes="no server")]
    town = ctx.options["town"]
    villages = Place.objects.filter(path__startswith=town.path, depth=town.depth + 1).count()
    return _judged(
        page_over_http(
            ctx,
            "dashboards.cockpit_http",
            reverse("dashboards:cockpit"),
            "admin",
            notes=f"the town cockpit, {villages} villages; {connection.vendor}",
        )
    )


def bench_root_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="dashboards.root_http", samples_s=[0.0], notes="no server")]
    root = Place.objects.get(path=ctx.options["root_path"])
    children = Place.objects.filter(path__startswith=root.path, depth=root.depth + 1).count()
    return _judged(
        page_over_http(
            ctx,
            "dashboards.root_http",
            reverse("dashboards:place", args=[root.pk]),
            "root",
            notes=f"{root.get_kind_display()} {root.name}, {children} children; {connection.vendor}",
        )
    )


BENCHMARKS: list[Benchmark] = [bench_cockpit_http, bench_root_http]
