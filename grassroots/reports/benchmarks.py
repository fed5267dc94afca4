"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- reports.generate_town: the whole monthly report of one town (its figures from the
  analytics selectors, the three-sheet workbook and the WeasyPrint PDF), in-process, as
  the worker runs it; target p95 < 10 s. Its query count grows with the number of
  villages and branches (each one's figures and month rows), not with households.
- reports.generate_root: the same for the synthetic root (a county: its towns are the
  report's "villages"); target p95 < 30 s.
- reports.list_http: the report list `/reports/` over HTTP as the bench superuser;
  target p95 < 100 ms.

The reports are kept between runs (a report is unique per kind, period and node: a new
run replaces them).
"""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.reports import services
from grassroots.reports.contents import NODE_KINDS, last_complete_period

TOWN_TARGET_S = 10.0
ROOT_TARGET_S = 30.0


def _node(ctx: BenchContext, *, town: bool) -> Place | None:
    places = unscoped(Place, why=Unscoped.SYSTEM).order_by("path")
    root = ctx.options.get("root_path", "")
    if root:
        places = places.filter(path__startswith=root)
    if town:
        return places.filter(kind__in=(Place.Kind.TOWN, Place.Kind.SUBDISTRICT)).first()
    return places.filter(kind__in=NODE_KINDS).first()


def _generate(ctx: BenchContext, label: str, node: Place | None, target_s: float) -> BenchResult:
    if node is None:
        return BenchResult(name=label, samples_s=[0.0], notes="no town in the bench data")
    period = last_complete_period("monthly", clock.today())
    samples = []
    with CaptureQueriesContext(connection) as captured:
        services.generate(actor=None, kind="monthly", period=period, place=node)
    for _ in range(1 if ctx.quick else 5):
        started = time.perf_counter()
        services.generate(actor=None, kind="monthly", period=period, place=node)
        samples.append(time.perf_counter() - started)
    return BenchResult(
        name=label,
        samples_s=samples,
        queries=len(captured.captured_queries),
        target=f"p95 < {target_s:.0f} s",
        target_s=target_s,
        notes=f"monthly report {period} of {node.name} ({node.kind}); xlsx + PDF; {connection.vendor}",
    )


def bench_generate_town(ctx: BenchContext) -> list[BenchResult]:
    return [_generate(ctx, "reports.generate_town", _node(ctx, town=True), TOWN_TARGET_S)]


def bench_generate_root(ctx: BenchContext) -> list[BenchResult]:
    node = _node(ctx, town=False)
    if node is not None and node.kind != Place.Kind.COUNTY:
        return [BenchResult(name="reports.generate_root", samples_s=[0.0], notes="no county")]
    return [_generate(ctx, "reports.generate_root", node, ROOT_TARGET_S)]


def bench_list_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name="reports.list_http", samples_s=[0.0], notes="no server")]
    return [page_over_http(ctx, "reports.list_http", reverse("reports:list"), "root")]


BENCHMARKS: list[Benchmark] = [bench_generate_town, bench_generate_root, bench_list_http]
