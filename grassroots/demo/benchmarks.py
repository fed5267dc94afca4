"""Demo load time (issue 2, acceptance 6: under 60 s on SQLite).

The load runs inside a transaction that is rolled back, so the bench database
is left as it was; a demo town already there is removed inside the same
transaction first. Quick mode loads a small town (the Party tree keeps its size).
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.demo import loader

QUICK_HOUSEHOLDS = 300


class _Rollback(Exception):
    """Raised to undo the measured load."""


def demo_load(ctx: BenchContext) -> list[BenchResult]:
    households = QUICK_HOUSEHOLDS if ctx.quick else loader.HOUSEHOLDS
    seconds = 0.0
    try:
        with transaction.atomic():
            if loader.demo_town() is not None:
                loader.reset_demo()
            started = time.perf_counter()
            loader.load_demo(households=households, extras=False)
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return [
        BenchResult(
            name=f"demo load ({households} households)",
            samples_s=[seconds],
            items_per_sample=households,
            target="< 60 s on SQLite" if not ctx.quick else "",
            target_s=60.0 if not ctx.quick else None,
            compare="median",
            notes=f"{connection.vendor}; rolled back after measuring",
        )
    ]


BENCHMARKS: list[Benchmark] = [demo_load]
