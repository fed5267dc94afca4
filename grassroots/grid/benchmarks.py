"""The representative's "my households" page and the household list, over HTTP."""

from __future__ import annotations

from django.urls import reverse

from grassroots.core.bench import BenchContext, Benchmark, BenchResult, page_over_http


def pages(ctx: BenchContext) -> list[BenchResult]:
    town = ctx.options["town"]
    households = reverse("grid:household_list")
    return [
        page_over_http(ctx, "my households page (representative)", reverse("grid:mine"), "rep"),
        page_over_http(ctx, f"household list, town admin ({town.name})", households, "admin"),
        page_over_http(ctx, "household list, whole province (superuser)", households, "root"),
    ]


BENCHMARKS: list[Benchmark] = [pages]
