from __future__ import annotations

import pytest

from grassroots.core.bench import BenchContext
from grassroots.reports import benchmarks
from grassroots.reports.models import Report
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_the_generation_benchmark_runs_in_quick_mode(town: Town) -> None:
    ctx = BenchContext(quick=True, scale="town", households=0)
    [result] = benchmarks.bench_generate_town(ctx)
    assert result.name == "reports.generate_town" and len(result.samples_s) == 1
    assert result.queries and result.samples_s[0] > 0
    assert Report.objects.filter(place=town.town, status="ready").count() == 1
    [listed] = benchmarks.bench_list_http(ctx)
    assert listed.notes == "no server"
