"""Answers the lower apps ask for through their slots, filled from HomeConfig.ready().

`home` is at the top of the layering, so it may read cases and fill grid's slot
for the household page: grid lists a household's cases without importing cases.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from grassroots.cases import selectors as case_selectors
from grassroots.cases.models import CLOCK_STATUSES, OPEN_STATUSES
from grassroots.core import clock
from grassroots.grid.models import Household
from grassroots.grid.selectors import HouseholdCase

HOUSEHOLD_CASES_SHOWN = 20


def household_cases(user: Any, household: Household) -> list[HouseholdCase]:
    """The household's cases the user reaches, newest first, in one query."""
    now = clock.now()
    rows = (
        case_selectors.visible_cases(user)
        .filter(household=household)
        .order_by("-submitted_at", "-pk")[:HOUSEHOLD_CASES_SHOWN]
    )
    return [
        HouseholdCase(
            url=reverse("cases:detail", args=[case.pk]),
            code=case.code,
            title=case.title or case.text[:40],
            status=case.get_status_display(),
            is_open=case.status in OPEN_STATUSES,
            overdue=case.status in CLOCK_STATUSES and case.resolve_due_at < now,
            submitted_at=case.submitted_at,
        )
        for case in rows
    ]
