"""The meeting and alliance demos on the real demo town (56 branches), and its reset.

Slow (the demo town is loaded once for the module): one module of this kind only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.alliances.demo import load_demo_alliances
from grassroots.alliances.models import Alliance, InnovationProject
from grassroots.core import clock
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.orglife.demo import load_demo_orglife
from grassroots.orglife.models import Meeting
from grassroots.party.models import Organization

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, extras=False)


def test_every_branch_has_uneven_history_and_the_reset_removes_it(
    demo: loader.DemoResult, db: None
) -> None:
    town = loader.demo_town()
    actor = loader.system_user()
    started = time.perf_counter()
    counts = load_demo_orglife(actor=actor, town=town, now=clock.now(), seed=1)
    print(f"\norglife demo: {time.perf_counter() - started:.1f} s {counts}")
    branches = Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH)
    assert branches.count() == 56
    per_branch = {b: Meeting.objects.filter(branch=b, kind="party_day").count() for b in branches}
    assert min(per_branch.values()) < max(per_branch.values())  # some branches lag
    assert Meeting.objects.filter(kind="group_meeting").exists()
    assert counts["meetings"] == Meeting.objects.count() > 56 * 8
    made = load_demo_alliances(actor=actor, town=town, now=clock.now(), seed=1)
    assert made["alliances"] == 2 and made["projects"] == 2
    loader.reset_demo()
    assert not Meeting.objects.exists()
    assert not Alliance.objects.exists() and not InnovationProject.objects.exists()
