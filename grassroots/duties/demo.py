"""The demo's duty plan: the year's 责任清单 of the town committee, for every branch.

Built through the services with the clock moved period by period: the plan and its
items are written at the start of the year; every week's and month's first day of the
last two quarters and this one is generated (records the other demos made — meetings,
guidance visits, closed rectifications — complete their items through the finders);
then each branch's duties are ticked off unevenly (most village branches 80–95 %, a
few lagging at 50–60 %, some late), with a few returned by the reviewer. 明月村's
duties of the current week stay open (the acceptance walk ticks them off).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core import clock, records
from grassroots.core.actors import Actor
from grassroots.duties import services
from grassroots.duties.models import (
    Assignment,
    Cadence,
    Category,
    DueRule,
    Evidence,
    Item,
    Plan,
    TargetRule,
)
from grassroots.duties.periods import period_for
from grassroots.grid.models import Place
from grassroots.party.models import Organization

PLAN_TITLE = "%(year)s年度支部建设质量年责任清单"
LAGGING_SHARE = 0.12  # branches far behind
LATE_SHARE = 0.1  # duties done, but after their due day
RETURN_SHARE = 0.1  # submitted duties the reviewer sends back
SHOWCASE_VILLAGE = "明月村"

W, M, Q, ONCE = Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.ONCE
# title, category, cadence, due rule, n, weight, record kind, extra fields
ITEMS: list[tuple[str, str, str, str, int | None, int, str, dict[str, Any]]] = [
    ("周工作提醒：查看并落实", Category.OTHER, W, DueRule.WEEKDAY, 5, 5, "",
     {"steps": ["查看镇党委周提醒", "安排本周支部工作"]}),
    ("主题党日", Category.ORG_LIFE, M, DueRule.LAST_WORKING_DAY, None, 12,
     "orglife.meeting.party_day", {}),
    ("支委会", Category.ORG_LIFE, M, DueRule.DAY_OF_MONTH, 20, 8,
     "orglife.meeting.committee_meeting", {}),
    ("网格走访情况小结", Category.PARTY_PLUS, M, DueRule.LAST_WORKING_DAY, None, 8, "",
     {"evidence": Evidence.OPTIONAL}),
    ("党员大会", Category.ORG_LIFE, Q, DueRule.DAY_OF_MONTH, 20, 10,
     "orglife.meeting.general_meeting", {}),
    ("党课", Category.TRAINING, Q, DueRule.DAY_OF_MONTH, 25, 10,
     "orglife.meeting.party_lecture", {}),
    ("党建指导员联系指导", Category.OTHER, Q, DueRule.WORKING_DAYS_AFTER_START, 40, 8,
     "party.guidance_visit", {}),
    ("巡察整改销号", Category.RECTIFICATION, Q, DueRule.LAST_WORKING_DAY, None, 8,
     "rectify.closed", {}),
    ("“党建+”项目推进", Category.PARTY_PLUS, Q, DueRule.LAST_WORKING_DAY, None, 8, "",
     {"review_required": True, "steps": ["对接联建单位", "推进项目进度", "形成阶段小结"]}),
    ("两新组织党建工作指导", Category.OTHER, Q, DueRule.END_OF_PERIOD, None, 8, "",
     {"target_rule": TargetRule.TWO_NEW}),
    ("阵地建设（摸底—选址—设计—建设—验收）", Category.SITE, ONCE, DueRule.END_OF_PERIOD, None,
     8, "", {"target_rule": TargetRule.VILLAGE,
             "steps": ["摸底", "选址", "设计", "建设", "验收"]}),
    ("组织生活会和民主评议党员", Category.ORG_LIFE, ONCE, DueRule.END_OF_PERIOD, None, 7, "", {}),
]  # fmt: skip


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _plan(actor: Actor, committee: Organization, year: int) -> Plan:
    plan = services.plan_create(
        actor=actor,
        organization=committee,
        title=PLAN_TITLE % {"year": year},
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        is_demo=True,
    )
    for title, category, cadence, rule, n, weight, kind, extra in ITEMS:
        services.item_add(
            actor=actor,
            plan=plan,
            title=title,
            category=category,
            cadence=cadence,
            due_rule=rule,
            due_n=n,
            weight=weight,
            # A record kind only once the app that keeps such records is installed.
            completes_on=kind if records.get(kind) else "",
            **extra,
        )
    return services.plan_publish(actor=actor, plan=plan)


def _generation_days(start: dt.date, today: dt.date) -> list[dt.date]:
    days, day = {start, today}, start
    while day <= today:
        if day.weekday() == 0 or day.day == 1:
            days.add(day)
        day += dt.timedelta(days=1)
    return sorted(days)


class _Ticker:
    """Ticks the duties off as the branch's secretary would, at a chosen moment."""

    def __init__(self, actor: Actor, rng: random.Random) -> None:
        self.actor, self.rng = actor, rng
        self.users: dict[int, Any] = {}
        self.counts = {"duties_done": 0, "duties_late": 0, "duties_returned": 0}

    def user(self, user_id: int | None) -> Any:
        if user_id is None:
            return self.actor
        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def tick(self, a: Assignment, today: dt.date) -> None:
        late = a.due_on < today and self.rng.random() < LATE_SHARE
        lead = self.rng.randint(0, 4)
        day = a.due_on + dt.timedelta(days=self.rng.randint(1, 6)) if late else a.due_on
        day = min(max(day - dt.timedelta(days=0 if late else lead), a.period_start), today)
        with clock.frozen(min(_at(day, 10), clock.now())):
            if a.period_end >= today - dt.timedelta(days=92):  # steps of the recent ones only
                for index in range(len(a.steps)):
                    services.step_toggle(actor=self.user(a.secretary_id), assignment=a, index=index)
            a = services.assignment_complete(actor=self.user(a.secretary_id), assignment=a)
            self.counts["duties_done"] += 1
            self.counts["duties_late"] += int(late)
            if a.status == Assignment.Status.SUBMITTED and a.due_on < today:
                back = self.rng.random() < RETURN_SHARE
                services.assignment_review(
                    actor=self.actor,
                    assignment=a,
                    approve=not back,
                    reason="阶段小结内容不完整，请补充" if back else "",
                )
                self.counts["duties_returned"] += int(back)


