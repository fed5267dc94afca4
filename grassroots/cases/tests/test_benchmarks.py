from __future__ import annotations

from grassroots.cases.benchmarks import bench_sweep_idle
from grassroots.cases.models import Case
from grassroots.core.bench import BenchContext
from grassroots.testing import Town


def test_the_idle_sweep_benchmark_runs_in_quick_mode_and_leaves_no_case_behind(town: Town) -> None:
    before = Case.objects.count()
    [result] = bench_sweep_idle(BenchContext(quick=True, scale="town", households=0))
    assert result.notes.startswith("1000 open cases")
    assert result.meets_target
    assert Case.objects.count() == before
