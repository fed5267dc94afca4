from __future__ import annotations

from grassroots.cases.benchmarks import bench_sweep_idle
from grassroots.cases.models import Case
from grassroots.core.bench import BenchContext
from grassroots.testing import Town


def test_the_idle_sweep_benchmark_runs_in_quick_mode(town: Town) -> None:
    [result] = bench_sweep_idle(BenchContext(quick=True, scale="town", households=0))
    assert Case.objects.filter(title="bench").count() == 1000
    assert result.meets_target
