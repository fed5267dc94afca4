"""Demo load time (issue 2, acceptance 6: under 60 s on SQLite).

The load is timed as a user waits for it: its transaction commits inside the timing
(deferred foreign-key checks and all). A demo town already there is removed first,
and the loaded one afterwards, outside the timing, so the bench database is left as
it was. Quick mode loads a small town (the Party tree keeps its size).
"""

from __future__ import annotations

import time

from django.db import connection

from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.demo import loader

QUICK_HOUSEHOLDS = 300


def demo_load(ctx: BenchContext) -> list[BenchResult]:
    households = QUICK_HOUSEHOLDS if ctx.quick else loader.HOUSEHOLDS
    if loader.demo_town() is not None:
        loader.reset_demo()
    started = time.perf_counter()
    loader.load_demo(households=households, extras=False)  # one transaction, committed here
    seconds = time.perf_counter() - started
    loader.reset_demo()
    return [
        BenchResult(
            name=f"demo load ({households} households)",
            samples_s=[seconds],
            items_per_sample=households,
            target="< 60 s on SQLite" if not ctx.quick else "",
            target_s=60.0 if not ctx.quick else None,
            compare="median",
            notes=f"{connection.vendor}; committed, then removed outside the timing",
        )
    ]


BENCHMARKS: list[Benchmark] = [demo_load]
