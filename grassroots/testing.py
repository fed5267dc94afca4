"""A small town with personas, shared by every app's tests (see conftest.py).

alice   — town administrator (sees everything in 测试镇)
sam     — secretary of village A 明月村 (sees village A only)
rita    — representative in village B 上杉市村 (sees her own households only)
ivan    — instructor for branch B (sees that branch only)
oscar   — an outsider with an account and no role (sees nothing)
olga    — organisation officer at the town committee (Party records only)
irene   — inspector anchored at the town (inspections and rectification, town-wide)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Representative
from grassroots.party import services as party
from grassroots.party.models import Instructor, Member, Organization

PASSWORD = "correct-horse-battery"  # noqa: S105 - test persona
# Valid resident ID numbers (checksums verified by stdnum.cn.ric); fictional people.
ID_A = "430121199001011237"
ID_B = "430121198505052345"


@dataclass
class Town:
    town: Place
    village_a: Place
    village_b: Place
    group_a1: Place
    group_a2: Place
    group_b1: Place
    household_a1: Household
    household_a2: Household
    household_b1: Household
    household_b2: Household
    rep_a: Representative
    rep_b: Representative
    committee: Organization
    branch_a: Organization
    branch_b: Organization
    branch_firm: Organization
    member_a: Member
    member_b: Member
    instructor: Instructor
    root: User
    alice: User
    sam: User
    rita: User
    ivan: User
    oscar: User
    olga: User
    irene: User


def make_user(username: str, **kwargs: Any) -> User:
    return account_services.user_create(actor=None, username=username, password=PASSWORD, **kwargs)


def build_town() -> Town:
    """The persona town; the parts are built in this order (ids and the audit log rely on it)."""
    root = make_user("root", is_superuser=True)
    parts: dict[str, Any] = {"root": root}
    parts.update(_places(root))
    parts.update(_households(root, parts))
    parts.update(_party(root, parts))
    parts.update(_personas(root, parts))
    return Town(**parts)


def _places(root: User) -> dict[str, Place]:
    town = grid.place_create(
        actor=root, parent=None, kind=Place.Kind.TOWN, name="测试镇", code="430121100000"
    )
    village_a = grid.place_create(actor=root, parent=town, kind=Place.Kind.VILLAGE, name="明月村")
    village_b = grid.place_create(actor=root, parent=town, kind=Place.Kind.VILLAGE, name="上杉市村")
    group_a1 = grid.place_create(actor=root, parent=village_a, kind=Place.Kind.GROUP, name="一组")
    group_a2 = grid.place_create(actor=root, parent=village_a, kind=Place.Kind.GROUP, name="二组")
    group_b1 = grid.place_create(actor=root, parent=village_b, kind=Place.Kind.GROUP, name="一组")
    return {
        "town": town,
        "village_a": village_a,
        "village_b": village_b,
        "group_a1": group_a1,
        "group_a2": group_a2,
        "group_b1": group_b1,
    }


def _households(root: User, p: dict[str, Any]) -> dict[str, Any]:
    """Rita (representative in village B) with the representatives, households, residents."""
    rita = make_user("rita", display_name="代表丽塔")
    rep_a = grid.representative_create(
        actor=root, village=p["village_a"], name="张代表", phone="13800000001"
    )
    rep_b = grid.representative_create(
        actor=root, village=p["village_b"], name="丽塔", phone="13800000002", user=rita
    )
    h_a1 = grid.household_create(
        actor=root,
        group=p["group_a1"],
        code="A-001",
        head_name="王大明",
        phone="13812345678",
        address="明月村一组1号",
        size=3,
        representative=rep_a,
    )
    h_a2 = grid.household_create(
        actor=root,
        group=p["group_a2"],
        code="A-002",
        head_name="李小红",
        phone="13912345678",
        address="明月村二组2号",
        size=2,
        representative=rep_a,
    )
    h_b1 = grid.household_create(
        actor=root,
        group=p["group_b1"],
        code="B-001",
        head_name="赵铁柱",
        phone="13712345678",
        address="上杉市村一组1号",
        size=4,
        representative=rep_b,
    )
    h_b2 = grid.household_create(
        actor=root,
        group=p["group_b1"],
        code="B-002",
        head_name="钱多多",
        phone="13612345678",
        address="上杉市村一组2号",
        size=1,
    )
    grid.resident_create(
        actor=root,
        household=h_a1,
        name="王大明",
        relation="head",
        id_number=ID_A,
        phone="13812345678",
    )
    grid.resident_create(actor=root, household=h_b1, name="赵铁柱", relation="head", id_number=ID_B)
    return {
        "rita": rita,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "household_a1": h_a1,
        "household_a2": h_a2,
        "household_b1": h_b1,
        "household_b2": h_b2,
    }


def _party(root: User, p: dict[str, Any]) -> dict[str, Any]:
    committee = party.organization_create(
        actor=root,
        parent=None,
        kind=Organization.Kind.COMMITTEE,
        name="中共测试镇委员会",
        place=p["town"],
    )
    branch_a = party.organization_create(
        actor=root,
        parent=committee,
        kind=Organization.Kind.BRANCH,
        name="明月村党支部",
        place=p["village_a"],
    )
    branch_b = party.organization_create(
        actor=root,
        parent=committee,
        kind=Organization.Kind.BRANCH,
        name="上杉市村党支部",
        place=p["village_b"],
    )
    branch_firm = party.organization_create(
        actor=root,
        parent=committee,
        kind=Organization.Kind.BRANCH,
        name="测试科技有限公司党支部",
        org_type=Organization.OrgType.TWO_NEW,
        place=p["town"],
    )
    member_a = party.member_create(
        actor=root,
        organization=branch_a,
        name="王书记",
        post="secretary",
        phone="13500000001",
        joined_on=dt.date(2001, 7, 1),
    )
    member_b = party.member_create(
        actor=root,
        organization=branch_b,
        name="赵党员",
        status="probationary",
        joined_on=dt.date(2023, 7, 1),
    )
    return {
        "committee": committee,
        "branch_a": branch_a,
        "branch_b": branch_b,
        "branch_firm": branch_firm,
        "member_a": member_a,
        "member_b": member_b,
    }


def _personas(root: User, p: dict[str, Any]) -> dict[str, Any]:
    """The users with roles (alice, sam, olga, ivan) and oscar, who has none."""
    alice = make_user("alice", display_name="镇管理员")
    account_services.role_grant(actor=root, user=alice, role=Role.TOWN_ADMIN, place=p["town"])
    sam = make_user("sam", display_name="明月村书记")
    account_services.role_grant(actor=root, user=sam, role=Role.SECRETARY, place=p["village_a"])
    olga = make_user("olga", display_name="组织委员")
    account_services.role_grant(
        actor=root, user=olga, role=Role.ORG_OFFICER, organization=p["committee"]
    )
    ivan = make_user("ivan", display_name="指导员")
    instructor = party.instructor_create(actor=root, name="伊万", user=ivan, town=p["town"])
    party.instructor_assign(actor=root, instructor=instructor, organization=p["branch_b"])
    oscar = make_user("oscar")
    irene = make_user("irene", display_name="督查员")
    account_services.role_grant(actor=root, user=irene, role=Role.INSPECTOR, place=p["town"])
    return {
        "alice": alice,
        "sam": sam,
        "olga": olga,
        "ivan": ivan,
        "instructor": instructor,
        "oscar": oscar,
        "irene": irene,
    }


def fresh(user: User) -> User:
    """The same user without a cached scope (after roles change)."""
    return User.objects.get(pk=user.pk)
