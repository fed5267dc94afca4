"""Acceptance 1 (figures API side) over the demo town: /api/public/figures/ reports 6,896
households, 605 representatives, 56 branches, 42 instructors and 3 demonstration sites; the
demo's roll-ups equal direct counts, and a town's recompute equals the full rebuild.

Slow (the whole demo town, loaded once for the module).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from grassroots.analytics import services
from grassroots.analytics.models import ORG_COUNTERS, PLACE_COUNTERS, OrgFigures, PlaceFigures
from grassroots.analytics.tests.test_rollups import snapshot
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.party.models import Organization

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, extras=True)


def test_the_public_figures_of_the_demo(demo: loader.DemoResult, db: None) -> None:
    cache.clear()
    response = APIClient().get("/api/public/figures/")
    assert response.status_code == 200
    data = response.json()
    assert (
        data["households"],
        data["representatives"],
        data["branches"],
        data["instructors"],
        data["demonstration_sites"],
    ) == (6896, 605, 56, 42, 3)
    assert data["members"] > 0 and data["residents"] > data["households"]
    assert data["cases_resolved_this_year"] > 0
    assert 0 < data["satisfaction_rate"] <= 1


def test_the_demo_roll_ups_equal_direct_counts(demo: loader.DemoResult, db: None) -> None:
    town = loader.demo_town()
    services.rebuild()
    for row in PlaceFigures.objects.filter(path__startswith=town.path, depth__lte=town.depth + 1):
        assert {c: getattr(row, c) for c in PLACE_COUNTERS} == services.count_place(row.path)
    committee = Organization.objects.get(town=town, kind=Organization.Kind.COMMITTEE, depth=1)
    for row in OrgFigures.objects.filter(path__startswith=committee.path):
        assert {c: getattr(row, c) for c in ORG_COUNTERS} == services.count_org(row.path)
    top = OrgFigures.objects.get(path=committee.path)
    assert top.duty_total_month >= 0 and top.sites_demonstration == 3
    assert top.sites_planned + top.sites_build + top.sites_acceptance + top.sites_in_use == 56


def test_a_town_recompute_equals_the_full_rebuild(demo: loader.DemoResult, db: None) -> None:
    town = loader.demo_town()
    committee = Organization.objects.get(town=town, kind=Organization.Kind.COMMITTEE, depth=1)
    services.rebuild()
    full = snapshot()
    PlaceFigures.objects.filter(path__startswith=town.path).update(households=0, cases_open=9)
    OrgFigures.objects.filter(path__startswith=committee.path).update(members=0)
    services.refresh_subtree(place_path=town.path, org_path=committee.path)
    assert snapshot() == full
