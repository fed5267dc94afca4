"""The portal home benchmark runs against a live server and writes its content once."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.bench import BenchContext
from grassroots.portal.benchmarks import home_http
from grassroots.portal.models import Article
from grassroots.testing import Town


@pytest.mark.django_db(transaction=True)
def test_the_home_benchmark_runs_in_quick_mode(town: Town, live_server: Any) -> None:
    ctx = BenchContext(quick=True, scale="town", households=0, base_url=live_server.url)
    throughput, latency = home_http(ctx)
    assert Article.objects.filter(status=Article.Status.PUBLISHED, is_demo=True).count() == 15
    assert throughput.items_per_sample == 200 and throughput.target_throughput > 0
    assert len(latency.samples_s) == 200
    home_http(ctx)  # a second run writes nothing more
    assert Article.objects.count() == 15
