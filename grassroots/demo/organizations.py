"""The demo town's Party tree: committee → general branches → 56 branches → groups,
members, instructors and their guidance visits.

A few hundred rows each, written through the party services so they are audited
like real data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from grassroots.accounts.models import User
from grassroots.demo.names import NameGen
from grassroots.demo.spec import (
    GENERAL_BRANCH_SIZES,
    GUIDANCE_TOPICS,
    INSTITUTION_GENERALS,
    INSTITUTIONS,
    INSTRUCTOR_TITLES,
    INSTRUCTORS,
    LEADERS,
    MEMBERS_PER_BRANCH,
    TOWN_NAME,
    TWO_NEW,
    TWO_NEW_GENERAL,
    cn_number,
)
from grassroots.grid.models import Place
from grassroots.party import services as party
from grassroots.party.models import Instructor, Member, Organization

OT = Organization.OrgType
K = Organization.Kind
POSTS = ["secretary", "deputy_secretary", "organizer", "propaganda", "discipline"]


@dataclass
class _Context:
    actor: User
    rng: random.Random
    names: NameGen
    town: Place
    today: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    def org(
        self, parent: Organization | None, kind: str, name: str, org_type: str, place: Place | None
    ) -> Organization:
        return party.organization_create(
            actor=self.actor,
            parent=parent,
            kind=kind,
            name=name,
            org_type=org_type,
            place=place,
            is_demo=True,
        )


def _village_branches(ctx: _Context, committee: Organization, village: Place) -> list[Organization]:
    n = GENERAL_BRANCH_SIZES.get(village.name, 0)
    if not n:
        return [ctx.org(committee, K.BRANCH, f"{village.name}党支部", OT.VILLAGE, village)]
    general = ctx.org(committee, K.GENERAL_BRANCH, f"{village.name}党总支", OT.VILLAGE, village)
    return [
        ctx.org(general, K.BRANCH, f"{village.name}第{cn_number(i + 1)}党支部", OT.VILLAGE, village)
        for i in range(n)
    ]


def _tree(ctx: _Context, villages: list[Place]) -> tuple[Organization, list[Organization]]:
    """The committee and every branch under it."""
    town = ctx.town
    committee = ctx.org(None, K.COMMITTEE, f"中共{TOWN_NAME}委员会", OT.VILLAGE, town)
    branches: list[Organization] = []
    for village in villages:
        branches.extend(_village_branches(ctx, committee, village))
    two_new_general = ctx.org(committee, K.GENERAL_BRANCH, TWO_NEW_GENERAL, OT.TWO_NEW, town)
    for name, grouped in TWO_NEW:
        parent = two_new_general if grouped else committee
        branches.append(ctx.org(parent, K.BRANCH, f"{name}党支部", OT.TWO_NEW, town))
    generals = {
        key: ctx.org(committee, K.GENERAL_BRANCH, name, OT.INSTITUTION, town)
        for key, name in INSTITUTION_GENERALS.items()
    }
    for name, key in INSTITUTIONS:
        parent = generals[key] if key else committee
        branches.append(ctx.org(parent, K.BRANCH, f"{name}党支部", OT.INSTITUTION, town))
    return committee, branches


def _branch_members(ctx: _Context, branch: Organization) -> None:
    """The branch's members; larger village branches split into Party groups (党小组)."""
    rng, names, today = ctx.rng, ctx.names, ctx.today
    lo, hi = MEMBERS_PER_BRANCH[branch.org_type]
    size = rng.randint(lo, hi)
    units = [branch]
    if size >= 30:
        for g in range(rng.randint(2, 3)):
            name = f"第{cn_number(g + 1)}党小组"
            units.append(ctx.org(branch, K.GROUP, name, branch.org_type, branch.place))
            ctx.counts["party_groups"] += 1
    posts = POSTS[: 5 if size >= 15 else 3]
    leaders = dict.fromkeys(units[1:], False)
    for i in range(size):
        unit = branch if i < len(posts) else units[i % len(units)]
        post = posts[i] if i < len(posts) else ""
        if unit is not branch and not leaders[unit]:
            post, leaders[unit] = "group_leader", True
        gender = "M" if rng.random() < 0.7 else "F"
        probationary = rng.random() < 0.05 and not post
        joined = (
            today - dt.timedelta(days=rng.randint(30, 360))
            if probationary
            else names.birth_date(1975, today.year - 2)
        )
        born = names.birth_date(1945, min(joined.year - 18, 2000))
        party.member_create(
            actor=ctx.actor,
            organization=unit,
            name=names.person(gender),
            status=Member.Status.PROBATIONARY if probationary else Member.Status.FULL,
            joined_on=joined,
            post=post,
            gender=gender,
            phone=names.phone(),
            id_number=names.id_number(born, gender) if rng.random() < 0.6 else "",
            is_demo=True,
        )
        ctx.counts["members"] += 1


