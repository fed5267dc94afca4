"""The contract between `grassroots bench` and each app's benchmarks.

Every app may have a `benchmarks.py` with `BENCHMARKS: list[Callable[[BenchContext], list[BenchResult]]]`.
The bench command discovers them, runs them in order, prints a table and writes JSON.
In `--quick` mode a benchmark uses tiny sizes: CI checks that it runs, not how fast.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.core.httpload import get_many


@dataclass
class BenchContext:
    quick: bool
    scale: str  # "town" | "county" | "province"
    households: int  # size of the synthetic data set the run prepared (0 = none)
    base_url: str | None = None  # a gunicorn server on 127.0.0.1 serving the bench database
    work_dir: Path = Path("var/bench")
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class BenchResult:
    name: str
    samples_s: list[float]  # wall time of each repetition, seconds
    items_per_sample: int = 1  # work items per repetition, for throughput
    queries: int | None = None  # SQL queries per request/operation, where meaningful
    target: str = ""  # e.g. "p95 < 20 ms"
    target_s: float | None = None  # the bound the median/p95 is compared with
    compare: str = "p95"  # which statistic meets the target: "median" | "p95" | "throughput"
    target_throughput: float | None = None  # items/s the throughput must reach
    notes: str = ""
    # begin rollup
    target_scale: str = ""  # the scale ("province", …) the target is set for; "" = every scale
    # end rollup

    @property
    def median_s(self) -> float:
        return statistics.median(self.samples_s)

    @property
    def p95_s(self) -> float:
        ordered = sorted(self.samples_s)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def throughput(self) -> float:
        return self.items_per_sample / self.median_s if self.median_s > 0 else float("inf")

    @property
    def meets_target(self) -> bool | None:
        if self.compare == "throughput" and self.target_throughput is not None:
            return self.throughput >= self.target_throughput
        if self.target_s is None:
            return None
        value = self.median_s if self.compare == "median" else self.p95_s
        return value <= self.target_s


Benchmark = Callable[[BenchContext], list[BenchResult]]


def page_over_http(
    ctx: BenchContext, label: str, url: str, persona: str, *, notes: str = ""
) -> BenchResult:
    """One page as `persona` sees it: its queries counted in-process, then timed over HTTP
    against the runner's gunicorn (4 warm-up requests, then 20 quick or 100 sequential),
    judged on p95 < 100 ms. Any status other than 200 fails the benchmark."""
    assert ctx.base_url, "the runner starts gunicorn"
    client = Client()
    client.force_login(ctx.options["users"][persona])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} as {persona}: HTTP {response.status_code}")
    cookie = ctx.options["cookies"][persona]
    get_many(ctx.base_url, url, requests=4, cookie=cookie)  # warm both workers
    load = get_many(ctx.base_url, url, requests=20 if ctx.quick else 100, cookie=cookie)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"{url}: {load.errors} errors, statuses {load.statuses}")
    return BenchResult(
        name=label,
        samples_s=load.latencies_s,
        queries=len(captured.captured_queries),
        target="p95 < 100 ms",
        target_s=0.100,
        notes=notes or "sequential requests; queries counted in-process",
    )
