"""Dashboard reads per level, the full roll-up rebuild and the incremental update."""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.analytics import selectors, services
from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.grid.models import Place

LEVELS = ("province", "city", "county", "town")


def dashboard_reads(ctx: BenchContext) -> list[BenchResult]:
    user = ctx.options["users"]["root"]
    root = ctx.options["root_path"]
    reads = 50 if ctx.quick else 2000
    results = []
    for kind in LEVELS:
        node = Place.objects.filter(path__startswith=root, kind=kind).order_by("path").first()
        if node is None:
            continue
        selectors.place_figures(user, node.path)  # warm: scope and connection
        with CaptureQueriesContext(connection) as captured:
            figures = selectors.place_figures(user, node.path)
        assert figures is not None, node.path
        samples = []
        for _ in range(reads):
            started = time.perf_counter()
            selectors.place_figures(user, node.path)
            samples.append(time.perf_counter() - started)
        results.append(
            BenchResult(
                name=f"dashboard read: top {kind} ({figures.households:,} households)",
                samples_s=samples,
                queries=len(captured.captured_queries),
                target="p95 < 20 ms",
                target_s=0.020,
            )
        )
    return results


def rebuild(ctx: BenchContext) -> list[BenchResult]:
    samples = []
    for _ in range(1 if ctx.quick else 3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.rebuild(actor=None)
            samples.append(time.perf_counter() - started)
    return [
        BenchResult(
            name=f"full roll-up rebuild ({ctx.households:,} households)",
            samples_s=samples,
            items_per_sample=ctx.households,
            queries=len(captured.captured_queries),
            target="< 60 s at province scale",
            target_s=60.0,
            compare="median",
        )
    ]


def incremental(ctx: BenchContext) -> list[BenchResult]:
    root = ctx.options["root_path"]
    group = Place.objects.filter(path__startswith=root, kind=Place.Kind.GROUP).order_by("path")[0]
    samples = []
    with CaptureQueriesContext(connection) as captured:
        services.apply_delta(group.path, households=1)
    for i in range(40 if ctx.quick else 400):
        started = time.perf_counter()
        services.apply_delta(group.path, households=-1 if i % 2 == 0 else 1)
        samples.append(time.perf_counter() - started)
    services.apply_delta(group.path, households=-1)
    return [
        BenchResult(
            name=f"incremental update after one change ({group.depth} ancestors' rows)",
            samples_s=samples,
            queries=len(captured.captured_queries),
            target="p95 < 100 ms",
            target_s=0.100,
            notes="autocommit: each update is its own transaction",
        )
    ]


BENCHMARKS: list[Benchmark] = [dashboard_reads, rebuild, incremental]
