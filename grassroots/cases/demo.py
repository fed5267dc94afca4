"""Demo cases: about six months across every state, category and village.

Every case is driven through the real services with the clock set to each
step's instant, so timelines, deadlines and measures are consistent. Finally the
sweeps run at `now`, producing the warnings and escalations of late cases.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from grassroots.accounts import services as account_services
from grassroots.accounts.models import RoleAssignment, User
from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, Category, Channel, Closure
from grassroots.cases.selectors import children_of
from grassroots.core import calendar, clock
from grassroots.core.actors import Actor
from grassroots.core.roles import Role
from grassroots.grid.models import Household, Place

TEXTS: dict[str, list[str]] = {
    "roads": ["村口道路有个大坑，下雨天积水", "通组公路路面开裂", "桥边护栏松动"],
    "roads-repair": ["组里水泥路破损严重，车辆难行", "路面塌陷了一块，晚上危险"],
    "roads-lights": ["村部门口路灯不亮一个多星期了", "组里新装的路灯晚上不亮"],
    "utilities-water": ["家里停水两天了", "自来水水压太低，二楼上不去水", "水管爆裂一直在漏水"],
    "utilities-power": ["组里经常跳闸停电", "电线老化垂得很低，担心安全"],
    "utilities-gas": ["天然气开户一直没人上门", "闻到燃气味，担心漏气"],
    "sanitation": ["垃圾桶满了好几天没人清运", "沟渠里污水发臭", "河道里漂着很多垃圾"],
    "disputes": ["和邻居因为宅基地边界有矛盾", "邻居家养狗噪音扰民"],
    "welfare": ["申请低保一个月没有回音", "老人养老保险待遇没到账", "残疾补贴怎么申请"],
    "health": ["村卫生室经常没人", "老人体检通知没收到"],
    "farming": ["灌溉水渠堵了，田里缺水", "稻田出现病虫害，需要技术指导"],
    "safety": ["老房子墙体开裂，怕倒塌", "路边电线杆倾斜"],
    "other": ["想咨询一下宅基地审批流程", "建议村里增设健身器材"],
}

# Demo cases are marked as such and announced as they are filed, in the past.
DEMO_ENTRY = services.Entry(is_demo=True, announce_now=True)

# scenario → weight
SCENARIOS = {
    "closed": 46,
    "rework_closed": 7,
    "rejected": 4,
    "withdrawn": 4,
    "reopened": 3,
    "replied": 5,
    "in_progress": 8,
    "overdue": 8,
    "suspended": 3,
    "assigned": 4,
    "returned": 3,
    "submitted": 5,
}


def _handlers(town: Place) -> list[User]:
    ids = RoleAssignment.objects.filter(
        active=True, role=Role.HANDLER, place__path__startswith=town.path
    ).values_list("user_id", flat=True)
    users = list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk")[:5])
    if users:
        return users
    made = []
    for n, name in ((1, "镇水务站"), (2, "镇城建办"), (3, "镇民政办")):
        username = f"handler.{town.pk}.{n}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                actor=None, username=username, password=None, display_name=name
            )
            account_services.role_grant(actor=None, user=user, role=Role.HANDLER, place=town)
        made.append(user)
    return made


def _working_instant(rng: random.Random, day: dt.date) -> dt.datetime:
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return clock.timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    )


def load_demo_cases(*, actor: Actor, town: Place, now: dt.datetime, seed: int = 1) -> int:
    """Create demo cases for `town`; returns how many. `actor` is a town administrator."""
    rng = random.Random(seed)
    categories = list(Category.objects.filter(active=True))
    by_code = {c.code: c for c in categories}
    villages = children_of(town)
    handlers = _handlers(town)
    # Plan first, play after: the plan guarantees every scenario at least once
    # whatever the seed, so fewer cases (the slow part: each step is a real
    # service call) still cover every state.
    plans: list[dict[str, Any]] = []
    for village in villages:
        groups = children_of(village)
        if not groups:
            continue
        households = list(
            Household.objects.filter(place_path__startswith=village.path).order_by("pk")[:200]
        )
        for months_back in range(6, -1, -1):
            for _ in range(rng.randint(1, 3)):
                day = (now - dt.timedelta(days=30 * months_back + rng.randint(0, 29))).date()
                start = _working_instant(rng, day)
                if start >= now - dt.timedelta(hours=2):
                    continue
                code = rng.choice(list(TEXTS))
                household = rng.choice(households) if households and rng.random() < 0.7 else None
                plans.append(
                    {
                        "category": by_code.get(code) or by_code.get("other") or categories[0],
                        "text": rng.choice(TEXTS[code]),
                        "place": household.place if household else rng.choice(groups),
                        "household": household,
                        "start": start,
                        "scenario": rng.choices(list(SCENARIOS), weights=list(SCENARIOS.values()))[
                            0
                        ],
                    }
                )
    # Missing scenarios go to cases begun 3 to 8 weeks ago: time enough to finish.
    seen = {p["scenario"] for p in plans}
    spare = [p for p in plans if dt.timedelta(weeks=3) <= now - p["start"] <= dt.timedelta(weeks=8)]
    rng.shuffle(spare)
    for scenario in SCENARIOS:
        if scenario not in seen and spare:
            spare.pop()["scenario"] = scenario
    previous = clock._fixed
    created = 0
    try:
        for plan in plans:
            _play(rng, actor=actor, handler=rng.choice(handlers), now=now, **plan)
            created += 1
        clock.set_now(now)
        # One escalation level per run; the chain is village → town at most.
        for _ in range(2):
            sweeps.sweep(now)
    finally:
        clock.set_now(previous)
    return created


class _Story:
    """One case's history, told at instants from `start`, never past `now`."""

    def __init__(self, rng: random.Random, start: dt.datetime, now: dt.datetime) -> None:
        self.rng = rng
        self.t = start
        self.now = now
        clock.set_now(start)

    def step(self, hours: float) -> bool:
        """Advance the clock; False when that would pass `now` (stop the story there)."""
        self.t = self.t + dt.timedelta(hours=hours)
        if self.t >= self.now:
            return False
        clock.set_now(self.t)
        return True

    def wait(self, low: float, high: float) -> bool:
        return self.step(self.rng.uniform(low, high))


