"""Duty rows for the scope walker: a plan, its items, assignments and figures in each town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.core import clock
from grassroots.duties import services
from grassroots.duties.models import (
    Assignment,
    BranchFigure,
    Cadence,
    Category,
    DueRule,
    Item,
    Plan,
)
from grassroots.testing import Town


def _plan(actor: Any, committee: Any, town: Any, title: str) -> Plan:
    today = clock.today()
    plan = services.plan_create(
        actor=actor,
        organization=committee,
        title=title,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    for cadence, due_rule, due_n, weight in (
        (Cadence.WEEKLY, DueRule.WEEKDAY, 5, 40),
        (Cadence.MONTHLY, DueRule.LAST_WORKING_DAY, None, 60),
    ):
        services.item_add(
            actor=actor,
            plan=plan,
            title=f"{title}·{cadence}",
            category=Category.ORG_LIFE,
            cadence=cadence,
            due_rule=due_rule,
            due_n=due_n,
            weight=weight,
        )
    plan = services.plan_publish(actor=actor, plan=plan)
    services.generate(actor=actor, on=clock.today(), towns=[town])
    return plan


def town_rows(town: Town) -> None:
    """The persona town's plan: every persona with a branch has duties to open."""
    _plan(town.olga, town.committee, town.town, "测试镇责任清单")


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(root, far["committee"], far["town"], "远方镇责任清单")
    return {
        "duty_plan": plan,
        "duty_item": Item.objects.filter(plan=plan).first(),
        "duty_assignment": Assignment.objects.filter(plan=plan).first(),
        "duty_figure": BranchFigure.objects.filter(organization=far["branch"]).first(),
    }
