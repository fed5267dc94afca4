"""Figures for the report tests: the rebuilt prepared rows, plus month rows written here.

Until the rollups branch fills MonthFigures, a test writes the month rows it needs (the
report must read them back exactly; nothing here fakes what the product computes).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from grassroots.analytics import services as analytics
from grassroots.analytics.models import MonthFigures
from grassroots.core import clock
from grassroots.testing import Town

MONTH = dt.date(2026, 10, 1)


def month_row(node: str, path: str, depth: int, month: dt.date = MONTH, **counters: int) -> None:
    MonthFigures.objects.update_or_create(
        node=node,
        path=path,
        month=month,
        defaults={"depth": depth, "updated_at": clock.now(), **counters},
    )


def figures(town: Town) -> None:
    """Rebuilt prepared figures and month rows for the town, its villages and branches."""
    analytics.rebuild(actor=None)
    village_a = {
        "visits": 7,
        "cases_submitted": 3,
        "cases_closed": 2,
        "response_base": 3,
        "responded_on_time": 2,
        "resolution_base": 2,
        "resolved": 1,
        "callbacks": 2,
        "satisfied_callbacks": 2,
        "on_time_base": 2,
        "on_time": 1,
    }
    village_b = {"visits": 4, "cases_submitted": 1, "response_base": 1, "responded_on_time": 1}
    month_row("place", town.village_a.path, town.village_a.depth, **village_a)
    month_row("place", town.village_b.path, town.village_b.depth, **village_b)
    month_row(
        "place",
        town.town.path,
        town.town.depth,
        **{k: village_a.get(k, 0) + village_b.get(k, 0) for k in {*village_a, *village_b}},
    )
    month_row(
        "org",
        town.branch_a.path,
        town.branch_a.depth,
        duty_total=4,
        duty_done=3,
        training_attendances=5,
        training_hours_tenths=75,
    )
    month_row("org", town.branch_b.path, town.branch_b.depth, duty_total=2, duty_done=2)
    month_row(
        "org",
        town.committee.path,
        town.committee.depth,
        duty_total=6,
        duty_done=5,
        training_attendances=5,
        training_hours_tenths=75,
    )
    # Another month must not leak into October's report.
    month_row("place", town.town.path, town.town.depth, month=dt.date(2026, 9, 1), visits=99)


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
