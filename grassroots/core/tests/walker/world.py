"""The world the scope walker walks: the persona town, a town handler holding one case,
and a far town whose rows nobody in the persona town reaches.

Every persona needs, for every scoped model, one row outside its reach: the far
town gives the town administrator (who reaches all of the persona town) such rows too.

An app adds its own rows to both towns in `grassroots/<app>/tests/walker_rows.py`:
`far_rows(root, far) -> dict` (rows of the far town, given what `_far_town` built) and,
optionally, `town_rows(town) -> None` (rows of the persona town, so that every persona
has something reachable to open). The world finds those modules itself.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.cases import services as cases
from grassroots.cases.models import Case, CaseIntake, CaseSummons, Category, Channel
from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place
from grassroots.notify.services import notify
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town, make_user

# The seven personas of issue #9 (None: anonymous), with the organisation officer and the
# inspector of issue #11.
PERSONAS: tuple[str | None, ...] = (
    "alice",
    "sam",
    "rita",
    "ivan",
    "hank",
    "olga",
    "irene",
    "oscar",
    None,
)
MISSING_PK = 987_654_321  # an id no row has: out of reach must look exactly like this


@dataclass
class World:
    town: Town
    hank: User
    held_case: Case  # assigned to hank: his only case
    village_b_case: Case  # filed at rita's household in village B
    far: dict[str, Any] = field(default_factory=dict)
    summons: CaseSummons | None = None
    foreign_intake: CaseIntake | None = None

    def user(self, name: str | None) -> User | AnonymousUser:
        return AnonymousUser() if name is None else User.objects.get(username=name)


def _far_town(root: User) -> dict[str, Any]:
    """A second town with one row of every scoped kind, reached by no persona."""
    town = grid.place_create(
        actor=root, parent=None, kind=Place.Kind.TOWN, name="远方镇", code="430121200000"
    )
    village = grid.place_create(actor=root, parent=town, kind=Place.Kind.VILLAGE, name="远山村")
    group = grid.place_create(actor=root, parent=village, kind=Place.Kind.GROUP, name="九组")
    far_user = make_user("farrep")
    rep = grid.representative_create(
        actor=root, village=village, name="远代表", phone="13800000099", user=far_user
    )
    household = grid.household_create(
        actor=root,
        group=group,
        code="Z-901",
        head_name="孙远方",
        phone="13898765432",
        address="远山村九组9号",
        size=2,
        representative=rep,
    )
    resident = grid.resident_create(actor=root, household=household, name="孙远方", relation="head")
    visit = grid.visit_log(actor=far_user, household=household, notes="远方走访")
    committee = party.organization_create(
        actor=root,
        parent=None,
        kind=Organization.Kind.COMMITTEE,
        name="中共远方镇委员会",
        place=town,
    )
    branch = party.organization_create(
        actor=root,
        parent=committee,
        kind=Organization.Kind.BRANCH,
        name="远山村党支部",
        place=village,
    )
    member = party.member_create(
        actor=root, organization=branch, name="远方党员", joined_on=dt.date(2010, 7, 1)
    )
    far_ivan = make_user("farivan")
    instructor = party.instructor_create(actor=root, name="远指导员", user=far_ivan, town=town)
    assignment = party.instructor_assign(actor=root, instructor=instructor, organization=branch)
    guidance = party.guidance_visit_log(actor=far_ivan, organization=branch, topic="远方指导")
    case = cases.case_submit(
        actor=None,
        text="远山村的路灯坏了很久",
        place=group,
        category=Category.objects.get(code="roads-repair"),
        channel=Channel.SELF_SERVICE,
    )
    cases.case_announce(case.pk)
    return {
        "town": town,
        "village": village,
        "group": group,
        "household": household,
        "resident": resident,
        "representative": rep,
        "visit": visit,
        "committee": committee,
        "branch": branch,
        "member": member,
        "instructor": instructor,
        "assignment": assignment,
        "guidance": guidance,
        "case": case,
    }


def _app_rows() -> list[Any]:
    """Each installed app's `tests/walker_rows.py`, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("grassroots."):
            continue
        try:
            found.append(importlib.import_module(f"{config.name}.tests.walker_rows"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.walker_rows":
                raise
    return found


def build_world(town: Town) -> World:
    """The persona town plus hank (a town-level handler with one assigned case) and the far town."""
    clock.set_now(clock.now())  # one instant for the whole build: deadlines repeat
    hank = make_user("hank", display_name="水务站小何")
    account_services.role_grant(actor=town.root, user=hank, role=Role.HANDLER, place=town.town)
    category = Category.objects.get(code="roads-repair")
    held = cases.case_submit(
        actor=None,
        text="村口道路破损严重，有很多坑",
        household=town.household_a1,
        place=town.group_a1,
        category=category,
        channel=Channel.SELF_SERVICE,
    )
    cases.case_announce(held.pk)
    cases.case_accept(actor=town.sam, case=held)
    cases.case_assign(actor=town.sam, case=held, handler=hank)
    village_b_case = cases.case_submit(
        actor=town.rita,
        text="上杉市村一组的水渠堵了",
        household=town.household_b1,
        category=category,
        channel=Channel.VISIT,
    )
    cases.case_announce(village_b_case.pk)
    world = World(town=town, hank=hank, held_case=held, village_b_case=village_b_case)
    world.far = _far_town(town.root)
    for module in _app_rows():
        if hasattr(module, "town_rows"):
            module.town_rows(town)
        world.far.update(module.far_rows(town.root, world.far))
    # Notices: each persona's inbox is theirs alone; root's notice is nobody else's.
    notify(recipients=[town.root], kind="walker", title="root only", obj=world.far["case"])
    for name in ("alice", "sam", "rita", "ivan", "oscar"):
        notify(recipients=[getattr(town, name)], kind="walker", title=f"{name} only")
    (world.summons,) = cases.case_whistle(
        actor=town.alice, case=village_b_case, users=[town.sam], note="吹哨"
    )
    world.foreign_intake = cases.case_intake(
        actor=town.root, text="远方排队的诉求", place=world.far["group"], category=category
    )
    return world


def first_unreachable(model: type[models.Model], user: Any) -> models.Model | None:
    """The oldest row of `model` the user does not reach (the persona town's first)."""
    visible = model.objects.visible_to(user).values("pk")  # type: ignore[attr-defined]
    return model.objects.exclude(pk__in=visible).order_by("pk").first()


def first_reachable(model: type[models.Model], user: Any) -> models.Model | None:
    return model.objects.visible_to(user).order_by("pk").first()  # type: ignore[attr-defined]


MARKERS: dict[type[models.Model], str] = {Household: "code", Case: "code"}
