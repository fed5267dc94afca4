"""Fixtures of the duties tests: a test record kind over real guidance visits, a plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.utils import translation

from grassroots.browser_testing import browser, persona_context  # noqa: F401 - fixtures
from grassroots.core import calendar, clock, records
from grassroots.core.records import RecordKind
from grassroots.duties import services
from grassroots.duties.models import Cadence, Category, DueRule, Item, Plan
from grassroots.party.models import GuidanceVisit
from grassroots.testing import Town

VISIT_KIND = "duties_test.guidance_visit"
WED = dt.datetime(2026, 11, 25, 9, 0)  # Wednesday of 2026-W48


def find_visits(
    org_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, tuple[int, dt.date]]:
    """The earliest guidance visit per branch in [start, end] (a real finder over real rows)."""
    found: dict[int, tuple[int, dt.date]] = {}
    rows = (
        GuidanceVisit.objects.filter(
            organization_id__in=org_ids, visited_on__gte=start, visited_on__lte=end
        )
        .order_by("visited_on", "pk")
        .values_list("organization_id", "pk", "visited_on")
    )
    for org_id, pk, on in rows:
        found.setdefault(org_id, (pk, on))
    return found


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploaded files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Services' messages in English (pages and the API answer in the request's language)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """Holidays a test seeds are rolled back: so is the calendar's cache."""
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def visit_kind() -> Iterator[RecordKind]:
    kind = RecordKind(VISIT_KIND, "guidance visit (test)", "party:org", find_visits)
    records.register(kind)
    yield kind
    records._kinds.pop(VISIT_KIND, None)


@pytest.fixture
def now() -> dt.datetime:
    clock.set_now(WED)
    return clock.now()


def item_fields(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "周工作提醒",
        "category": Category.OTHER,
        "cadence": Cadence.WEEKLY,
        "due_rule": DueRule.WEEKDAY,
        "due_n": 5,
        "weight": 100,
    }
    fields.update(over)
    return fields


def make_plan(town: Town, *items: dict[str, Any], publish: bool = True) -> Plan:
    plan = services.plan_create(
        actor=town.olga,
        organization=town.committee,
        title="2026年度支部建设质量年责任清单",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    for fields in items or (item_fields(),):
        services.item_add(actor=town.olga, plan=plan, **fields)
    if publish:
        plan = services.plan_publish(actor=town.olga, plan=plan)
    return plan


def items_of(plan: Plan) -> list[Item]:
    return list(Item.objects.filter(plan=plan).select_related("current").order_by("position"))
