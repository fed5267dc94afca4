"""Demo meeting records: two closed quarters and this one of uneven organisational life in
every branch (the span of the demo's duty plan history, so its quarterly reviews rest on them).

Each branch gets a diligence drawn from the seed (most keep their meetings; about one in
six lags): a themed Party day and a committee meeting most months, a members' assembly
and a Party lecture each quarter, a Party group meeting now and then where the branch has
groups, a few heart-to-heart talks. Every record goes through `services.meeting_record`,
so the demo holds exactly what a secretary could have recorded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from grassroots.core import clock
from grassroots.core.actors import Actor
from grassroots.grid.models import Place
from grassroots.orglife import services
from grassroots.orglife.models import MeetingKind
from grassroots.party.models import Member, Organization

TOPICS = {
    MeetingKind.PARTY_DAY: [
        "学习贯彻党的二十大精神",
        "人居环境整治志愿服务",
        "重温入党誓词",
        "红色教育基地参观学习",
        "关爱留守老人走访慰问",
        "防汛抗旱安全宣传",
    ],
    MeetingKind.COMMITTEE_MEETING: [
        "研究本月重点工作",
        "讨论发展党员工作",
        "研究村级集体经济项目",
        "部署网格走访工作",
    ],
    MeetingKind.BRANCH_ASSEMBLY: ["通报季度工作并讨论下季度安排", "讨论预备党员转正"],
    MeetingKind.PARTY_LECTURE: ["书记讲党课：乡村振兴中的党员担当", "党史学习专题党课"],
    MeetingKind.GROUP_MEETING: ["学习党章", "组内党员联系户情况交流"],
    MeetingKind.HEART_TALK: ["与新任支委谈心谈话", "与流动党员谈心谈话"],
}
PLACES = ["村党群服务中心", "村部会议室", "新时代文明实践站", "支部活动室"]
EXCUSES = ["外出务工", "身体原因", "家中有事", "在外地就医"]


def _months(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _window(today: dt.date) -> dt.date:
    """The first day of the quarter before the previous one: two closed quarters and this one."""

    def quarter_start(day: dt.date) -> dt.date:
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)

    previous = quarter_start(quarter_start(today) - dt.timedelta(days=1))
    return quarter_start(previous - dt.timedelta(days=1))


def _attend(
    rng: random.Random, members: list[Member], diligence: float
) -> tuple[list[Member], dict[Member, str]]:
    present, excused = [], {}
    for member in members:
        roll = rng.random()
        if roll < 0.55 + 0.4 * diligence:
            present.append(member)
        elif roll < 0.97:
            excused[member] = rng.choice(EXCUSES)
    return present, excused


def load_demo_orglife(*, actor: Actor, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """Meetings of the last two quarters for every branch of `town`; counts by what was made."""
    rng = random.Random(seed * 7919 + 11)
    today = min(now.date(), clock.today())
    start = _window(today)
    counts = {"meetings": 0, "attendance": 0}
    branches = list(
        Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH).order_by("path")
    )
    for branch in branches:
        diligence = rng.uniform(0.3, 0.6) if rng.random() < 0.17 else rng.uniform(0.85, 1.0)
        groups = list(
            Organization.objects.filter(
                path__startswith=branch.path, kind=Organization.Kind.GROUP
            ).order_by("path")
        )
        plan: list[tuple[Organization, str, dt.date]] = []
        for month in _months(start, today):
            for kind in (MeetingKind.PARTY_DAY, MeetingKind.COMMITTEE_MEETING):
                if rng.random() < diligence:
                    plan.append((branch, kind, month.replace(day=rng.randint(3, 26))))
            if month.month in (2, 5, 8, 11):
                for kind in (MeetingKind.BRANCH_ASSEMBLY, MeetingKind.PARTY_LECTURE):
                    if rng.random() < diligence:
                        plan.append((branch, kind, month.replace(day=rng.randint(5, 25))))
            for group in groups:
                if rng.random() < diligence * 0.6:
                    plan.append(
                        (group, MeetingKind.GROUP_MEETING, month.replace(day=rng.randint(5, 25)))
                    )
        for _ in range(rng.randint(0, 3)):
            day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
            plan.append((branch, MeetingKind.HEART_TALK, day))
        rosters: dict[int, list[Member]] = {}
        for org, kind, held_on in sorted(plan, key=lambda p: (p[2], p[1])):
            if held_on > today:
                continue
            members = rosters.setdefault(org.pk, services.roster(org))
            if kind == MeetingKind.COMMITTEE_MEETING:
                members = [m for m in members if m.post in services.COMMITTEE_POSTS] or members
            elif kind == MeetingKind.HEART_TALK:
                members = rng.sample(members, min(2, len(members)))
            present, excused = _attend(rng, members, diligence)
            host = next((m.name for m in members if m.post == Member.Post.SECRETARY), "")
            meeting = services.meeting_record(
                actor=actor,
                organization=org,
                kind=kind,
                held_on=held_on,
                place=rng.choice(PLACES),
                topic=rng.choice(TOPICS[kind]),
                present=present,
                excused=excused,
                host=host,
                is_demo=True,
            )
            counts["meetings"] += 1
            counts["attendance"] += meeting.expected
    return counts