def _play(
    rng: random.Random,
    *,
    actor: Actor,
    handler: User,
    category: Category,
    text: str,
    place: Place,
    household: Household | None,
    start: dt.datetime,
    now: dt.datetime,
    scenario: str,
) -> Case:
    story = _Story(rng, start, now)
    channel = rng.choice([Channel.VISIT, Channel.PHONE, Channel.WALK_IN, Channel.SELF_SERVICE])
    case = services.case_submit(
        # Staff channels are filed by the town's staff; self-service has no account.
        actor=None if channel == Channel.SELF_SERVICE else actor,
        text=text,
        category=category,
        place=place,
        household=household,
        channel=channel,
        affected_households=rng.choice([1, 1, 1, 2, 3, 5]),
        entry=DEMO_ENTRY,
    )
    if scenario == "submitted" or not story.wait(0.5, 30):
        return case
    if scenario == "rejected":
        services.case_reject(actor=actor, case=case, reason="不属于受理范围，已告知反映人")
        return case
    services.case_accept(actor=actor, case=case)
    if scenario == "withdrawn":
        story.step(2)
        services.case_withdraw(
            actor=actor, case=case, closure=Closure.DUPLICATE, note="与已有诉求重复"
        )
        return case
    if not story.wait(0.5, 6):
        return case
    services.case_assign(actor=actor, case=case, handler=handler)
    if scenario == "assigned" or not story.wait(1, 20):
        return case
    if scenario == "returned":
        services.case_return(actor=handler, case=case, reason="不属于本单位职责")
        return case
    services.case_take(actor=handler, case=case)
    if scenario == "overdue":
        return case
    if scenario == "suspended":
        # Ends after `now`, so the demo shows a case that is suspended today.
        until = (now + dt.timedelta(days=rng.randint(5, 20))).date()
        services.case_request_suspension(
            actor=handler, case=case, until=until, reason="等待上级部门审批"
        )
        if story.step(4):
            services.case_approve_suspension(actor=actor, case=case)
        return case
    _answer_and_close(story, case, actor=actor, handler=handler, scenario=scenario)
    return case


def _answer_and_close(
    story: _Story, case: Case, *, actor: Actor, handler: User, scenario: str
) -> None:
    """From the handler's answer to the call-back, the rating and a reopening."""
    rng = story.rng
    # Most answers come in time; some after the deadline.
    late = rng.random() < 0.2
    days = (case.resolve_due_at - story.t).total_seconds() / 3600
    if scenario == "in_progress" or not story.step(days * (1.3 if late else rng.uniform(0.2, 0.9))):
        return
    services.case_reply(actor=handler, case=case, reply="已现场处理，问题已解决")
    if scenario == "replied" or not story.wait(4, 48):
        return
    if scenario == "rework_closed":
        services.case_call_back(
            actor=actor, case=case, solved=False, satisfied=False, note="群众反映仍未解决"
        )
        if not story.wait(24, 96):
            return
        services.case_reply(actor=handler, case=case, reply="已返工处理")
        if not story.wait(4, 24):
            return
    services.case_call_back(
        actor=actor,
        case=case,
        solved=True,
        satisfied=True,
        closure=rng.choice([Closure.RESOLVED] * 6 + [Closure.PARTLY, Closure.EXPLAINED]),
    )
    if story.wait(1, 4) and rng.random() < 0.5:
        services.case_rate(actor=None, case=case, rating=rng.choice([5, 5, 4, 4, 3, 2]))
    if scenario == "reopened" and story.wait(24, 96):
        services.case_reopen(actor=actor, case=case, note="问题再次出现")
