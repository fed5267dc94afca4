"""The representative's "my households" page and the household list, over HTTP."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.core.httpload import get_many


def _page(ctx: BenchContext, label: str, url: str, persona: str) -> BenchResult:
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
        notes="sequential requests; queries counted in-process",
    )


def pages(ctx: BenchContext) -> list[BenchResult]:
    town = ctx.options["town"]
    households = reverse("grid:household_list")
    return [
        _page(ctx, "my households page (representative)", reverse("grid:mine"), "rep"),
        _page(ctx, f"household list, town admin ({town.name})", households, "admin"),
        _page(ctx, "household list, whole province (superuser)", households, "root"),
    ]


BENCHMARKS: list[Benchmark] = [pages]
