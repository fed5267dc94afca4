"""Duty rows for cadence tests, written straight to the duties models (no duties services)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.core import calendar
from grassroots.core.models import CalendarDay
from grassroots.core.roles import Role
from grassroots.duties.models import Assignment, Item, ItemVersion, Plan
from grassroots.party.models import Organization
from grassroots.testing import Town, make_user

_serial = itertools.count(1)


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def holiday(day: dt.date, name: str = "测试假日") -> None:
    CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": False, "name": name})
    calendar.invalidate()


def plan(town: Town, *, status: str = Plan.Status.PUBLISHED) -> Plan:
    return Plan.objects.create(
        organization=town.committee,
        org_path=town.committee.path,
        town=town.town,
        title="2026年支部建设质量年计划",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        status=status,
        created_at=at(2026, 1, 1),
    )


def assignment(
    the_plan: Plan,
    branch: Organization,
    *,
    due_on: dt.date,
    period_start: dt.date,
    period_end: dt.date | None = None,
    weight: int = 10,
    cadence: str = "monthly",
    status: str = Assignment.Status.NOT_STARTED,
    done_on: dt.date | None = None,
    title: str = "",
    steps: list[dict[str, Any]] | None = None,
) -> Assignment:
    n = next(_serial)
    item = Item.objects.create(plan=the_plan, position=n)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        title=title or f"事项{n}",
        category="org_life",
        cadence=cadence,
        due_rule="end_of_period",
        weight=weight,
        valid_from=at(2026, 1, 1),
    )
    # Retired: duties' own generation (called by the runs) leaves these hand-made rows alone.
    Item.objects.filter(pk=item.pk).update(current=version, retired=True)
    return Assignment.objects.create(
        plan=the_plan,
        item=item,
        version=version,
        organization=branch,
        org_path=branch.path,
        town=the_plan.town,
        cadence=cadence,
        category="org_life",
        weight=weight,
        period=f"p{n}",
        period_start=period_start,
        period_end=period_end or due_on,
        due_on=due_on,
        status=Assignment.Status.DONE if done_on else status,
        done_at=at(done_on.year, done_on.month, done_on.day, 15) if done_on else None,
        steps=steps or [],
    )


def secretary(town: Town, username: str, branch: Organization) -> User:
    user = make_user(username, display_name=f"{branch.name}书记")
    account_services.role_grant(
        actor=town.root, user=user, role=Role.SECRETARY, organization=branch
    )
    return user
