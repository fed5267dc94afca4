from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from grassroots.accounts import services as account_services
from grassroots.browser_testing import browser, persona_context  # noqa: F401
from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.rectify import services
from grassroots.rectify.models import Item, Kind, Source
from grassroots.testing import Town, make_user

START = dt.date(2026, 11, 2)  # a Monday


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def today() -> dt.date:
    clock.set_now(at(START))
    return START


def register(town: Town, **kw: Any) -> Item:
    """An item of branch A registered by olga (the org officer), due in 30 days."""
    kw.setdefault("actor", town.olga)
    kw.setdefault("organization", town.branch_a)
    kw.setdefault("source", Source.SUPERVISION)
    kw.setdefault("problem", "三会一课记录不完整")
    kw.setdefault("measures", "补齐记录，建立台账")
    kw.setdefault("kind", Kind.DEADLINE)
    kw.setdefault("deadline", clock.today() + dt.timedelta(days=30))
    return services.item_register(**kw)


def to_review(town: Town, item: Item, **signoff: Any) -> Item:
    """Hand over (olga), start and request sign-off (sam), start review (irene)."""
    item = services.item_hand_over(actor=town.olga, item=item)
    item = services.item_start(actor=town.sam, item=item)
    signoff.setdefault("note", "已补齐全部记录")
    item = services.item_request_signoff(actor=town.sam, item=item, **signoff)
    return services.item_start_review(actor=town.irene, item=item)


def staff(town: Town, username: str, place: Any = None) -> Any:
    """A user with a role in the town (a case handler of village A unless told otherwise),
    so that they may be named responsible person or leader."""
    user = make_user(username)
    account_services.role_grant(
        actor=town.root, user=user, role=Role.HANDLER, place=place or town.village_a
    )
    return user
