"""The framework ceiling (/bench/ping), the roster import against its reading limit, and
the mixed load of simulated users (bench/load.py)."""

from __future__ import annotations

import io
import time

from django.db import transaction
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from grassroots.bench.load import mixed_load
from grassroots.bench.nodes import memo_sync, two_nodes
from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.core.httpload import get_many
from grassroots.exchange.services import import_file
from grassroots.grid.models import Place

CONCURRENCY = 8


def ping(ctx: BenchContext) -> list[BenchResult]:
    """The cheapest Django JSON view through the same gunicorn: what no page can beat."""
    assert ctx.base_url, "the runner starts gunicorn"
    get_many(ctx.base_url, "/bench/ping", requests=20, concurrency=2)  # warm every worker
    n = 100 if ctx.quick else 3000
    load = get_many(ctx.base_url, "/bench/ping", requests=n, concurrency=CONCURRENCY)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"/bench/ping: {load.errors} errors, statuses {load.statuses}")
    ctx.options["ceiling_rps"] = load.requests / load.wall_s
    return [
        BenchResult(
            name=f"framework ceiling /bench/ping latency ({CONCURRENCY} threads)",
            samples_s=load.latencies_s,
            queries=0,
            notes=f"{load.requests} requests",
        ),
        BenchResult(
            name=f"framework ceiling /bench/ping throughput ({CONCURRENCY} threads)",
            samples_s=[load.wall_s],
            items_per_sample=load.requests,
            compare="throughput",
            notes="requests per second over the whole run; client shares the cores",
        ),
    ]


def roster_xlsx(town: Place, households: int, tag: str) -> bytes:
    """A household roster in the import template's headers, spread over the town's groups."""
    groups = [
        (village.name, group.name)
        for village in town.get_children().order_by("path")
        for group in village.get_children().order_by("path")
    ]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("户")
    ws.append(
        [
            "村(社区)",
            "村民小组",
            "户编号",
            "户主姓名",
            "联系电话",
            "住址",
            "家庭人口",
            "联系代表",
            "代表电话",
        ]
    )
    for i in range(households):
        village, group = groups[i % len(groups)]
        rep = i // 11
        ws.append(
            [
                village,
                group,
                f"{tag}-{i:06d}",
                f"户主{i}",
                f"137{i:08d}",
                f"{village}{group}{i}号",
                3,
                f"导入代表{rep}",
                f"136{rep:08d}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Rollback(Exception):
    """Undo a measured import so that runs repeat on the same data."""


def import_roster(ctx: BenchContext) -> list[BenchResult]:
    town = ctx.options["town"]
    actor = ctx.options["users"]["root"]
    n = 200 if ctx.quick else 20_000
    data = roster_xlsx(town, n, tag=f"IMP{int(time.time())}")
    path = ctx.work_dir / "roster.xlsx"
    path.write_bytes(data)

    reads: list[float] = []
    for _ in range(1 if ctx.quick else 3):
        started = time.perf_counter()
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python()
        reads.append(time.perf_counter() - started)
    assert len(rows) == n + 1

    imports: list[float] = []
    for _ in range(1 if ctx.quick else 2):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                report = import_file(
                    actor=actor,
                    kind="households",
                    filename="roster.xlsx",
                    data=path.read_bytes(),
                    town=town,
                )
                imports.append(time.perf_counter() - started)
                if report.errors:
                    raise RuntimeError(f"import reported errors: {report.errors[:3]}")
                raise _Rollback
        except _Rollback:
            pass
    read_median = sorted(reads)[len(reads) // 2]
    ratio = sorted(imports)[len(imports) // 2] / read_median
    return [
        BenchResult(
            name=f"read roster only ({n} rows, python-calamine)",
            samples_s=reads,
            items_per_sample=n,
            compare="throughput",
            notes="the reading limit",
        ),
        BenchResult(
            name=f"import roster ({n} households, .xlsx)",
            samples_s=imports,
            items_per_sample=n,
            target="≥ 20,000 rows/s",
            compare="throughput",
            target_throughput=20_000,
            notes=f"validate + write, rolled back; {ratio:.1f}× the reading time",
        ),
        BenchResult(
            name="import within 3× the reading time",
            samples_s=imports,
            items_per_sample=n,
            target=f"≤ 3 × read = {3 * read_median * 1000:.0f} ms",
            target_s=3 * read_median,
            compare="median",
            notes=f"ratio {ratio:.1f}",
        ),
    ]


# The mixed load last in this app: it writes visits, filings and replies.
# begin nodes (issue #15): the mixed load over two nodes and two workers (bench/nodes.py)
BENCHMARKS: list[Benchmark] = [ping, import_roster, mixed_load, memo_sync, two_nodes]
# end nodes
