"""Builders for the inspections tests: an active set of five indicators, inspections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from grassroots.core import clock
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.inspections import services
from grassroots.inspections.models import IndicatorSet, Inspection
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import Town

# Five indicators, weights 30 + 25 + 20 + 15 + 10 = 100.
INDICATORS = [
    {"title": "组织生活", "guidance": "三会一课记录", "weight": 30},
    {"title": "阵地建设", "guidance": "活动场所", "weight": 25},
    {"title": "党员教育", "guidance": "学习培训", "weight": 20},
    {"title": "网格治理", "guidance": "网格员走访", "weight": 15},
    {"title": "为民服务", "guidance": "诉求办理", "weight": 10},
]


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def pin(year: int, month: int, day: int) -> None:
    clock.set_now(at(year, month, day))


def active_set(
    town: Town, purpose: str = IndicatorSet.Purpose.INSPECTION, actor: Any = None
) -> IndicatorSet:
    actor = actor or town.irene
    draft = services.indicator_set_create(
        actor=actor,
        committee=town.committee,
        name="2026年村党组织督查考核指标" if purpose == "inspection" else "示范党支部创建标准",
        purpose=purpose,
        indicators=INDICATORS,
    )
    return services.indicator_set_activate(actor=actor, indicator_set=draft)


def scored(
    town: Town,
    indicator_set: IndicatorSet,
    org: Organization,
    scores: list[str],
    *,
    on: dt.date,
    submit: bool = True,
    flagged: tuple[int, ...] = (),
) -> Inspection:
    """An inspection of `org` with the given score per indicator (in position order)."""
    inspection = services.inspection_start(
        actor=town.irene, organization=org, indicator_set=indicator_set, inspected_on=on
    )
    rows = []
    for position, (indicator, score) in enumerate(
        zip(indicator_set.indicators.all(), scores, strict=True), start=1
    ):
        lost = Decimal(score) < indicator.weight
        rows.append(
            {
                "indicator": indicator.pk,
                "score": score,
                "text": f"{indicator.title}有欠缺" if lost else "",
                "needs_rectification": position in flagged,
            }
        )
    inspection = services.inspection_score(actor=town.irene, inspection=inspection, findings=rows)
    if submit:
        inspection = services.inspection_submit(actor=town.irene, inspection=inspection)
    return inspection


def far_branch(town: Town) -> Organization:
    """A branch in another town, which nobody of the persona town reaches."""
    far = grid.place_create(
        actor=town.root, parent=None, kind=Place.Kind.TOWN, name="远方镇", code="430121200000"
    )
    village = grid.place_create(actor=town.root, parent=far, kind=Place.Kind.VILLAGE, name="远山村")
    committee = party.organization_create(
        actor=town.root, parent=None, kind=Organization.Kind.COMMITTEE, name="远方镇党委", place=far
    )
    return party.organization_create(
        actor=town.root,
        parent=committee,
        kind=Organization.Kind.BRANCH,
        name="远山村党支部",
        place=village,
    )
