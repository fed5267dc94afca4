"""A small demo town: --reset replaces it, the seed makes it reproducible, scaling keeps links whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from grassroots.accounts.models import User
from grassroots.analytics.models import MonthFigures
from grassroots.analytics.services import rebuild
from grassroots.core.bench import BenchContext
from grassroots.demo import loader
from grassroots.demo.benchmarks import BENCHMARKS, QUICK_HOUSEHOLDS
from grassroots.demo.tests.conftest import load_for_module
from grassroots.grid.models import Household, Place, Representative, RepresentativeLink
from grassroots.party.models import Instructor, Member, Organization

pytestmark = pytest.mark.django_db

SMALL = 240


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, households=SMALL, extras=False)


def test_a_scaled_down_demo_keeps_every_household_linked_and_the_full_party_tree(
    small_demo: loader.DemoResult,
) -> None:
    assert Household.objects.count() == SMALL
    assert RepresentativeLink.objects.filter(ended_at__isnull=True).count() == SMALL
    assert Representative.objects.count() == round(SMALL * 605 / 6896)
    assert Organization.objects.filter(kind="branch").count() == 56
    assert Instructor.objects.filter(kind="instructor").count() == 42


def test_reset_deletes_the_demo_and_loads_it_again_with_the_same_seeded_names(
    small_demo: loader.DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    old_town = small_demo.town.pk
    heads = list(Household.objects.order_by("code").values_list("code", "head_name"))
    members = Member.objects.count()
    call_command("demo", "--reset", "--households", str(SMALL), "--without-cases")
    capsys.readouterr()
    town = loader.demo_town()
    assert town is not None and town.pk != old_town
    assert not Place.objects.filter(pk=old_town).exists()
    assert list(Household.objects.order_by("code").values_list("code", "head_name")) == heads
    assert Member.objects.count() == members
    assert Place.objects.filter(kind="town", name=loader.TOWN_NAME).count() == 1
    assert Place.objects.filter(kind="province", name="湖南省").count() == 1
    assert User.objects.filter(username="rep.0001").count() == 1


def test_reset_removes_demo_accounts_but_leaves_other_users_alone(
    small_demo: loader.DemoResult,
) -> None:
    keeper = User.objects.create_user(username="real.person", password="x" * 12)
    rebuild()  # month rows are keyed by path: they must go with the town, not wait for its successor
    assert MonthFigures.objects.exists()
    loader.reset_demo()
    assert not MonthFigures.objects.exists()
    assert loader.demo_town() is None
    assert not User.objects.filter(username__in=["admin", "rep.0001", "instructor.01"]).exists()
    assert not Household.objects.exists() and not Member.objects.exists()
    assert not Place.objects.filter(is_demo=True).exists()
    assert User.objects.filter(pk=keeper.pk).exists()
    loader.load_demo(households=SMALL, extras=False)  # the module teardown expects a demo to remove
    assert Household.objects.count() == SMALL


def test_the_load_benchmark_measures_a_small_town_and_leaves_the_database_as_it_was(
    small_demo: loader.DemoResult,
) -> None:
    town = loader.demo_town()
    before = (Household.objects.count(), Member.objects.count(), User.objects.count())
    [result] = BENCHMARKS[0](BenchContext(quick=True, scale="town", households=0))
    assert result.samples_s[0] > 0
    assert result.items_per_sample == QUICK_HOUSEHOLDS
    assert loader.demo_town() == town
    assert (Household.objects.count(), Member.objects.count(), User.objects.count()) == before


def test_the_demo_town_is_an_open311_jurisdiction_by_its_division_code(
    small_demo: loader.DemoResult,
) -> None:
    from grassroots.demo.spec import TOWN_CODE, VILLAGES, village_code
    from grassroots.open311.selectors import jurisdiction

    assert small_demo.town.code == TOWN_CODE
    assert jurisdiction(TOWN_CODE) == small_demo.town
    codes = dict(Place.objects.filter(code__startswith=TOWN_CODE[:9]).values_list("name", "code"))
    assert codes[VILLAGES[0].name] == village_code(0) and len(codes) == len(VILLAGES) + 1
