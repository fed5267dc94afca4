"""The cadence benchmarks run (quick sizes) on the persona town; CI checks they work."""

from __future__ import annotations

import pytest

from grassroots.cadence.benchmarks import bench_review_county, bench_review_http
from grassroots.cadence.models import QuarterScore
from grassroots.cadence.tests.helpers import at
from grassroots.core import clock
from grassroots.core.bench import BenchContext

pytestmark = pytest.mark.django_db


def test_review_county_bench_ranks_every_branch(town) -> None:  # noqa: ANN001
    clock.set_now(at(2026, 11, 25, 10))
    (result,) = bench_review_county(BenchContext(quick=True, scale="town", households=0))
    assert result.items_per_sample == 3  # the persona town's three branches, ranked
    assert result.meets_target
    assert not QuarterScore.objects.exists()  # nothing stored


def test_review_http_bench_needs_a_server(town) -> None:  # noqa: ANN001
    (result,) = bench_review_http(BenchContext(quick=True, scale="town", households=0))
    assert result.notes == "no server"
