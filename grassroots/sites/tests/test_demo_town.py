"""Acceptance 5 (sites): the demo town's 56 site projects, 3 demonstration ones, all past
design, due 31 May, 30+ linked guidance visits, the board's stage counts; idempotent.

Slow (the demo town is loaded once for the module): one module of this kind only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.core import clock
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.sites import selectors
from grassroots.sites.demo import load_demo_sites
from grassroots.sites.models import Project, ProjectVisit, Stage

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, extras=False)


def test_the_demo_sites_and_the_board(demo: loader.DemoResult, db: None) -> None:
    town = loader.demo_town()
    actor = loader.system_user()
    started = time.perf_counter()
    counts = load_demo_sites(actor=actor, town=town, now=clock.now(), seed=1)
    print(f"\nsites demo: {time.perf_counter() - started:.1f} s {counts}")
    projects = Project.objects.filter(town=town)
    assert counts["projects"] == projects.count() == 56
    assert projects.filter(is_demonstration=True).count() == 3
    assert projects.filter(linked_projects__contains="麻林老街").count() == 1
    assert not projects.filter(stage__in=["", Stage.SURVEY, Stage.SITING]).exists()
    today = clock.today()
    deadline = dt.date(today.year if today <= dt.date(today.year, 5, 31) else today.year + 1, 5, 31)
    assert set(projects.values_list("deadline", flat=True)) == {deadline}
    assert counts["visits"] == ProjectVisit.objects.filter(project__town=town).count() >= 30
    by_stage = {s: n for s, _label, n in selectors.stage_counts(projects)}
    assert by_stage[Stage.DESIGN] > by_stage[Stage.BUILD] > 0  # most under construction
    assert by_stage[Stage.IN_USE] > 0 and by_stage[Stage.ACCEPTANCE] > 0
    assert sum(by_stage.values()) == 56
    assert load_demo_sites(actor=actor, town=town, now=clock.now(), seed=1)["projects"] == 0
    # The board shows the stage tiles to the organisation officer of the demo town.
    client = Client()
    client.force_login(actor)
    page = client.get(reverse("sites:board"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for stage in by_stage:
        assert f'data-stage="{stage}"' in page
    assert "56" in page
