"""Cadence rows for the scope walker: an arrangement and a quarterly score per town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from grassroots.cadence.models import Arrangement, QuarterScore
from grassroots.core import clock
from grassroots.party.models import Organization

PERIOD = "2026-Q3"


def _rows(branch: Organization, town: Any, rank: int) -> dict[str, Any]:
    now = clock.now()
    arrangement = Arrangement.objects.create(
        organization=branch,
        org_path=branch.path,
        town=town,
        month="2026-10",
        month_start=dt.date(2026, 10, 1),
        items=0,
        published_at=now,
    )
    score = QuarterScore.objects.create(
        organization=branch,
        org_path=branch.path,
        town=town,
        period=PERIOD,
        branch_name=branch.name,
        completion=Decimal("0.5"),
        timeliness=Decimal("1"),
        score=Decimal("64.3"),
        rank=rank,
        band="C",
        computed_at=now,
    )
    return {"arrangement": arrangement, "quarter_score": score}


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    return _rows(far["branch"], far["town"], 1)


def town_rows(town: Any) -> None:
    for rank, branch in enumerate((town.branch_a, town.branch_b), start=1):
        _rows(branch, town.town, rank)
