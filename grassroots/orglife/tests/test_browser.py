"""On a phone: the secretary records a meeting (everyone ticked, one unticked), and the pages
keep the interface rules; an innovation project's milestone is ticked in one tap."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.alliances import services as alliances
from grassroots.alliances.models import Milestone
from grassroots.browser_testing import assert_rules
from grassroots.core import clock
from grassroots.orglife.models import Attendance, Meeting
from grassroots.party import services as party
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_records_a_meeting_on_a_phone(
    town: Town, live_server: Any, persona_context: Any
) -> None:
    for name in ("李明", "王芳"):
        party.member_create(actor=town.root, organization=town.branch_a, name=name)
    page = persona_context("sam").new_page()
    page.goto(f"{live_server.url}/orglife/")
    assert_rules(page, "sam")
    page.locator(".actionbar a").first.click()
    page.wait_for_url("**/orglife/new/")
    assert page.locator('input[name="present"]:checked').count() == 3
    assert_rules(page, "sam")
    page.select_option('select[name="kind"]', "party_day")
    page.fill('input[name="place"]', "党群服务中心")
    page.fill('input[name="topic"]', "重温入党誓词")
    page.locator('input[name="present"]').nth(1).uncheck()
    page.locator('.actionbar button[type="submit"]').click()
    page.wait_for_url("**/orglife/*/")
    meeting = Meeting.objects.get()
    assert (meeting.expected, meeting.present, meeting.held_on) == (3, 2, clock.today())
    assert Attendance.objects.filter(meeting=meeting, status="absent").count() == 1
    assert "重温入党誓词" in page.content()
    assert_rules(page, "sam")


def test_a_milestone_is_ticked_in_one_tap(
    town: Town, live_server: Any, persona_context: Any
) -> None:
    project = alliances.project_create(
        actor=town.root,
        title="稻虾共养示范",
        organization=town.branch_a,
        starts_on=clock.today() - dt.timedelta(days=90),
        due_on=clock.today() + dt.timedelta(days=90),
    )
    late = alliances.milestone_add(
        actor=town.root,
        project=project,
        title="完成选址",
        due_on=clock.today() - dt.timedelta(days=3),
    )
    alliances.milestone_add(
        actor=town.root,
        project=project,
        title="投放虾苗",
        due_on=clock.today() + dt.timedelta(days=30),
    )
    page = persona_context("sam").new_page()
    page.goto(f"{live_server.url}/alliances/projects/{project.pk}/")
    assert page.locator(".chip--danger").count() == 1
    assert_rules(page, "sam")
    page.locator(f'form[action$="/milestones/{late.pk}/tick/"] button').click()
    page.wait_for_load_state()
    assert Milestone.objects.get(pk=late.pk).done_on is not None
    assert page.locator(".chip--danger").count() == 0
    page.goto(f"{live_server.url}/alliances/")
    assert_rules(page, "sam")


def test_the_officer_pages_keep_the_rules_with_data(
    town: Town, live_server: Any, persona_context: Any
) -> None:
    from grassroots.alliances.models import AllianceKind, UnitKind
    from grassroots.orglife.demo import load_demo_orglife

    for name in ("李明", "王芳", "赵强"):
        party.member_create(actor=town.root, organization=town.branch_b, name=name)
    load_demo_orglife(actor=town.root, town=town.town, now=clock.now(), seed=3)
    rice = alliances.alliance_create(
        actor=town.root, name="金色稻穗党建联盟", kind=AllianceKind.ALLIANCE, lead=town.branch_a
    )
    alliances.alliance_member_add(
        actor=town.root,
        alliance=rice,
        unit_name="稻香优质稻专业合作社",
        unit_kind=UnitKind.COOPERATIVE,
    )
    page = persona_context("olga").new_page()
    meeting = Meeting.objects.filter(branch=town.branch_b).first()
    for path in (
        "/orglife/",
        "/orglife/new/",
        f"/orglife/new/?org={town.branch_b.pk}",
        f"/orglife/{meeting.pk}/",
        f"/orglife/{meeting.pk}/edit/",
        "/alliances/",
        "/alliances/new/",
        f"/alliances/{rice.pk}/",
        f"/alliances/{rice.pk}/members/",
        "/alliances/projects/",
        "/alliances/projects/new/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_rules(page, "olga")
