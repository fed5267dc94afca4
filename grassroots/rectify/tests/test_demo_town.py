"""The demo function on the real demo town 路口镇 (small grid, full Party tree): the
明月村 secretary finds items to act on, and the demo reset removes every item."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.rectify.demo import load_demo_rectify
from grassroots.rectify.models import Item, ItemEvent, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def small_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, households=120, extras=False)


def test_demo_items_in_the_demo_town(small_demo: loader.DemoResult) -> None:
    town = small_demo.town
    counts = load_demo_rectify(
        actor=loader.system_user(), town=town, now=clock.now(), seed=loader.SEED
    )
    assert counts == {"rectification_items": 12, "rectification_closed": 2}
    items = Item.objects.filter(town=town, is_demo=True)
    assert items.filter(organization__name__contains="明月").count() >= 2
    organizer = User.objects.get(username="organizer")
    assert items.filter(registered_by=organizer).count() == 12
    assert {i.status for i in items} == set(Status.values)
    client = Client()
    client.force_login(User.objects.get(username="secretary.mingyue"))
    page = client.get("/rectify/").content.decode()
    mine = items.filter(organization__name__contains="明月").first()
    assert mine is not None and mine.code in page
    loader.reset_demo()
    assert not Item.objects.exists() and not ItemEvent.objects.exists()