def _instructors(
    ctx: _Context, branches: list[Organization], since: dt.date, users: Sequence[User]
) -> tuple[list[Instructor], dict[int, list[Organization]]]:
    """One branch each; the first ones take a second so every branch is covered.

    The i-th instructor logs in as `users[i]` (instructor.01 … instructor.42).
    """
    rng, names = ctx.rng, ctx.names
    order = [branches[0]] + rng.sample(branches[1:], len(branches) - 1)
    instructors: list[Instructor] = []
    for i in range(INSTRUCTORS):
        gender = "M" if rng.random() < 0.6 else "F"
        instructors.append(
            party.instructor_create(
                actor=ctx.actor,
                name=names.person(gender),
                title=rng.choice(INSTRUCTOR_TITLES),
                phone=names.phone(),
                user=users[i] if i < len(users) else None,
                town=ctx.town,
                is_demo=True,
            )
        )
    assigned: dict[int, list[Organization]] = {i: [] for i in range(INSTRUCTORS)}
    for j, branch in enumerate(order):
        assigned[j % INSTRUCTORS].append(branch)
    for i, instructor in enumerate(instructors):
        for branch in assigned[i]:
            party.instructor_assign(
                actor=ctx.actor, instructor=instructor, organization=branch, on=since
            )
            ctx.counts["assignments"] += 1
    return instructors, assigned


def _leaders(ctx: _Context, branches: list[Organization], since: dt.date) -> None:
    """Town leaders, each guiding a few village branches."""
    village_branches = [b for b in branches if b.org_type == OT.VILLAGE]
    for k, (title, n) in enumerate(LEADERS):
        leader = party.instructor_create(
            actor=ctx.actor,
            name=ctx.names.person("M" if ctx.rng.random() < 0.7 else "F"),
            kind=Instructor.Kind.LEADER,
            title=title,
            phone=ctx.names.phone(),
            town=ctx.town,
            is_demo=True,
        )
        for branch in village_branches[k * 3 : k * 3 + n]:
            party.instructor_assign(
                actor=ctx.actor, instructor=leader, organization=branch, on=since
            )


def _guidance(
    ctx: _Context, instructors: list[Instructor], assigned: dict[int, list[Organization]]
) -> None:
    rng = ctx.rng
    for i, instructor in enumerate(instructors):
        for _ in range(1 if i % 3 else 2):
            party.guidance_visit_log(
                actor=ctx.actor,
                organization=rng.choice(assigned[i]),
                topic=rng.choice(GUIDANCE_TOPICS),
                notes="",
                visited_on=ctx.today - dt.timedelta(days=rng.randrange(90)),
                instructor=instructor,
                is_demo=True,
            )
            ctx.counts["guidance_visits"] += 1


def build_party(
    *,
    actor: User,
    rng: random.Random,
    names: NameGen,
    town: Place,
    villages: list[Place],
    today: dt.date,
    instructor_users: Sequence[User] = (),
) -> tuple[Organization, dict[str, int]]:
    """The Party tree, its members and instructors; returns the committee and the counts."""
    ctx = _Context(actor, rng, names, town, today)
    ctx.counts.update(members=0, party_groups=0, assignments=0, guidance_visits=0)
    committee, branches = _tree(ctx, villages)
    for branch in branches:
        _branch_members(ctx, branch)
    since = today - dt.timedelta(days=200)
    instructors, assigned = _instructors(ctx, branches, since, instructor_users)
    _leaders(ctx, branches, since)
    _guidance(ctx, instructors, assigned)
    counts = ctx.counts
    return committee, {
        "branches": len(branches),
        "party_groups": counts["party_groups"],
        "members": counts["members"],
        "instructors": len(instructors),
        "leaders": len(LEADERS),
        "assignments": counts["assignments"],
        "guidance_visits": counts["guidance_visits"],
    }
