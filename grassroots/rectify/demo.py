"""Demo rectification items: a dozen across sources, in every state and every colour.

Each item is driven through the real services with the clock set to each step's
instant (registered weeks ago, handed over, started, asked to be signed off, reviewed),
and the warning sweep runs every morning in between, so timelines, warnings and notices
are what the worker would have produced. Deterministic for a seed; loading twice adds
nothing (the town's demo items are counted instead).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.rectify import services, sweeps
from grassroots.rectify.models import Item, Kind, Source, Status
from grassroots.rectify.services import recipients


@dataclass(frozen=True)
class Scenario:
    source: str
    kind: str
    problem: str
    measures: str
    registered: int  # days before now
    deadline: int  # days from now (negative: passed)
    steps: tuple[str, ...]  # services, in order, one day apart after registration


S, K = Source, Kind
UNIT = ("hand_over", "start")
SCENARIOS = (
    Scenario(
        S.TOUR_INSPECTION,
        K.DEADLINE,
        "“三会一课”记录不规范，部分会议无记录",
        "补齐会议记录，建立月度检查制度",
        70,
        -25,
        (*UNIT, "request", "review", "sign_off"),
    ),
    Scenario(
        S.SUPERVISION,
        K.IMMEDIATE,
        "党员活动室制度上墙不全",
        "按标准补齐制度牌",
        30,
        -10,
        (*UNIT, "request", "review", "sign_off"),
    ),
    Scenario(
        S.PATROL,
        K.DEADLINE,
        "发展党员程序不规范，公示期不足",
        "重新履行公示程序，规范档案",
        45,
        14,
        (*UNIT, "request", "review", "return"),
    ),
    Scenario(
        S.ASSESSMENT,
        K.DEADLINE,
        "党费收缴不及时，存在拖欠",
        "逐人核对，限期补缴",
        40,
        3,
        (*UNIT, "extend"),
    ),
    Scenario(
        S.SELF_CHECK, K.DEADLINE, "主题党日活动内容单一", "制定年度主题党日计划", 45, -6, UNIT
    ),
    Scenario(
        S.RESIDENT_CASE,
        K.DEADLINE,
        "群众反映村务公开不及时",
        "每月固定日期更新公开栏",
        25,
        -2,
        ("hand_over",),
    ),
    Scenario(
        S.SUPERVISION,
        K.DEADLINE,
        "软弱涣散问题整顿进度滞后",
        "制定整顿方案，镇领导包联",
        30,
        6,
        UNIT,
    ),
    Scenario(
        S.TOUR_INSPECTION,
        K.DEADLINE,
        "组织生活会批评与自我批评不深入",
        "重新召开组织生活会",
        35,
        8,
        (*UNIT, "request"),
    ),
    Scenario(
        S.PATROL,
        K.DEADLINE,
        "村级财务支出审批手续不全",
        "完善审批单据，专项清理",
        20,
        15,
        (*UNIT, "ask_extension"),
    ),
    Scenario(
        S.ASSESSMENT,
        K.DEADLINE,
        "党员教育培训学时不足",
        "组织集中轮训",
        25,
        18,
        (*UNIT, "request", "review"),
    ),
    Scenario(S.SELF_CHECK, K.DEADLINE, "党建阵地标识陈旧", "更新阵地标识", 3, 45, ()),
    Scenario(
        S.SUPERVISION,
        K.LONG_TERM,
        "流动党员管理不到位",
        "建立流动党员联系台账，每季度联系",
        50,
        80,
        UNIT,
    ),
)
LEADERS = ("张书记", "李镇长", "王副书记", "刘委员")
PEOPLE = ("陈主任", "周委员", "吴支书", "郑文书", "孙委员")


def _officer(actor: Any) -> Any:
    """Who registers and reviews: the demo organisation officer if there is one."""
    return User.objects.filter(username="organizer", is_active=True).first() or actor


def _unit_actor(item: Item, fallback: Any) -> Any:
    ids = recipients.unit_secretaries(item)
    user = User.objects.filter(pk__in=ids, is_active=True).order_by("pk").first()
    return user or fallback


def _step(name: str, item: Item, officer: Any, unit: Any) -> Item:
    deadline = item.deadline
    actions: dict[str, Callable[[], Any]] = {
        "hand_over": lambda: services.item_hand_over(actor=officer, item=item),
        "start": lambda: services.item_start(actor=unit, item=item),
        "request": lambda: services.item_request_signoff(
            actor=unit, item=item, note="已按整改措施完成，相关记录已归档"
        ),
        "review": lambda: services.item_start_review(actor=officer, item=item),
        "sign_off": lambda: services.item_sign_off(
            actor=officer, item=item, note="核查属实，同意销号"
        ),
        "return": lambda: services.item_return(
            actor=officer, item=item, note="公示材料不完整，请补充"
        ),
        "ask_extension": lambda: services.extension_request(
            actor=unit,
            item=item,
            new_deadline=deadline + dt.timedelta(days=20),
            reason="需等待村民代表大会表决",
        ),
        "extend": lambda: services.extension_decide(
            actor=officer,
            extension=services.extension_request(
                actor=unit,
                item=item,
                new_deadline=deadline + dt.timedelta(days=30),
                reason="涉及人数多，需逐户上门核对",
            ),
            approve=True,
            note="同意延期一个月",
        ),
    }
    actions[name]()
    return unscoped(Item, why=Unscoped.SYSTEM).get(pk=item.pk)


def _morning(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def load_demo_rectify(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    existing = unscoped(Item, why=Unscoped.SYSTEM).filter(town=town, is_demo=True)
    if existing.exists():
        return {"rectification_items": existing.count()}
    rng = random.Random(seed)
    branches = list(
        Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH).order_by("path")
    )
    if not branches:
        return {"rectification_items": 0}
    officer, fallback = _officer(actor), actor
    today = timezone.localdate(now)
    # (instant, order, job): registrations, steps and every morning's sweep, in time order.
    jobs: list[tuple[dt.datetime, int, Callable[[], None]]] = []
    made: dict[int, Item] = {}
    # 明月村's branch (the demo secretary's) and a seeded sample of the others.
    home = next((b for b in branches if "明月" in b.name), branches[0])
    units = [home, *rng.sample(branches, k=min(len(branches), len(SCENARIOS)))]
    for n, sc in enumerate(SCENARIOS):
        org = units[n % len(units)]
        start = today - dt.timedelta(days=sc.registered)

        def register(sc: Scenario = sc, org: Organization = org, n: int = n) -> None:
            made[n] = services.item_register(
                actor=officer,
                organization=org,
                source=sc.source,
                problem=sc.problem,
                measures=sc.measures,
                kind=sc.kind,
                deadline=today + dt.timedelta(days=sc.deadline),
                leader_name=rng.choice(LEADERS),
                person_name=rng.choice(PEOPLE),
                source_ref=f"DC-{today.year}-{n + 1:03d}",
                is_demo=True,
            )

        jobs.append((_morning(start) + dt.timedelta(hours=1), n * 10, register))
        every = max(1, sc.registered // 8)
        for k, name in enumerate(sc.steps, start=1):

            def step(name: str = name, n: int = n) -> None:
                made[n] = _step(name, made[n], officer, _unit_actor(made[n], fallback))

            when = _morning(start + dt.timedelta(days=k * every)) + dt.timedelta(hours=2)
            jobs.append((min(when, now - dt.timedelta(minutes=10 - k)), n * 10 + k, step))
    first = today - dt.timedelta(days=max(s.registered for s in SCENARIOS))
    for d in range((today - first).days + 1):
        jobs.append((_morning(first + dt.timedelta(days=d)), 10_000, sweeps.sweep_warnings))
    for instant, _order, job in sorted(jobs, key=lambda j: (j[0], j[1])):
        with clock.frozen(instant):
            job()
    with clock.frozen(now):
        sweeps.sweep_warnings()
    items = unscoped(Item, why=Unscoped.SYSTEM).filter(town=town, is_demo=True)
    return {
        "rectification_items": items.count(),
        "rectification_closed": items.filter(status=Status.CLOSED).count(),
    }
