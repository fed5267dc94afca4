"""The roll-up benchmarks run (quick sizes) over a small synthetic county; CI checks they
work and that their reads are what a dashboard page needs."""

from __future__ import annotations

import pytest

from grassroots.analytics import benchmarks, services
from grassroots.analytics.models import PlaceFigures
from grassroots.bench.synth import synthesize
from grassroots.core.bench import BenchContext
from grassroots.grid.models import Place
from grassroots.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_roll_up_benchmarks_run_on_synthetic_data() -> None:
    s = synthesize(households=300, seed=1, months=3, residents=True)
    services.rebuild()
    ctx = BenchContext(
        quick=True,
        scale="town",
        households=300,
        options={"users": {"root": make_user("root", is_superuser=True)}, "root_path": s.root_path},
    )
    pages = benchmarks.dashboard_page_reads(ctx)
    assert [r.name.split(":")[1].split()[0] for r in pages] == ["county", "town"]
    assert all(r.queries is not None and r.queries <= 6 for r in pages)
    (refresh,) = benchmarks.town_refresh(ctx)
    assert refresh.meets_target
    (public,) = benchmarks.public_figures(ctx)
    assert len(public.samples_s) == 20
    # begin rollup
    steady, first = benchmarks.rebuild(ctx)
    assert first.name.startswith("first roll-up rebuild") and len(first.samples_s) == 1
    assert (steady.target_scale, first.target_scale) == ("province", "province")
    assert PlaceFigures.objects.count() == Place.objects.count()  # the first rebuild refilled it
    # end rollup
