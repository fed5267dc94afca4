"""The demo items: every state and colour, built through the services, deterministic."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.core import clock
from grassroots.notify.models import Notice
from grassroots.rectify import selectors
from grassroots.rectify.demo import load_demo_rectify
from grassroots.rectify.models import Item, Status
from grassroots.rectify.tests.conftest import at
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def _load(town: Town) -> dict[str, int]:
    return load_demo_rectify(actor=town.root, town=town.town, now=clock.now(), seed=7)


def _shape() -> list[tuple[int, str, dt.date, str]]:
    return list(
        Item.objects.order_by("registered_at", "pk").values_list(
            "organization_id", "status", "deadline", "source"
        )
    )


def test_demo_items_cover_every_state_and_colour(town: Town) -> None:
    now = at(dt.date(2026, 11, 16), 20)
    clock.set_now(now)
    counts = _load(town)
    assert counts == {"rectification_items": 12, "rectification_closed": 2}
    assert clock.now() == now  # the clock is back where it was
    items = list(Item.objects.filter(is_demo=True, town=town.town))
    assert {i.status for i in items} == set(Status.values)
    assert {selectors.colour(i, now.date()) for i in items} == {"none", "green", "yellow", "red"}
    assert sum(1 for i in items if i.extensions.filter(approved=True).exists()) == 1
    assert sum(1 for i in items if i.extensions.filter(approved__isnull=True).exists()) == 1
    # The sweep ran along: red items warned red, their secretaries told.
    for item in items:
        assert item.warned == selectors.colour(item, now.date()) or item.status == Status.CLOSED
    assert Notice.objects.filter(message="rectify.warning.red", recipient=town.sam).exists()
    # Loading again adds nothing; from scratch with the same seed, the same items.
    assert _load(town) == {"rectification_items": 12}
    before = _shape()
    Item.objects.all().delete()
    _load(town)
    assert _shape() == before
