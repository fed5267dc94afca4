"""The home page's duty and rectification tiles (issue #11): a secretary sees what is open
this week, the organisation officer this month's completion and the overdue duties; every
figure is the same count as the page it links to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.core import clock
from grassroots.duties import services as duties
from grassroots.duties.models import Assignment, Cadence, Category, DueRule
from grassroots.rectify import services as rectify
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
WED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def plan(town: Town) -> None:
    clock.set_now(WED)
    plan = duties.plan_create(
        actor=town.olga,
        organization=town.committee,
        title="2026年度支部建设质量年责任清单",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    for title, cadence, rule, n, weight in (
        ("周工作提醒", Cadence.WEEKLY, DueRule.WEEKDAY, 5, 40),
        ("主题党日", Cadence.MONTHLY, DueRule.LAST_WORKING_DAY, None, 60),
    ):
        duties.item_add(
            actor=town.olga,
            plan=plan,
            title=title,
            category=Category.ORG_LIFE,
            cadence=cadence,
            due_rule=rule,
            due_n=n,
            weight=weight,
        )
    duties.plan_publish(actor=town.olga, plan=plan)
    duties.generate(on=WED.date())


NAMES = {
    "/duties/": "Duties open this week",
    "/duties/board/?cadence=monthly": "Duties done this month",
    "/duties/board/": "Overdue duties",
    "/rectify/": "Rectification under way",
    "/rectify/?colour=red": "Red warnings",
}


def tiles(response: object) -> dict[str, object]:
    """The duty tiles by what they count (named by the page each opens)."""
    return {NAMES[t.href]: t.value for t in response.context["duty_tiles"]}  # type: ignore[attr-defined]


def test_the_secretary_sees_her_open_duties_and_one_tick_lowers_the_count(
    client_for: ClientFor, town: Town, plan: None
) -> None:
    client = client_for("sam")
    assert tiles(client.get(reverse("home:home")))["Duties open this week"] == 1
    weekly = Assignment.objects.get(organization=town.branch_a, cadence=Cadence.WEEKLY)
    duties.assignment_complete(actor=town.sam, assignment=weekly)
    assert tiles(client.get(reverse("home:home")))["Duties open this week"] == 0


def test_the_officer_sees_this_months_completion_over_every_branch(
    client_for: ClientFor, town: Town, plan: None
) -> None:
    monthly = Assignment.objects.filter(cadence=Cadence.MONTHLY)
    assert monthly.count() == 3  # the three branches of the persona town
    duties.assignment_complete(actor=town.sam, assignment=monthly.get(organization=town.branch_a))
    shown = tiles(client_for("olga").get(reverse("home:home")))
    assert shown["Duties done this month"] == pytest.approx(33.3)
    assert shown["Overdue duties"] == 0
    assert "Duties open this week" not in shown  # the officer has no checklist of her own


def test_rectification_tiles_count_the_open_items_and_the_red_ones(
    client_for: ClientFor, town: Town, plan: None
) -> None:
    clock.set_now(WED - dt.timedelta(days=40))
    rectify.item_register(
        actor=town.irene,
        organization=town.branch_a,
        source="supervision",
        problem="三会一课记录不全",
        kind="deadline",
        deadline=(WED - dt.timedelta(days=5)).date(),
    )
    clock.set_now(WED)
    shown = tiles(client_for("irene").get(reverse("home:home")))
    assert shown["Rectification under way"] == 1
    assert shown["Red warnings"] == 1
    # rita (a representative) has neither a checklist nor a ledger: no tile at all.
    assert client_for("rita").get(reverse("home:home")).status_code == 302
