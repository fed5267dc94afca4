"""Fixtures of the browser tests: the shared ones (grassroots.browser_testing) and the
demo town, small, with a persona for every role.

The town is the demo loader's 路口镇 at `HOUSEHOLDS` households (about 4 s): real rows on
every page — households with visits, cases in every state, notices, the full Party tree
with instructors and guidance visits. The personas are found by role, not by username,
so a change in the demo's account names does not break the crawl; the data has no
inspector, so one is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from grassroots.accounts import services as account_services
from grassroots.accounts.models import RoleAssignment, User
from grassroots.browser_testing import browser, persona_context  # noqa: F401
from grassroots.core.roles import Role
from grassroots.demo import loader
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Instructor

HOUSEHOLDS = 60


@dataclass(frozen=True)
class Persona:
    label: str  # "secretary (明月村)", shown in every violation
    user: User | None  # None: the anonymous visitor


@dataclass
class UiTown:
    town: Place
    personas: list[Persona]

    def persona(self, prefix: str) -> Persona:
        return next(p for p in self.personas if p.label.startswith(prefix))


def _holder(role: str, town: Place) -> User:
    ra = (
        RoleAssignment.objects.filter(active=True, role=role, user__is_active=True)
        .select_related("user", "place", "organization")
        .order_by("pk")
        .first()
    )
    assert ra is not None, f"the demo town has no {role}"
    return ra.user


def _inspector(town: Place) -> User:
    found = RoleAssignment.objects.filter(active=True, role=Role.INSPECTOR).first()
    if found is not None:
        return found.user
    user = account_services.user_create(
        actor=None, username="ui.inspector", password=None, display_name="督查员"
    )
    account_services.role_grant(actor=None, user=user, role=Role.INSPECTOR, place=town)
    return user


def build_ui_town(households: int = HOUSEHOLDS, *, extras: bool = True) -> UiTown:
    """`extras=False`: the grid and the Party tree only (no cases, no Party-building loop),
    for a test that needs the people and their households and nothing else."""
    result = loader.load_demo(households=households, extras=extras)
    town = result.town
    secretary = _holder(Role.SECRETARY, town)
    village = RoleAssignment.objects.get(user=secretary, role=Role.SECRETARY).place
    rep = (
        Representative.objects.filter(town=town, user__isnull=False)
        .exclude(place=village)
        .select_related("user", "place")
        .order_by("pk")
        .first()
    )
    assert rep is not None, (
        "the demo town has no representative login outside the secretary's village"
    )
    instructor = Instructor.objects.filter(town=town, user__isnull=False).order_by("pk").first()
    assert instructor is not None, "the demo town has no instructor login"
    personas = [
        Persona("town administrator", _holder(Role.TOWN_ADMIN, town)),
        Persona("organisation officer", _holder(Role.ORG_OFFICER, town)),
        Persona(f"secretary ({village.name})", secretary),
        Persona(f"representative ({rep.place.name})", rep.user),
        Persona("instructor", instructor.user),
        Persona("handler", _holder(Role.HANDLER, town)),
        Persona("inspector", _inspector(town)),
        Persona("anonymous", None),
    ]
    return UiTown(town=town, personas=personas)


@pytest.fixture
def ui_town(live_server: Any) -> UiTown:
    return build_ui_town()


@pytest.fixture
def ui_grid_town(live_server: Any) -> UiTown:
    """The same town without the other apps' demo data: a quarter of the load time."""
    return build_ui_town(extras=False)
