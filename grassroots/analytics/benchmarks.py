"""Dashboard reads per level (one node, and what a dashboard page reads: the node, its
children and twelve months), the full roll-up rebuild, a town's recompute after a change
and the incremental update."""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.analytics import selectors, services
from grassroots.analytics.models import MonthFigures, OrgFigures, PlaceFigures
from grassroots.cases.models import Case
from grassroots.core import clock
from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http
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


def _empty_figures() -> None:
    """The figures tables as right after a load: no rows, statistics taken while empty."""
    tables = [m._meta.db_table for m in (MonthFigures, OrgFigures, PlaceFigures)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names are constants


def _timed_rebuild() -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        services.rebuild(actor=None)
        took = time.perf_counter() - started
    return took, len(captured.captured_queries)


def rebuild(ctx: BenchContext) -> list[BenchResult]:
    """The nightly rebuild (figures rows present) and the first one after a load (none)."""
    steady = []
    for _ in range(1 if ctx.quick else 3):
        took, queries = _timed_rebuild()
        steady.append(took)
    first = []
    for _ in range(1 if ctx.quick else 2):
        _empty_figures()
        took, first_queries = _timed_rebuild()
        first.append(took)
    return [
        BenchResult(
            name=f"full roll-up rebuild ({ctx.households:,} households)",
            samples_s=steady,
            items_per_sample=ctx.households,
            queries=queries,
            target="< 60 s at province scale",
            target_s=60.0,
            compare="median",
            target_scale="province",
        ),
        BenchResult(
            name=f"first roll-up rebuild, figures tables empty ({ctx.households:,} households)",
            samples_s=first,
            items_per_sample=ctx.households,
            queries=first_queries,
            target="< 60 s at province scale",
            target_s=60.0,
            compare="median",
            target_scale="province",
            notes="figures tables emptied and analysed while empty, as after a load",
        ),
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


def _dashboard(user: object, node: Place, first: dt.date, last: dt.date) -> dict:
    """What a dashboard page reads for a node: its figures, its children's, 12 months."""
    return {
        "node": selectors.node_figures(user, "place", node.path),
        "children": selectors.child_figures(user, node.path, node.depth),
        "months": selectors.month_series(user, "place", node.path, first, last),
    }


def dashboard_page_reads(ctx: BenchContext) -> list[BenchResult]:
    user = ctx.options["users"]["root"]
    root = ctx.options["root_path"]
    reads = 50 if ctx.quick else 1000
    last = clock.today().replace(day=1)
    first = dt.date(last.year - 1, last.month, 1)
    results = []
    for kind in ("county", "town"):
        node = Place.objects.filter(path__startswith=root, kind=kind).order_by("path").first()
        if node is None:
            continue
        _dashboard(user, node, first, last)  # warm: scope and connection
        with CaptureQueriesContext(connection) as captured:
            read = _dashboard(user, node, first, last)
        assert read["node"] is not None and len(read["months"]) == 13, node.path
        samples = []
        for _ in range(reads):
            started = time.perf_counter()
            _dashboard(user, node, first, last)
            samples.append(time.perf_counter() - started)
        results.append(
            BenchResult(
                name=(
                    f"dashboard page read: {kind} node + {len(read['children'])} children "
                    "+ 13 months"
                ),
                samples_s=samples,
                queries=len(captured.captured_queries),
                target="p95 < 20 ms",
                target_s=0.020,
            )
        )
    return results


def _recompute(town: Place, repeats: int) -> tuple[list[float], int]:
    samples = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.refresh_subtree(place_path=town.path)
            samples.append(time.perf_counter() - started)
    return samples, len(captured.captured_queries)


def town_refresh(ctx: BenchContext) -> list[BenchResult]:
    """What the worker does after a change in a town: its subtree and ancestors recomputed.

    Timed on the last town, a typical one, and on the first town apart (at town scale the
    one town is both): the bench users' town, which holds what the load tests filed and
    logged. (It also held the cases benchmark's 1,000,000 open cases until that benchmark
    removed them after its timing; the result keeps its name so runs compare.)
    """
    root = ctx.options["root_path"]
    towns = Place.objects.filter(path__startswith=root, kind=Place.Kind.TOWN).order_by("path")
    first, last = towns.first(), towns.last()
    if first is None or last is None:
        return []
    repeats = 2 if ctx.quick else 10
    results = []
    for town, what, target in (
        (last, "", 5.0),
        (first, " — the town holding the cases benchmark's open cases", None),
    ):
        if what and town == last:
            continue
        samples, queries = _recompute(town, repeats)
        figures = selectors.place_figures(ctx.options["users"]["root"], town.path)
        cases = Case.objects.filter(place_path__startswith=town.path).count()
        results.append(
            BenchResult(
                name=f"town recompute after a change ({figures.households:,} households){what}",
                samples_s=samples,
                queries=queries,
                target="p95 < 5 s (well within one worker cycle)" if target else "",
                target_s=target,
                notes=f"{cases:,} cases in the town",
            )
        )
    return results


def public_figures(ctx: BenchContext) -> list[BenchResult]:
    """The portal's figures computed afresh (the cache is bypassed: the worst case)."""
    samples = []
    for _ in range(20 if ctx.quick else 200):
        started = time.perf_counter()
        selectors._public_figures(None)
        samples.append(time.perf_counter() - started)
    return [
        BenchResult(
            name="public figures, uncached (all towns)",
            samples_s=samples,
            target="p95 < 20 ms",
            target_s=0.020,
        )
    ]


def figures_api_http(ctx: BenchContext) -> list[BenchResult]:
    """The top node's figures and its children's over HTTP (`/api/figures/places/<id>/`, what a
    dashboard or a client of the API reads): the province node at province scale."""
    name = "dashboard read over HTTP: top node's figures API"
    if not ctx.base_url or "users" not in ctx.options:
        return [BenchResult(name=name, samples_s=[0.0], notes="no server")]
    root = Place.objects.get(path=ctx.options["root_path"])
    children = Place.objects.filter(path__startswith=root.path, depth=root.depth + 1).count()
    result = page_over_http(
        ctx,
        name,
        reverse("figures-place", args=[root.pk]),
        "root",
        notes=f"{root.get_kind_display()}, {children} children; sequential requests",
    )
    result.target, result.target_s = "p95 < 20 ms", 0.020
    return [result]


BENCHMARKS: list[Benchmark] = [
    dashboard_reads,
    dashboard_page_reads,
    figures_api_http,
    rebuild,
    town_refresh,
    incremental,
    public_figures,
]
