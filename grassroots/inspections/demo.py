"""Demo inspections for the demo town (路口镇), built through the services.

An active indicator set of nine indicators (100 points), an inspection plan with a seeded
sample of eight branches, inspections of them in each of the last two completed quarters
with uneven scores and findings (flagged ones turned into rectification items), a
campaign whose three applications are in their public notice today, and star ratings of
ten branches, one of them downgraded. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from grassroots.accounts.models import User
from grassroots.core import calendar, clock
from grassroots.core.actors import Actor
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Place
from grassroots.inspections import services
from grassroots.inspections.models import IndicatorSet, Inspection
from grassroots.party.models import Organization

INDICATORS = [
    ("组织生活", "三会一课、主题党日、组织生活会按规定开展，记录完整", 15),
    ("阵地建设", "党群服务中心标识规范、功能齐全、日常开放", 12),
    ("党员教育", "党员学习培训学时达标，冬春训参训率", 12),
    ("网格治理", "网格员走访到户，诉求及时上报和办理", 12),
    ("为民服务", "群众急难愁盼事项办理及时、回访满意", 12),
    ("班子建设", "支部班子团结，书记履职尽责，一岗双责落实", 10),
    ("党员管理", "党员发展程序规范，党费按时足额收缴", 10),
    ("整改落实", "上级督查和巡察反馈问题整改到位", 9),
    ("党建+", "党建联盟、村企联建和创新项目推进", 8),
]
FINDINGS = {
    "组织生活": "三会一课记录不全，个别月份缺少支委会记录",
    "阵地建设": "党群服务中心标识陈旧，开放时间未公示",
    "党员教育": "部分党员学习学时不足",
    "网格治理": "部分网格员走访记录不完整",
    "为民服务": "个别诉求办理超期，未及时回访",
    "班子建设": "支委分工不够明确",
    "党员管理": "党费收缴台账不规范",
    "整改落实": "上次督查问题整改进度滞后",
    "党建+": "村企联建项目推进较慢",
}
CAMPAIGN_CRITERIA = [
    ("班子坚强", "支部班子团结有力，书记带头作用明显", 20),
    ("组织生活规范", "三会一课、主题党日规范开展", 20),
    ("阵地功能完善", "党群服务中心功能齐全、常态开放", 20),
    ("治理成效明显", "网格治理和为民服务成效突出", 20),
    ("特色品牌鲜明", "党建+品牌和创新项目有特色", 20),
]
SAMPLE_SIZE = 8
MINGYUE = "secretary.mingyue"  # the demo's village secretary (demo/people.py)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _last_quarters(today: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    """The n most recent completed quarters, oldest first, as (start, end)."""
    result = []
    end = _quarter_start(today) - dt.timedelta(days=1)
    for _ in range(n):
        start = _quarter_start(end)
        result.append((start, end))
        end = start - dt.timedelta(days=1)
    return list(reversed(result))


def _workday_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    day = start + dt.timedelta(days=rng.randint(10, max(10, (end - start).days - 10)))
    return calendar.add_working_days(day, 0)


def _active_set(
    actor: Actor, committee: Organization, name: str, purpose: str, rows: list
) -> IndicatorSet:
    draft = services.indicator_set_create(
        actor=actor,
        committee=committee,
        name=name,
        purpose=purpose,
        indicators=[{"title": t, "guidance": g, "weight": w} for t, g, w in rows],
        is_demo=True,
    )
    return services.indicator_set_activate(actor=actor, indicator_set=draft)


def _inspect(
    actor: Actor,
    rng: random.Random,
    indicator_set: IndicatorSet,
    plan: Any,
    org: Organization,
    day: dt.date,
) -> Inspection:
    inspection = services.inspection_start(
        actor=actor,
        organization=org,
        indicator_set=indicator_set,
        plan=plan,
        inspected_on=day,
        is_demo=True,
    )
    level = rng.choice((0.55, 0.7, 0.8, 0.9, 0.95))  # uneven branches
    rows = []
    flags = 0
    for indicator in indicator_set.indicators.all():
        share = min(1.0, max(0.3, rng.gauss(level, 0.12)))
        score = (Decimal(indicator.weight) * Decimal(str(round(share, 2)))).quantize(Decimal("0.5"))
        lost = score < indicator.weight
        # At most two findings a visit ask for rectification: the serious ones.
        flag = flags < 2 and score < Decimal(indicator.weight) * Decimal("0.6")
        flags += int(flag)
        rows.append(
            {
                "indicator": indicator.pk,
                "score": score,
                "text": FINDINGS.get(indicator.title, "存在不足") if lost else "",
                "needs_rectification": flag,
            }
        )
    services.inspection_score(actor=actor, inspection=inspection, findings=rows)
    return services.inspection_submit(actor=actor, inspection=inspection)


def _inspections(
    actor: Actor, rng: random.Random, committee: Organization, today: dt.date, seed: int
) -> dict[str, int]:
    indicator_set = _active_set(
        actor,
        committee,
        f"{today.year}年村党组织督查考核指标",
        IndicatorSet.Purpose.INSPECTION,
        INDICATORS,
    )
    quarters = _last_quarters(today, 2)
    plan = services.plan_create(
        actor=actor,
        committee=committee,
        title=f"{quarters[0][0].year}年下半年不定期实地督查考核",
        indicator_set=indicator_set,
        starts_on=quarters[0][0],
        ends_on=quarters[-1][1],
        is_demo=True,
    )
    size = min(SAMPLE_SIZE, len(services.sample_frame(actor, plan)))
    branches = services.plan_draw_sample(actor=actor, plan=plan, size=size, seed=seed)
    counts = {"inspections": 0, "rectification_items": 0}
    deadline = calendar.add_working_days(today, 20)
    for index, (start, end) in enumerate(quarters):
        for org in branches:
            inspection = _inspect(
                actor, rng, indicator_set, plan, org, _workday_in(rng, start, end)
            )
            counts["inspections"] += 1
            if index == 0 or rng.random() < 0.5:
                secretaries = services.secretaries_of(org)
                if secretaries:
                    services.inspection_acknowledge(
                        actor=secretaries[0], inspection=inspection, note="已阅，立即组织整改"
                    )
            made = services.findings_to_rectification(
                actor=actor, inspection=inspection, deadline=deadline, kind="deadline"
            )
            counts["rectification_items"] += len(made)
    counts["set"] = indicator_set.pk
    return counts


def _campaign(
    actor: Actor, committee: Organization, branches: list[Organization], today: dt.date
) -> int:
    criteria = _active_set(
        actor, committee, "示范党支部创建标准", IndicatorSet.Purpose.CAMPAIGN, CAMPAIGN_CRITERIA
    )
    campaign = services.campaign_create(
        actor=actor,
        committee=committee,
        title=f"{today.year}年度示范党支部创建",
        criteria=criteria,
        applies_from=today - dt.timedelta(days=30),
        applies_until=today,
        is_demo=True,
    )
    indicators = list(criteria.indicators.all())
    for n, org in enumerate(branches):
        self_scores = {i.pk: i.weight - (n % 3) for i in indicators}
        application = services.application_submit(
            actor=actor,
            campaign=campaign,
            organization=org,
            self_scores=self_scores,
            statement="支部班子团结，组织生活规范，党建+村企联建成效明显。",
            is_demo=True,
        )
        review = {i.pk: i.weight - (n % 3) - (1 if k % 2 else 0) for k, i in enumerate(indicators)}
        services.application_review(
            actor=actor, application=application, scores=review, note="材料齐全，实地核查属实"
        )
        services.application_publish(actor=actor, application=application)
    return len(branches)


def _ratings(actor: Actor, branches: list[Organization], today: dt.date) -> int:
    count = 0
    earlier = today - dt.timedelta(days=300)
    for n, org in enumerate(branches):
        services.star_rating_record(
            actor=actor,
            organization=org,
            stars=3 + n % 3,
            reason="上年度星级评定",
            on=earlier,
            is_demo=True,
        )
        count += 1
    services.star_rating_record(
        actor=actor,
        organization=branches[0],
        stars=2,
        reason="复评：组织生活不规范，督查问题整改滞后，降级",
        on=today - dt.timedelta(days=20),
        is_demo=True,
    )
    return count + 1


def _awaiting_mingyue(
    actor: Actor,
    rng: random.Random,
    indicator_set: IndicatorSet,
    branches: list[Organization],
    today: dt.date,
) -> int:
    """An inspection this quarter of a branch of 明月村, awaiting its secretary's acknowledgement."""
    user = User.objects.filter(username=MINGYUE).first()
    if user is None:
        return 0
    scope = scope_for(user)
    mine = [b for b in branches if b.reached_by(scope)]
    if not mine:
        return 0
    day = today - dt.timedelta(days=3)
    while not calendar.is_workday(day) and day > _quarter_start(today):
        day -= dt.timedelta(days=1)
    _inspect(actor, rng, indicator_set, None, mine[0], max(day, _quarter_start(today)))
    return 1


def load_demo_inspections(
    *, actor: Actor, town: Place, now: dt.datetime, seed: int
) -> dict[str, int]:
    """Load the demo's inspections, campaign and star ratings; returns counts."""
    rng = random.Random(seed)
    committee = Organization.objects.filter(town=town, depth=1).first()
    if committee is None:
        return {}
    branches = list(
        Organization.objects.filter(
            path__startswith=committee.path, kind=Organization.Kind.BRANCH
        ).order_by("path")
    )
    with clock.frozen(now):
        today = clock.today()
        counts = _inspections(actor, rng, committee, today, seed)
        indicator_set = IndicatorSet.objects.get(pk=counts.pop("set"))
        counts["inspections"] += _awaiting_mingyue(actor, rng, indicator_set, branches, today)
        counts["applications"] = _campaign(actor, committee, branches[:3], today)
        counts["star_ratings"] = _ratings(actor, branches[3:13] or branches, today)
    counts["indicator_sets"] = 2
    return counts
