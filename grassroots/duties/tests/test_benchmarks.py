"""The duties benchmarks run (quick sizes) on the persona town; CI checks they work."""

from __future__ import annotations

import pytest

from grassroots.core.bench import BenchContext
from grassroots.duties.benchmarks import bench_board_http, bench_generate_county
from grassroots.duties.models import Assignment, BranchFigure, Plan

pytestmark = pytest.mark.django_db


def test_generate_county_bench_runs_and_repeats(town, now) -> None:
    ctx = BenchContext(quick=True, scale="town", households=0)
    (first,) = bench_generate_county(ctx)
    (second,) = bench_generate_county(ctx)
    assert first.items_per_sample == second.items_per_sample == 3 * 10  # ten items, three branches
    assert Plan.objects.filter(title="bench").count() == 1
    assert Assignment.objects.count() == first.items_per_sample
    assert BranchFigure.objects.count() == 3 * 4  # three branches, four cadences
    assert first.meets_target


def test_board_bench_needs_a_server(town) -> None:
    (result,) = bench_board_http(BenchContext(quick=True, scale="town", households=0))
    assert result.notes == "no server"
