"""Demo "Party-building+": a rice alliance, a village–enterprise pair and two projects.

The rice alliance (金色稻穗党建联盟) is led by the first village branch, with the next two
village branches, a cooperative and an enterprise; the pair links a village branch with a
non-public enterprise's branch. Of the two innovation projects one keeps its milestones,
the other has one overdue (shown red). Everything goes through `alliances.services`.
"""

from __future__ import annotations

import datetime as dt
import random

from grassroots.alliances import services
from grassroots.alliances.models import Alliance, AllianceKind, ProjectStatus, UnitKind
from grassroots.core import clock
from grassroots.core.actors import Actor
from grassroots.grid.models import Place
from grassroots.party.models import Organization


def _day(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def load_demo_alliances(
    *, actor: Actor, town: Place, now: dt.datetime, seed: int
) -> dict[str, int]:
    rng = random.Random(seed * 104729 + 3)
    today = min(now.date(), clock.today())
    branches = Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH).order_by(
        "path"
    )
    villages = list(branches.filter(org_type=Organization.OrgType.VILLAGE)[:4])
    firm = branches.filter(org_type=Organization.OrgType.TWO_NEW).first()
    counts = {"alliances": 0, "alliance_members": 0, "projects": 0, "milestones": 0}
    if len(villages) < 3:
        return counts
    lead, *neighbours = villages
    rice = services.alliance_create(
        actor=actor,
        name="金色稻穗党建联盟",
        kind=AllianceKind.ALLIANCE,
        lead=lead,
        description="以优质稻产业为纽带，联合周边村支部、专业合作社和米业企业，"
        "统一品种、统一技术、统一收购，带动农户增收。",
        founded_on=_day(today, -rng.randint(300, 400)),
        is_demo=True,
    )
    counts["alliances"] += 1
    _members(actor, rice, neighbours[:2])
    counts["alliance_members"] += 4
    if firm is not None and len(villages) > 3:
        _pair(actor, villages[3], firm, _day(today, -rng.randint(120, 200)))
        counts["alliances"] += 1
        counts["alliance_members"] += 1
    counts["milestones"] += _projects(actor, rice, lead, neighbours[0], today)
    counts["projects"] += 2
    return counts


def _members(actor: Actor, rice: Alliance, neighbours: list[Organization]) -> None:
    for branch in neighbours:
        services.alliance_member_add(
            actor=actor, alliance=rice, organization=branch, role="成员支部：组织种植户"
        )
    for name, kind, role in (
        ("稻香优质稻专业合作社", UnitKind.COOPERATIVE, "统一育秧与技术服务"),
        ("路口米业有限公司", UnitKind.ENTERPRISE, "订单收购与品牌销售"),
    ):
        services.alliance_member_add(
            actor=actor, alliance=rice, unit_name=name, unit_kind=kind, role=role
        )


def _pair(actor: Actor, village: Organization, firm: Organization, founded_on: dt.date) -> None:
    pair = services.alliance_create(
        actor=actor,
        name=f"{village.name.removesuffix('党支部')}村企联建",
        kind=AllianceKind.VILLAGE_ENTERPRISE,
        lead=village,
        description="村企结对：企业吸纳村民就业，村支部协调用地和用工服务。",
        founded_on=founded_on,
        is_demo=True,
    )
    services.alliance_member_add(
        actor=actor, alliance=pair, organization=firm, role="结对企业党支部"
    )


def _projects(
    actor: Actor, rice: Alliance, lead: Organization, neighbour: Organization, today: dt.date
) -> int:
    """The two projects of the rice alliance; the number of milestones made."""
    on_time = services.project_create(
        actor=actor,
        title="稻虾共养示范基地",
        organization=lead,
        alliance=rice,
        goals="建成稻虾共养示范田200亩，带动30户农户亩均增收1000元。",
        starts_on=_day(today, -150),
        due_on=_day(today, 120),
        status=ProjectStatus.IN_PROGRESS,
        is_demo=True,
    )
    late = services.project_create(
        actor=actor,
        title="“红色稻田”研学路线",
        organization=neighbour,
        alliance=rice,
        goals="串联村史馆与稻田，开发一条党性教育研学路线，年接待研学团队20批次。",
        starts_on=_day(today, -100),
        due_on=_day(today, 60),
        status=ProjectStatus.IN_PROGRESS,
        is_demo=True,
    )
    plan = (
        (on_time, "选定示范田并签订流转协议", -120, -125),
        (on_time, "完成田间改造和虾苗投放", -60, -62),
        (on_time, "首季收获与效益测算", 30, None),
        (on_time, "总结推广", 110, None),
        (late, "完成路线设计", -70, -72),
        (late, "村史馆布展完成", -15, None),  # overdue: shown red
        (late, "接待首批研学团队", 40, None),
    )
    for project, title, due, done in plan:
        milestone = services.milestone_add(
            actor=actor, project=project, title=title, due_on=_day(today, due)
        )
        if done is not None:
            services.milestone_tick(actor=actor, milestone=milestone, on=_day(today, done))
    return len(plan)
