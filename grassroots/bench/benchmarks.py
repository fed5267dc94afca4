"""The framework ceiling (/bench/ping), the roster import against its reading limit
(bench/importing.py), and the mixed load of simulated users (bench/load.py)."""

from __future__ import annotations

from grassroots.bench.importing import import_roster
from grassroots.bench.load import mixed_load
from grassroots.bench.nodes import memo_sync, two_nodes
from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.core.httpload import get_many

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


# The mixed load last in this app: it writes visits, filings and replies.
# begin nodes (issue #15): the mixed load over two nodes and two workers (bench/nodes.py)
BENCHMARKS: list[Benchmark] = [ping, import_roster, mixed_load, memo_sync, two_nodes]
# end nodes
