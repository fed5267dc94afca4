"""Rows of every inspections model for the scope walker (core/tests/walker/world.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from grassroots.core import clock
from grassroots.inspections import services
from grassroots.inspections.models import IndicatorSet
from grassroots.inspections.tests.helpers import INDICATORS
from grassroots.party.models import Organization
from grassroots.testing import Town


def _rows(root: Any, committee: Organization, branch: Organization, prefix: str) -> dict[str, Any]:
    today = clock.today()
    sets = {}
    for purpose in IndicatorSet.Purpose.values:
        draft = services.indicator_set_create(
            actor=root,
            committee=committee,
            name=f"{prefix}{purpose}",
            purpose=purpose,
            indicators=INDICATORS,
        )
        sets[purpose] = services.indicator_set_activate(actor=root, indicator_set=draft)
    plan = services.plan_create(
        actor=root,
        committee=committee,
        title=f"{prefix}督查计划",
        indicator_set=sets["inspection"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    services.plan_draw_sample(actor=root, plan=plan, size=1, seed=7)
    inspection = services.inspection_start(
        actor=root, organization=branch, indicator_set=sets["inspection"], plan=plan
    )
    services.inspection_score(
        actor=root,
        inspection=inspection,
        findings=[
            {"indicator": i.pk, "score": i.weight} for i in sets["inspection"].indicators.all()
        ],
    )
    inspection = services.inspection_submit(actor=root, inspection=inspection)
    campaign = services.campaign_create(
        actor=root,
        committee=committee,
        title=f"{prefix}示范创建",
        criteria=sets["campaign"],
        applies_from=today,
        applies_until=today + dt.timedelta(days=30),
    )
    application = services.application_submit(
        actor=root,
        campaign=campaign,
        organization=branch,
        self_scores={i.pk: i.weight for i in sets["campaign"].indicators.all()},
    )
    rating = services.star_rating_record(
        actor=root, organization=branch, stars=3, reason=f"{prefix}评定"
    )
    return {
        "indicator_set": sets["inspection"],
        "plan": plan,
        "inspection": inspection,
        "campaign": campaign,
        "application": application,
        "rating": rating,
    }


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(root, far["committee"], far["branch"], "远方")
    return {f"inspections_{k}": v for k, v in rows.items()}


def town_rows(town: Town) -> None:
    _rows(town.root, town.committee, town.branch_b, "测试")