def load_demo_duties(*, actor: Actor, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """The year's plan for the demo town, two quarters of history and this one (counts)."""
    rng = random.Random(seed * 31 + 11)
    committee = Organization.objects.filter(town=town, depth=1).order_by("path").first()
    if committee is None:
        return {}
    today = timezone.localdate(now)
    quarter = period_for(Cadence.QUARTERLY, today)
    start = period_for(Cadence.QUARTERLY, quarter.start - dt.timedelta(days=100)).start
    years = sorted({start.year, today.year})
    with clock.frozen(_at(dt.date(years[0], 1, 4))):
        plans = [_plan(actor, committee, year) for year in years]
    created = auto = 0
    for day in _generation_days(max(start, plans[0].starts_on), today):
        with clock.frozen(_at(day, 6)):
            counts = services.generate(actor=actor, on=day, towns=[town])
        created, auto = created + counts["created"], auto + counts["auto_completed"]
    branches = (
        Organization.objects.filter(kind=Organization.Kind.BRANCH, path__startswith=committee.path)
        .select_related("place")
        .order_by("path")
    )
    share = {
        b.pk: (rng.uniform(0.5, 0.6) if rng.random() < LAGGING_SHARE else rng.uniform(0.8, 0.95))
        for b in branches
    }
    showcase = {
        b.pk for b in branches if b.place_id and b.place and b.place.name == SHOWCASE_VILLAGE
    }
    ticker = _Ticker(actor, rng)
    week = period_for(Cadence.WEEKLY, today)
    open_ = (
        Assignment.objects.filter(plan__in=plans, version__completes_on="", due_on__lte=week.end)
        .exclude(status=Assignment.Status.DONE)
        .select_related("version")
        .order_by("due_on", "pk")
    )
    for a in open_:
        current = a.due_on >= today
        if current and (a.organization_id in showcase or rng.random() > 0.3):
            continue  # this week is still to do
        if rng.random() < share.get(a.organization_id, 0.85):
            with clock.frozen(now):
                ticker.tick(a, today)
    with clock.frozen(now):
        overdue = services.sweep_overdue(today=today)
    return {
        "duty_plans": len(plans),
        "duty_items": Item.objects.filter(plan__in=plans).count(),
        "duty_assignments": created,
        "duties_auto_completed": auto,
        "duties_overdue": overdue,
        **ticker.counts,
    }
